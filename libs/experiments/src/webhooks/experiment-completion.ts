import { Injectable } from '@nestjs/common';
import { WebhookRepository } from '#persistence';
import { WebhookEvents } from './webhook-events.js';

/**
 * Marks an experiment (or sweep) completed when its last run has finished, and tells its
 * project's webhooks — once, whichever worker or API process finishes the last run.
 */
@Injectable()
export class ExperimentCompletion {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly events: WebhookEvents,
  ) {}

  /** The experiment's project when this call completed it; null when it is not done or another call did it. */
  async settle(experimentId: string): Promise<string | null> {
    const done = await this.webhooks.completeExperiment(experimentId);
    if (!done) return null;
    await this.events.emit(done.projectId, 'experiment.completed', { experimentId, counts: done.counts });
    return done.projectId;
  }
}
