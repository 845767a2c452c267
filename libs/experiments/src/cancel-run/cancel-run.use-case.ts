import { Injectable } from '@nestjs/common';
import { RunRepository, RunStatus, type Run } from '#persistence';
import { AppError, assertId, notFound } from '../errors.js';
import { RunQueue } from '../run-queue.js';
import { ExperimentCompletion } from '../webhooks/experiment-completion.js';
import { WebhookEvents } from '../webhooks/webhook-events.js';

/**
 * Cancels a run. A QUEUED run loses its job; a RUNNING run is marked CANCELLED here and its
 * worker, which checks the status each time it reports progress, aborts the simulation.
 */
@Injectable()
export class CancelRun {
  constructor(
    private readonly runs: RunRepository,
    private readonly queue: RunQueue,
    private readonly completion: ExperimentCompletion,
    private readonly events: WebhookEvents,
  ) {}

  async execute(projectId: string, id: string): Promise<Run> {
    assertId(id, 'run');
    if (!(await this.runs.findInProject(id, projectId))) throw notFound('run', id);
    const outcome = await this.runs.cancel(id);
    if (!outcome.found) throw notFound('run', id);
    switch (outcome.previous) {
      case RunStatus.QUEUED:
        // No worker will see this run again: its completion is told here.
        await this.queue.remove(id);
        await this.events.emit(projectId, 'run.completed', { runId: id, experimentId: outcome.run.experimentId, status: RunStatus.CANCELLED });
        await this.completion.settle(outcome.run.experimentId);
        return outcome.run;
      case RunStatus.RUNNING:
        return outcome.run;
      case RunStatus.SUCCEEDED:
      case RunStatus.FAILED:
      case RunStatus.CANCELLED:
        throw new AppError('CONFLICT', `run ${id} is already ${outcome.previous}; only QUEUED or RUNNING runs can be cancelled`);
    }
  }
}
