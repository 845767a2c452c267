import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { WebhookRepository, type Webhook, type WebhookDelivery } from '#persistence';
import { assertId, badBody, notFound } from '../errors.js';
import { WEBHOOK_EVENTS } from './webhook-events.js';

const schema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    events: z.array(z.enum(WEBHOOK_EVENTS, { error: `must be one of ${WEBHOOK_EVENTS.join(', ')}` })).min(1).default([...WEBHOOK_EVENTS]),
  })
  .strict();

/** A webhook as its project sees it; the secret only in the answer that registered it. */
export function webhookView(w: Webhook, withSecret = false) {
  return { id: w.id, url: w.url, events: w.events, createdAt: w.createdAt, ...(withSecret ? { secret: w.secret } : {}) };
}

export function deliveryView(d: WebhookDelivery) {
  return { id: d.id, event: d.event, status: d.status, attempts: d.attempts, lastStatusCode: d.lastStatusCode, lastError: d.lastError, createdAt: d.createdAt, deliveredAt: d.deliveredAt, payload: d.payload };
}

/** A project's webhooks: register, list, delete, and each one's delivery history. */
@Injectable()
export class Webhooks {
  constructor(private readonly webhooks: WebhookRepository) {}

  async register(projectId: string, input: unknown): Promise<Webhook> {
    const parsed = schema.safeParse(input ?? {});
    if (!parsed.success) throw badBody(parsed.error.issues);
    return this.webhooks.create(projectId, parsed.data.url, [...new Set(parsed.data.events)], `whsec_${randomBytes(24).toString('base64url')}`);
  }

  list(projectId: string): Promise<Webhook[]> {
    return this.webhooks.list(projectId);
  }

  async remove(projectId: string, id: string): Promise<void> {
    assertId(id, 'webhook');
    if (!(await this.webhooks.remove(id, projectId))) throw notFound('webhook', id);
  }

  async deliveries(projectId: string, id: string, limit = 50): Promise<WebhookDelivery[]> {
    assertId(id, 'webhook');
    if (!(await this.webhooks.find(id, projectId))) throw notFound('webhook', id);
    return this.webhooks.deliveries(id, Math.min(Math.max(limit, 1), 500));
  }
}
