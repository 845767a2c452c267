import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '#config';
import { QueueName, jobOptions, type JobItem } from '#queue';
import { AppError } from './errors.js';

/** The runs queue as the use-cases see it: enqueue, remove, check, and make sure a job exists. */
@Injectable()
export class RunQueue {
  private readonly logger = new Logger(RunQueue.name);

  constructor(
    @InjectQueue(QueueName.Runs) private readonly queue: Queue<JobItem['data'], unknown, JobItem['name']>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Throws UNAVAILABLE (503) when Redis does not answer within a second. */
  async assertAvailable(): Promise<void> {
    try {
      await withTimeout(this.queue.getJobCounts('wait'), 1000);
    } catch {
      throw new AppError(
        'UNAVAILABLE',
        `the job queue (Redis at ${redactUrl(this.config.REDIS_URL)}) is not answering; nothing was stored — retry when it is back`,
      );
    }
  }

  /** Jobs by state, and the workers connected: what health and metrics report. */
  async status(): Promise<{ counts: Record<string, number>; workers: number }> {
    const [counts, workers] = await Promise.all([
      withTimeout(this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'), 1000),
      withTimeout(this.queue.getWorkersCount(), 1000),
    ]);
    return { counts, workers };
  }

  async enqueue(runIds: readonly string[]): Promise<void> {
    const items: JobItem[] = runIds.map((runId) => ({ name: 'simulate-run', data: { runId } }));
    await this.queue.addBulk(items.map((item) => ({ ...item, opts: jobOptions(item, this.config) })));
  }

  /** Removes a waiting job; a job a worker holds stays, and the worker sees the run's new status. */
  async remove(runId: string): Promise<void> {
    try {
      await this.queue.remove(runId);
    } catch (err) {
      this.logger.warn(`job ${runId} not removed (${(err as Error).message}); its worker will see the run cancelled`);
    }
  }

  /**
   * Makes sure the queue has a live job for the run; true when one had to be added. A finished
   * job left with the same id would swallow the new one, so it is removed first.
   */
  async ensureJob(runId: string): Promise<boolean> {
    const job = await this.queue.getJob(runId);
    if (job) {
      const state = await job.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
      await job.remove();
    }
    await this.enqueue([runId]);
    return true;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
