import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config';
import { RunRepository } from '#persistence';
import { RunCheck } from '../run-check/run-check.use-case.js';
import { RunQueue } from '../run-queue.js';
import { ExperimentCompletion } from '../webhooks/experiment-completion.js';
import { WebhookEvents } from '../webhooks/webhook-events.js';

/**
 * Postgres is the source of truth: a run that is QUEUED or RUNNING there but has no live job in
 * Redis (the API died between commit and enqueue, or Redis lost its data in a restart) gets its
 * job back. Runs younger than the grace period are left to the API that is enqueueing them.
 * Likewise an experiment whose last runs finished at the same moment and each left its completion
 * to the other is completed here (and told to webhooks and waiting checks), and a webhook
 * delivery still PENDING without a job gets its job back.
 */
@Injectable()
export class ReconcileQueue {
  private readonly logger = new Logger(ReconcileQueue.name);

  constructor(
    private readonly runs: RunRepository,
    private readonly queue: RunQueue,
    private readonly completion: ExperimentCompletion,
    private readonly checks: RunCheck,
    private readonly webhookEvents: WebhookEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(): Promise<number> {
    const stranded = await this.runs.findActiveSince(new Date(Date.now() - this.config.RECONCILE_GRACE_MS));
    let requeued = 0;
    for (const run of stranded) {
      if (await this.queue.ensureJob(run.id)) requeued++;
    }
    if (requeued > 0) this.logger.warn(`re-enqueued ${requeued} run(s) that Redis did not know`);
    for (const experimentId of await this.runs.findUnsettled()) {
      const projectId = await this.completion.settle(experimentId);
      if (projectId) await this.checks.evaluatePending(projectId, experimentId);
    }
    const deliveries = await this.webhookEvents.requeueStranded(new Date(Date.now() - this.config.RECONCILE_GRACE_MS));
    if (deliveries > 0) this.logger.warn(`re-queued ${deliveries} webhook deliveries that Redis did not know`);
    return requeued;
  }
}
