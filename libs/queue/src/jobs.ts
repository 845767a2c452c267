import type { JobsOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import type { AppConfig } from '#config';

/**
 * The job catalogue: every queue, job name and payload in one place. Payloads carry ids, not
 * state — the worker reloads the run from Postgres, which is the source of truth.
 */
export const QueueName = {
  Runs: 'runs',
  Webhooks: 'webhooks',
} as const;

/** A job of the runs queue. */
export type JobItem = { name: 'simulate-run'; data: { runId: string } };

/** A job of the webhooks queue: one delivery of one event to one URL. */
export type WebhookJob = { name: 'deliver-webhook'; data: { deliveryId: string } };

/**
 * Deliveries are retried with exponential backoff from 1 s: 8 attempts span about two minutes,
 * enough for a receiver's restart; the history shows each failed attempt's answer.
 */
export function webhookJobOptions(job: WebhookJob, config: Pick<AppConfig, 'WEBHOOK_ATTEMPTS' | 'WEBHOOK_BACKOFF_MS'>): JobsOptions {
  return retried(job.data.deliveryId, config.WEBHOOK_ATTEMPTS, config.WEBHOOK_BACKOFF_MS);
}

/**
 * One job per id (a second add of the id is a no-op), retried with exponential backoff. Postgres
 * keeps what matters; Redis keeps finished jobs only long enough to look at.
 */
function retried(jobId: string, attempts: number, backoffMs: number): JobsOptions {
  return {
    jobId,
    attempts,
    backoff: { type: 'exponential', delay: backoffMs },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 24 * 3600 },
  };
}

export type JobName = JobItem['name'];

/**
 * Options for every job: the job id is the run id, so enqueueing a run twice (the API and the
 * reconciler racing) leaves one job; retries back off exponentially.
 */
export function jobOptions(item: JobItem, config: Pick<AppConfig, 'RUN_ATTEMPTS' | 'RUN_BACKOFF_MS'>): JobsOptions {
  switch (item.name) {
    case 'simulate-run':
      return retried(item.data.runId, config.RUN_ATTEMPTS, config.RUN_BACKOFF_MS);
  }
}

/** BullMQ's connection: REDIS_URL, or a Redis Cluster when REDIS_CLUSTER_NODES is set. */
export function redisConnection(config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>, forWorker: boolean) {
  // A worker's blocking commands must wait out a Redis restart; the API must not: a submission
  // while Redis is down fails at once with 503 instead of hanging.
  const behaviour = { maxRetriesPerRequest: forWorker ? null : 1, enableOfflineQueue: forWorker };
  if (config.REDIS_CLUSTER_NODES) {
    const nodes = config.REDIS_CLUSTER_NODES.split(',').map((n) => {
      const [host, port] = n.split(':');
      return { host, port: Number(port) };
    });
    return new Cluster(nodes, { redisOptions: behaviour, enableOfflineQueue: forWorker });
  }
  return { url: config.REDIS_URL, ...behaviour };
}

/** The key prefix; on a cluster a hash tag, since BullMQ's scripts touch all of a queue's keys at once. */
export function queuePrefix(config: Pick<AppConfig, 'QUEUE_PREFIX' | 'REDIS_CLUSTER_NODES'>): string {
  return config.REDIS_CLUSTER_NODES ? `{${config.QUEUE_PREFIX}}` : config.QUEUE_PREFIX;
}
