import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { DeliverWebhook, DeliveryFailed } from '#experiments';
import { QueueName, type WebhookJob } from '#queue';

/** Takes webhook deliveries off their queue; a failed attempt is thrown so BullMQ retries it with backoff. */
@Processor(QueueName.Webhooks, { concurrency: 8 })
export class WebhookProcessor extends WorkerHost {
  private readonly logger = new Logger(WebhookProcessor.name);

  constructor(private readonly deliver: DeliverWebhook) {
    super();
  }

  async process(job: Job<WebhookJob['data'], unknown, WebhookJob['name']>): Promise<string> {
    if (job.name !== 'deliver-webhook') throw new UnrecoverableError(`no processor for job '${job.name as string}'; add it to WebhookProcessor`);
    const attempt = job.attemptsMade + 1;
    try {
      return await this.deliver.execute(job.data.deliveryId, attempt >= (job.opts.attempts ?? 1));
    } catch (err) {
      if (err instanceof DeliveryFailed) this.logger.warn({ deliveryId: job.data.deliveryId, attempt }, `webhook delivery ${job.data.deliveryId} attempt ${attempt}: ${err.message}`);
      throw err;
    }
  }
}
