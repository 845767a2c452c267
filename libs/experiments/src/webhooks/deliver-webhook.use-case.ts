import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#config';
import { WebhookRepository } from '#persistence';

/** Thrown to have the queue try the delivery again later (with backoff). */
export class DeliveryFailed extends Error {}

/**
 * The signature a receiver checks: HMAC-SHA256 over `<timestamp>.<body>` with the webhook's
 * secret, as `X-Iopath-Signature: sha256=<hex>` beside `X-Iopath-Timestamp` (so a receiver can
 * refuse old replays).
 */
export function signPayload(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** POSTs one delivery and records the attempt; a non-2xx answer or no answer is retried. */
@Injectable()
export class DeliverWebhook {
  constructor(
    private readonly webhooks: WebhookRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(deliveryId: string, finalAttempt: boolean): Promise<'delivered' | 'gone'> {
    const delivery = await this.webhooks.findDelivery(deliveryId);
    if (!delivery) return 'gone'; // the webhook was deleted meanwhile
    const body = JSON.stringify({ id: delivery.id, ...(delivery.payload as object) });
    const timestamp = String(Math.floor(Date.now() / 1000));
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(delivery.webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'iopath-webhooks',
          'x-iopath-event': delivery.event,
          'x-iopath-delivery': delivery.id,
          'x-iopath-timestamp': timestamp,
          'x-iopath-signature': signPayload(delivery.webhook.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.WEBHOOK_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      statusCode = res.status;
      if (!res.ok) error = `the receiver answered ${res.status}`;
    } catch (err) {
      error = (err as Error).name === 'TimeoutError' ? `no answer within ${this.config.WEBHOOK_TIMEOUT_MS} ms` : `${(err as Error).message}${(err as Error).cause instanceof Error ? `: ${((err as Error).cause as Error).message}` : ''}`;
    }
    const status = error === null ? 'DELIVERED' : finalAttempt ? 'FAILED' : 'PENDING';
    await this.webhooks.recordAttempt(deliveryId, { status, statusCode, error });
    if (error !== null) throw new DeliveryFailed(error);
    return 'delivered';
  }
}
