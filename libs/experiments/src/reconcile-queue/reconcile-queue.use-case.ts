import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config';
import { RunRepository } from '#persistence';
import { RunQueue } from '../run-queue.js';

/**
 * Postgres is the source of truth: a run that is QUEUED or RUNNING there but has no live job in
 * Redis (the API died between commit and enqueue, or Redis lost its data in a restart) gets its
 * job back. Runs younger than the grace period are left to the API that is enqueueing them.
 */
@Injectable()
export class ReconcileQueue {
  private readonly logger = new Logger(ReconcileQueue.name);

  constructor(
    private readonly runs: RunRepository,
    private readonly queue: RunQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(): Promise<number> {
    const stranded = await this.runs.findActiveSince(new Date(Date.now() - this.config.RECONCILE_GRACE_MS));
    let requeued = 0;
    for (const run of stranded) {
      if (await this.queue.ensureJob(run.id)) requeued++;
    }
    if (requeued > 0) this.logger.warn(`re-enqueued ${requeued} run(s) that Redis did not know`);
    return requeued;
  }
}
