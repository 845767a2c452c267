import type { JobsOptions } from 'bullmq';
import type { AppConfig } from '#config';

/**
 * The job catalogue: every queue, job name and payload in one place. Payloads carry ids, not
 * state — the worker reloads the run from Postgres, which is the source of truth.
 */
export const QueueName = {
  Runs: 'runs',
} as const;

export type JobItem = { name: 'simulate-run'; data: { runId: string } };

export type JobName = JobItem['name'];

/**
 * Options for every job: the job id is the run id, so enqueueing a run twice (the API and the
 * reconciler racing) leaves one job; retries back off exponentially.
 */
export function jobOptions(item: JobItem, config: Pick<AppConfig, 'RUN_ATTEMPTS' | 'RUN_BACKOFF_MS'>): JobsOptions {
  switch (item.name) {
    case 'simulate-run':
      return {
        jobId: item.data.runId,
        attempts: config.RUN_ATTEMPTS,
        backoff: { type: 'exponential', delay: config.RUN_BACKOFF_MS },
        // Postgres keeps the results; Redis keeps finished jobs only long enough to look at.
        removeOnComplete: { age: 3600, count: 10_000 },
        removeOnFail: { age: 24 * 3600 },
      };
  }
}

/** BullMQ connection options from REDIS_URL. */
export function redisConnection(config: Pick<AppConfig, 'REDIS_URL'>, forWorker: boolean) {
  return {
    url: config.REDIS_URL,
    // A worker's blocking commands must wait out a Redis restart; the API must not: a submission
    // while Redis is down fails at once with 503 instead of hanging.
    maxRetriesPerRequest: forWorker ? null : 1,
    enableOfflineQueue: forWorker,
  };
}
