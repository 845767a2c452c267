import { Injectable } from '@nestjs/common';
import type { Webhook, WebhookDelivery } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';

export type { Webhook, WebhookDelivery };

/** Webhooks, their deliveries, and the once-only completion of an experiment that triggers one. */
@Injectable()
export class WebhookRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(projectId: string, url: string, events: string[], secret: string): Promise<Webhook> {
    return this.prisma.webhook.create({ data: { projectId, url, events, secret } });
  }

  /** Every event some webhook of the project takes. */
  async eventsOf(projectId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ event: string }[]>`SELECT DISTINCT unnest(events) AS event FROM webhook WHERE project_id = ${projectId}::uuid`;
    return rows.map((r) => r.event);
  }

  list(projectId: string): Promise<Webhook[]> {
    return this.prisma.webhook.findMany({ where: { projectId }, orderBy: { createdAt: 'asc' } });
  }

  find(id: string, projectId: string): Promise<Webhook | null> {
    return this.prisma.webhook.findFirst({ where: { id, projectId } });
  }

  async remove(id: string, projectId: string): Promise<boolean> {
    const { count } = await this.prisma.webhook.deleteMany({ where: { id, projectId } });
    return count === 1;
  }

  deliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]> {
    return this.prisma.webhookDelivery.findMany({ where: { webhookId }, orderBy: { createdAt: 'desc' }, take: limit });
  }

  /** A delivery per webhook of the project that takes this event; their ids, to enqueue. */
  async record(projectId: string, event: string, payload: unknown): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO webhook_delivery (id, webhook_id, event, payload)
      SELECT gen_random_uuid(), w.id, ${event}, ${JSON.stringify(payload)}::jsonb
      FROM webhook w WHERE w.project_id = ${projectId}::uuid AND ${event} = ANY(w.events)
      RETURNING id`;
    return rows.map((r) => r.id);
  }

  /** Deliveries still PENDING that were recorded before `before`: the reconciler checks their jobs. */
  async findPendingBefore(before: Date, limit = 1000): Promise<string[]> {
    const rows = await this.prisma.webhookDelivery.findMany({ where: { status: 'PENDING', createdAt: { lt: before } }, select: { id: true }, orderBy: { createdAt: 'asc' }, take: limit });
    return rows.map((r) => r.id);
  }

  findDelivery(id: string): Promise<(WebhookDelivery & { webhook: Webhook }) | null> {
    return this.prisma.webhookDelivery.findUnique({ where: { id }, include: { webhook: true } });
  }

  async recordAttempt(id: string, outcome: { status: 'PENDING' | 'DELIVERED' | 'FAILED'; statusCode: number | null; error: string | null }): Promise<void> {
    await this.prisma.webhookDelivery.update({
      where: { id },
      data: {
        status: outcome.status,
        attempts: { increment: 1 },
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        deliveredAt: outcome.status === 'DELIVERED' ? new Date() : undefined,
      },
    });
  }

  /**
   * Marks the experiment completed if none of its runs is QUEUED or RUNNING and it was not
   * already: true for exactly one caller, however many finish its last runs at once.
   */
  async completeExperiment(experimentId: string): Promise<{ projectId: string; counts: Record<string, number> } | null> {
    const [done] = await this.prisma.$queryRaw<{ project_id: string }[]>`
      UPDATE experiment SET completed_at = now()
      WHERE id = ${experimentId}::uuid AND completed_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM run WHERE experiment_id = ${experimentId}::uuid AND status IN ('QUEUED', 'RUNNING'))
      RETURNING project_id`;
    if (!done) return null;
    const counts = await this.prisma.run.groupBy({ by: ['status'], where: { experimentId }, _count: true });
    return { projectId: done.project_id, counts: Object.fromEntries(counts.map((c) => [c.status, c._count])) };
  }
}
