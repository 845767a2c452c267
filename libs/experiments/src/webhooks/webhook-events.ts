import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, type AppConfig } from '#config';
import { WebhookRepository } from '#persistence';
import { QueueName, webhookJobOptions, type WebhookJob } from '#queue';

const SUBSCRIPTIONS_TTL_MS = 2_000;

export const WEBHOOK_EVENTS = ['run.completed', 'experiment.completed', 'check.completed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * Records an event as a delivery for each of the project's webhooks that takes it, then queues
 * the deliveries. The rows come first: a delivery whose job was lost is still in the history as
 * PENDING. Telling webhooks never fails the work that caused the event.
 */
@Injectable()
export class WebhookEvents {
  private readonly logger = new Logger(WebhookEvents.name);
  /**
   * The events each project's webhooks take, kept for SUBSCRIPTIONS_TTL_MS: most projects have
   * none, and a sweep's runs should not each ask. A webhook registered now hears events from
   * within that time on.
   */
  private readonly subscriptions = new LRUCache<string, Set<string>>({ max: 10_000, ttl: SUBSCRIPTIONS_TTL_MS });

  constructor(
    private readonly webhooks: WebhookRepository,
    @InjectQueue(QueueName.Webhooks) private readonly queue: Queue<WebhookJob['data'], unknown, WebhookJob['name']>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async emit(projectId: string, event: WebhookEvent, data: Record<string, unknown>): Promise<void> {
    try {
      if (!(await this.subscribed(projectId)).has(event)) return;
      const payload = { event, occurredAt: new Date().toISOString(), projectId, data };
      const ids = await this.webhooks.record(projectId, event, payload);
      if (ids.length === 0) return;
      const jobs: WebhookJob[] = ids.map((deliveryId) => ({ name: 'deliver-webhook', data: { deliveryId } }));
      await this.queue.addBulk(jobs.map((job) => ({ ...job, opts: webhookJobOptions(job, this.config) })));
    } catch (err) {
      this.logger.warn(`webhook event ${event} for project ${projectId} not recorded: ${(err as Error).message}`);
    }
  }

  /**
   * Queues again the PENDING deliveries recorded before `before` that have no job (Redis lost it,
   * or the process died between the row and the job); a delivery's job id is its id, so one that
   * still has a job is left alone. Returns how many were queued again.
   */
  async requeueStranded(before: Date): Promise<number> {
    let requeued = 0;
    for (const deliveryId of await this.webhooks.findPendingBefore(before)) {
      if (await this.queue.getJob(deliveryId)) continue;
      const job: WebhookJob = { name: 'deliver-webhook', data: { deliveryId } };
      await this.queue.add(job.name, job.data, webhookJobOptions(job, this.config));
      requeued++;
    }
    return requeued;
  }

  private async subscribed(projectId: string): Promise<Set<string>> {
    let events = this.subscriptions.get(projectId);
    if (!events) {
      events = new Set(await this.webhooks.eventsOf(projectId));
      this.subscriptions.set(projectId, events);
    }
    return events;
  }
}
