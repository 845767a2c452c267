import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { RunQueue } from '#experiments';
import { PrismaService } from '#persistence';
import { Public } from '../auth/caller.js';

/**
 * Whether this API can serve (no token needed): Postgres answers, Redis answers, how deep the
 * queue is and how many workers are connected. 200 when both stores answer, 503 naming the one
 * that does not. `/health` and `/v1/health` are the same check.
 */
@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly checks: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly prisma: PrismaService,
    private readonly queue: RunQueue,
  ) {}

  @Get(['health', 'v1/health'])
  async health(@Res({ passthrough: true }) res: Response) {
    try {
      const result = await this.checks.check([() => this.database(), () => this.jobQueue()]);
      return { status: 'ok', ...summary(result.details) };
    } catch (err) {
      // Terminus throws the details of a failed check; answer them ourselves, as 503.
      const details = ((err as { getResponse?: () => { details?: Record<string, { status: string }> } }).getResponse?.().details ?? {});
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'unavailable', ...summary(details) };
    }
  }

  private async database(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('database');
    try {
      await this.prisma.$queryRaw`SELECT 1`;
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: (err as Error).message.split('\n').filter(Boolean).at(-1) });
    }
  }

  private async jobQueue(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('queue');
    try {
      const { counts, workers } = await this.queue.status();
      return indicator.up({ depth: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0, workers });
    } catch (err) {
      return indicator.down({ message: (err as Error).message });
    }
  }
}

/** `{database: 'up', queue: 'up', queueDepth, workers}` from terminus's details. */
function summary(details: Record<string, { status: string; [k: string]: unknown }>) {
  const queue = details.queue ?? { status: 'down' };
  return {
    database: details.database?.status ?? 'down',
    queue: queue.status,
    ...(queue.status === 'up' ? { queueDepth: queue.depth, activeRuns: queue.active, workers: queue.workers } : {}),
  };
}
