import { Injectable } from '@nestjs/common';
import { Prisma, RunStatus, type Run } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';

export { RunStatus };
export type { Run };

const ACTIVE: RunStatus[] = [RunStatus.QUEUED, RunStatus.RUNNING];

export interface RunFilter {
  /** Always set by the service: a caller sees its own project's runs only. */
  projectId: string;
  status?: RunStatus[];
  /** Runs whose experiment carries every one of these tags. */
  tags?: string[];
  systemPath?: string;
  workloadKind?: string;
  experimentId?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  /** Runs whose stored metric meets every condition, e.g. latencyUs.get.p99 < 10. */
  metrics?: MetricCondition[];
}

export interface MetricCondition {
  name: string;
  op: '<' | '<=' | '>' | '>=' | '=';
  value: number;
}

export type RunOrder = { by: 'createdAt'; direction: 'asc' | 'desc' } | { by: 'metric'; metric: string; direction: 'asc' | 'desc' };

/** Where a page starts: the sort key and id of the last row of the previous page. */
export interface RunCursor {
  key: number | string;
  id: string;
}

export interface RunPage {
  runs: Run[];
  /** The cursor of each run in `runs`, for Relay edges. */
  cursors: RunCursor[];
  hasNextPage: boolean;
  totalCount: number;
}

/** What a worker needs of the run it claimed. */
export interface ClaimedRun {
  experimentId: string;
  projectId: string;
  spec: unknown;
  seed: bigint;
  replication: number;
  attempts: number;
}

export type CancelOutcome = { found: false } | { found: true; previous: RunStatus; run: Run };

export interface ExperimentProgress {
  counts: Record<RunStatus, number>;
  total: number;
  /** Sum of the runs' progress (finished runs count 1). */
  done: number;
  /** Mean wall time of a succeeded run, for the estimate of the time left. */
  meanRunMs: number | null;
}

/** A metric's values over a sweep point's succeeded replications. */
export interface PointMetric {
  point: number;
  pointValues: unknown;
  name: string;
  values: number[];
}

@Injectable()
export class RunRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The run if it belongs to the project; another project's is as absent as a missing one. */
  findInProject(id: string, projectId: string): Promise<Run | null> {
    return this.prisma.run.findFirst({ where: { id, experiment: { projectId } } });
  }

  /**
   * One page of runs, newest first or by a metric's value, with keyset pagination so a page
   * stays right while new runs arrive. Runs without the metric are left out of a metric ordering.
   */
  async page(filter: RunFilter, order: RunOrder, limit: number, after?: RunCursor): Promise<RunPage> {
    const byMetric = order.by === 'metric';
    const key = byMetric ? Prisma.sql`m.value` : Prisma.sql`r.queued_at`;
    const join = byMetric ? Prisma.sql`JOIN metric m ON m.run_id = r.id AND m.name = ${order.metric}` : Prisma.empty;
    const dir = order.direction === 'asc' ? Prisma.raw('ASC') : Prisma.raw('DESC');
    const cmp = order.direction === 'asc' ? Prisma.raw('>') : Prisma.raw('<');
    const cursorKey = after === undefined ? null : byMetric ? Prisma.sql`${Number(after.key)}::float8` : Prisma.sql`${String(after.key)}::timestamptz`;
    const seek = after === undefined ? Prisma.empty : Prisma.sql`AND (${key}, r.id) ${cmp} (${cursorKey}, ${after.id}::uuid)`;
    // Experiment filters (tags, path, workload) are selective and indexed: find those experiments
    // first (OFFSET 0 keeps the planner from flattening the subquery) and their runs by
    // experiment, rather than walking every run newest-first hoping to meet them — a LIMIT over
    // a rare filter would read the whole table.
    const from = Prisma.sql`FROM (SELECT id FROM experiment WHERE ${this.experimentConditions(filter)} OFFSET 0) e JOIN run r ON r.experiment_id = e.id ${join} WHERE ${this.runConditions(filter)}`;

    const [rows, counted] = await Promise.all([
      this.prisma.$queryRaw<{ id: string; key: Date | number }[]>(
        Prisma.sql`SELECT r.id, ${key} AS key ${from} ${seek} ORDER BY ${key} ${dir}, r.id ${dir} LIMIT ${limit + 1}`,
      ),
      this.prisma.$queryRaw<{ n: bigint }[]>(Prisma.sql`SELECT count(*) AS n ${from}`),
    ]);
    const pageRows = rows.slice(0, limit);
    const runs = await this.prisma.run.findMany({ where: { id: { in: pageRows.map((r) => r.id) } } });
    const byId = new Map(runs.map((r) => [r.id, r]));
    return {
      runs: pageRows.map((r) => byId.get(r.id)!),
      cursors: pageRows.map((r) => ({ id: r.id, key: r.key instanceof Date ? r.key.toISOString() : r.key })),
      hasNextPage: rows.length > limit,
      totalCount: Number(counted[0].n),
    };
  }

  private experimentConditions(f: RunFilter): Prisma.Sql {
    const parts: Prisma.Sql[] = [Prisma.sql`project_id = ${f.projectId}::uuid`];
    if (f.tags?.length) parts.push(Prisma.sql`tags @> ${f.tags}::text[]`);
    if (f.systemPath) parts.push(Prisma.sql`system_path = ${f.systemPath}`);
    if (f.workloadKind) parts.push(Prisma.sql`workload_kind = ${f.workloadKind}`);
    return Prisma.join(parts, ' AND ');
  }

  private runConditions(f: RunFilter): Prisma.Sql {
    const parts: Prisma.Sql[] = [Prisma.sql`TRUE`];
    // Compared as the enum (not as text), so the planner can use its statistics and indexes.
    if (f.status?.length) parts.push(Prisma.sql`r.status = ANY(${f.status}::"RunStatus"[])`);
    if (f.experimentId) parts.push(Prisma.sql`r.experiment_id = ${f.experimentId}::uuid`);
    if (f.createdAfter) parts.push(Prisma.sql`r.queued_at >= ${f.createdAfter}`);
    if (f.createdBefore) parts.push(Prisma.sql`r.queued_at < ${f.createdBefore}`);
    for (const c of f.metrics ?? []) {
      // Driven by the (name, value) index: the runs whose metric is in range.
      parts.push(Prisma.sql`r.id IN (SELECT run_id FROM metric WHERE name = ${c.name} AND value ${Prisma.raw(c.op)} ${c.value})`);
    }
    return Prisma.join(parts, ' AND ');
  }

  /**
   * A worker takes a run: QUEUED (or RUNNING, when a crashed worker's job is retried) becomes
   * RUNNING with one more attempt. Null when the run is finished or cancelled: nothing to do.
   */
  async claim(id: string, workerId: string): Promise<ClaimedRun | null> {
    // One round trip: the conditional update returns what the worker needs of the run.
    const [claimed] = await this.prisma.$queryRaw<ClaimedRun[]>`
      UPDATE run SET status = 'RUNNING', attempts = attempts + 1, worker_id = ${workerId}, started_at = now(),
                     progress = 0, error = NULL, error_code = NULL
      WHERE id = ${id}::uuid AND status IN ('QUEUED', 'RUNNING')
      RETURNING experiment_id AS "experimentId", (SELECT project_id FROM experiment e WHERE e.id = run.experiment_id) AS "projectId",
                spec, seed, replication, attempts`;
    return claimed ?? null;
  }

  /** Records progress; false when the run is no longer RUNNING (cancelled), so the worker stops. */
  async reportProgress(id: string, progress: number): Promise<boolean> {
    const { count } = await this.prisma.run.updateMany({ where: { id, status: RunStatus.RUNNING }, data: { progress } });
    return count === 1;
  }

  /**
   * The result and its metric rows in one transaction. A retried job replaces rather than adds
   * (and the metric primary key forbids a second set); a run cancelled meanwhile stays cancelled.
   */
  async succeed(id: string, result: unknown, metrics: Record<string, number>, modelVersion: string): Promise<{ stored: boolean; othersQueued: boolean }> {
    // One statement, so one round trip and atomic: the run becomes SUCCEEDED only if it was
    // RUNNING, and its metric rows are written with it. A retried job's rows replace the first
    // attempt's (same spec and seed, same names), never add to them.
    const names = Object.keys(metrics);
    const [written] = await this.prisma.$queryRaw<{ n: bigint; queued: boolean }[]>`
      WITH done AS (
        UPDATE run SET status = 'SUCCEEDED', progress = 1, finished_at = now(), result = ${JSON.stringify(result)}::jsonb, model_version = ${modelVersion}
        WHERE id = ${id}::uuid AND status = 'RUNNING' RETURNING id
      ), rows AS (
        INSERT INTO metric (run_id, name, value)
        SELECT done.id, m.name, m.value FROM done, unnest(${names}::text[], ${names.map((n) => metrics[n])}::float8[]) AS m(name, value)
        ON CONFLICT (run_id, name) DO UPDATE SET value = EXCLUDED.value
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM done) AS n,
             EXISTS (SELECT 1 FROM run q WHERE q.experiment_id = (SELECT experiment_id FROM run WHERE id = ${id}::uuid) AND q.status = 'QUEUED') AS queued`;
    // othersQueued: runs of the experiment still to start, so this one cannot have been its last.
    return { stored: Number(written.n) === 1, othersQueued: written.queued };
  }

  /** FAILED for good (`final`), or back to QUEUED with the error shown while a retry waits. */
  async fail(id: string, errorCode: string, error: string, final: boolean): Promise<void> {
    await this.prisma.run.updateMany({
      where: { id, status: { in: ACTIVE } },
      data: final ? { status: RunStatus.FAILED, errorCode, error, finishedAt: new Date() } : { status: RunStatus.QUEUED, errorCode, error },
    });
  }

  /** Marks a QUEUED or RUNNING run CANCELLED, and says what it was before. */
  async cancel(id: string): Promise<CancelOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ status: RunStatus }[]>`SELECT status FROM run WHERE id = ${id}::uuid FOR UPDATE`;
      if (rows.length === 0) return { found: false };
      const previous = rows[0].status;
      const run = ACTIVE.includes(previous)
        ? await tx.run.update({ where: { id }, data: { status: RunStatus.CANCELLED, finishedAt: new Date() } })
        : await tx.run.findUniqueOrThrow({ where: { id } });
      return { found: true, previous, run };
    });
  }

  async progressOf(experimentId: string): Promise<ExperimentProgress> {
    const [groups, timing] = await Promise.all([
      this.prisma.run.groupBy({ by: ['status'], where: { experimentId }, _count: { _all: true }, _sum: { progress: true } }),
      this.prisma.$queryRaw<{ ms: number | null }[]>`
        SELECT avg(extract(epoch FROM finished_at - started_at) * 1000)::float8 AS ms
        FROM run WHERE experiment_id = ${experimentId}::uuid AND status = 'SUCCEEDED'`,
    ]);
    const counts = Object.fromEntries(Object.values(RunStatus).map((st) => [st, 0])) as Record<RunStatus, number>;
    let done = 0;
    for (const g of groups) {
      counts[g.status] = g._count._all;
      done += g.status === RunStatus.QUEUED || g.status === RunStatus.RUNNING ? (g._sum.progress ?? 0) : g._count._all;
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return { counts, total, done, meanRunMs: timing[0]?.ms ?? null };
  }

  /** Each point's values of the named metrics over its succeeded replications, in point order. */
  pointMetrics(experimentId: string, names: readonly string[]): Promise<PointMetric[]> {
    return this.prisma.$queryRaw<PointMetric[]>`
      SELECT r.point, r.point_values AS "pointValues", m.name, array_agg(m.value ORDER BY r.replication) AS values
      FROM run r JOIN metric m ON m.run_id = r.id
      WHERE r.experiment_id = ${experimentId}::uuid AND r.status = 'SUCCEEDED' AND m.name = ANY(${[...names]}::text[])
      GROUP BY r.point, r.point_values, m.name
      ORDER BY r.point, m.name`;
  }

  /**
   * For each key, a stored SUCCEEDED run with that key (the original when it was itself served
   * from the cache), whose result a new run with the same key can take instead of simulating.
   */
  async findCached(keys: readonly string[], projectId: string): Promise<Map<string, { id: string; modelVersion: string | null }>> {
    const found = new Map<string, { id: string; modelVersion: string | null }>();
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += 5000) {
      const rows = await this.prisma.run.findMany({
        where: { reproKey: { in: unique.slice(i, i + 5000) }, status: RunStatus.SUCCEEDED, cachedFromId: null, experiment: { projectId } },
        select: { id: true, reproKey: true, modelVersion: true },
        orderBy: { finishedAt: 'asc' },
      });
      for (const r of rows) if (!found.has(r.reproKey!)) found.set(r.reproKey!, { id: r.id, modelVersion: r.modelVersion });
    }
    return found;
  }

  /** The runs of an experiment (at one point), as a comparison selects them. */
  /** The ids of an experiment's runs, without the runs (a sweep's can be thousands of results). */
  async idsOf(experimentId: string): Promise<string[]> {
    const rows = await this.prisma.run.findMany({ where: { experimentId }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  findByExperiment(experimentId: string, projectId: string, point?: number): Promise<Run[]> {
    return this.prisma.run.findMany({
      where: { experimentId, experiment: { projectId }, ...(point === undefined ? {} : { point }) },
      orderBy: [{ point: 'asc' }, { replication: 'asc' }],
    });
  }

  /** Values of the named metrics of these runs. */
  metricRows(runIds: readonly string[], names: readonly string[]): Promise<{ runId: string; name: string; value: number }[]> {
    return this.prisma.metric.findMany({ where: { runId: { in: [...runIds] }, name: { in: [...names] } }, select: { runId: true, name: true, value: true } });
  }

  /** Runs queued (or running) before `before`: the reconciler checks that Redis has a job for each. */
  /** Experiments no run of which is QUEUED or RUNNING, but whose completion nobody claimed. */
  async findUnsettled(limit = 1000): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT e.id FROM experiment e
      WHERE e.completed_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM run r WHERE r.experiment_id = e.id AND r.status IN ('QUEUED', 'RUNNING'))
      ORDER BY e.created_at LIMIT ${limit}`;
    return rows.map((r) => r.id);
  }

  findActiveSince(before: Date): Promise<Pick<Run, 'id' | 'status'>[]> {
    return this.prisma.run.findMany({
      where: { status: { in: ACTIVE }, queuedAt: { lt: before } },
      select: { id: true, status: true },
      orderBy: { queuedAt: 'asc' },
      take: 10_000,
    });
  }
}
