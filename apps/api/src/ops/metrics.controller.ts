import { Controller, Get, Header } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { RunQueue } from '#experiments';
import { PrismaService } from '#persistence';
import { RequiresScope } from '../auth/caller.js';

/**
 * Prometheus metrics at /metrics (an admin token): this API process's own (prom-client
 * defaults) and the instance's runs and queue, read from Postgres and Redis at each scrape so
 * that every API process reports the same numbers.
 */
@Controller('metrics')
@RequiresScope('admin')
export class MetricsController {
  private readonly registry = new Registry();
  private readonly runs = new Gauge({ name: 'iopath_runs', help: 'Runs by status', labelNames: ['status'], registers: [this.registry] });
  private readonly cached = new Gauge({ name: 'iopath_runs_served_from_cache', help: 'Runs whose result came from the result cache', registers: [this.registry] });
  private readonly duration = new Gauge({ name: 'iopath_run_duration_seconds_avg', help: 'Mean wall time of succeeded runs over the last hour', registers: [this.registry] });
  private readonly queueWait = new Gauge({ name: 'iopath_queue_wait_seconds_avg', help: 'Mean time from queued to started over the last hour', registers: [this.registry] });
  private readonly jobs = new Gauge({ name: 'iopath_queue_jobs', help: 'Jobs in the runs queue by state', labelNames: ['state'], registers: [this.registry] });
  private readonly workers = new Gauge({ name: 'iopath_workers', help: 'Workers connected to the runs queue', registers: [this.registry] });
  private readonly engine = new Gauge({ name: 'iopath_engine_events_per_second', help: 'Simulation events per wall second over the runs of the last hour', registers: [this.registry] });

  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: RunQueue,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'iopath_api_' });
  }

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(): Promise<string> {
    const [byStatus, [recent], queue] = await Promise.all([
      this.prisma.run.groupBy({ by: ['status'], _count: { _all: true } }),
      this.prisma.$queryRaw<{ cached: bigint; duration: number | null; wait: number | null; events: number | null; wall: number | null }[]>`
        SELECT (SELECT count(*) FROM run WHERE cached_from IS NOT NULL) AS cached,
               avg(extract(epoch FROM finished_at - started_at))::float8 AS duration,
               avg(extract(epoch FROM started_at - queued_at))::float8 AS wait,
               sum((result->'metrics'->>'eventsProcessed')::float8) AS events,
               sum((result->'metrics'->>'wallMs')::float8) AS wall
        FROM run WHERE status = 'SUCCEEDED' AND cached_from IS NULL AND finished_at > now() - interval '1 hour'`,
      this.queue.status().catch(() => undefined),
    ]);
    this.runs.reset();
    for (const g of byStatus) this.runs.set({ status: g.status }, g._count._all);
    this.cached.set(Number(recent.cached));
    this.duration.set(recent.duration ?? 0);
    this.queueWait.set(recent.wait ?? 0);
    this.engine.set(recent.events && recent.wall ? recent.events / (recent.wall / 1000) : 0);
    if (queue) {
      for (const [state, n] of Object.entries(queue.counts)) this.jobs.set({ state }, n);
      this.workers.set(queue.workers);
    }
    return this.registry.metrics();
  }
}
