import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Prisma, RunStatus, type Experiment, type Run } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';

export type ExperimentWithRuns = Experiment & { runs: Run[] };

export interface NewExperiment {
  projectId: string;
  name: string;
  tags: string[];
  spec: unknown;
  /** A sweep's axes; absent for a single experiment. */
  axes?: unknown;
  systemPath: string;
  workloadKind: string;
  runs: NewRun[];
}

export interface NewRun {
  spec: unknown;
  seed: number;
  replication: number;
  point?: number;
  pointValues?: unknown;
  reproKey: string;
  /** A stored run with the same key: this one is stored SUCCEEDED with its result, not simulated. */
  cachedFrom?: CachedResult;
}

export interface CachedResult {
  id: string;
  modelVersion: string | null;
}

/** Rows per INSERT when a sweep stores thousands of runs. */
const RUN_BATCH = 2000;
/** Under a burst of submissions a transaction waits for a pooled connection rather than fail. */
const TX_LIMITS = { maxWait: 30_000, timeout: 60_000 };

@Injectable()
export class ExperimentRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The experiment and all its runs (QUEUED, or SUCCEEDED as copies of cached results) in one
   * transaction: all of it is stored or none. Ids are made here, so the rows go out in one batch
   * (BEGIN, the INSERTs, COMMIT) rather than an interactive transaction that waits on each reply.
   * The runs travel as one JSON parameter and come back with RETURNING: Prisma's own bulk insert
   * spent 0.3 s of CPU building and reading back a 1,000-run sweep.
   */
  async create(input: NewExperiment): Promise<ExperimentWithRuns> {
    const experimentId = randomUUID();
    const now = new Date().toISOString();
    const rows = input.runs.map((r) => runRow(experimentId, r, now));
    const copies = rows.filter((r) => r.cached_from !== null);
    const [experiment, ...batches] = await this.prisma.$transaction(
      [
        this.prisma.experiment.create({
          data: {
            id: experimentId,
            projectId: input.projectId,
            name: input.name,
            tags: input.tags,
            spec: input.spec as Prisma.InputJsonValue,
            axes: input.axes === undefined ? Prisma.DbNull : (input.axes as Prisma.InputJsonValue),
            systemPath: input.systemPath,
            workloadKind: input.workloadKind,
          },
        }),
        ...chunks(rows, RUN_BATCH).map(
          (chunk) => this.prisma.$queryRaw<RunRow[]>`
            INSERT INTO run (id, experiment_id, status, spec, seed, point, point_values, replication, progress, repro_key, started_at, finished_at, cached_from, model_version)
            SELECT id, experiment_id, status::"RunStatus", spec, seed, point, point_values, replication, progress, repro_key, started_at, finished_at, cached_from, model_version
            FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) AS x(
              id uuid, experiment_id uuid, status text, spec jsonb, seed bigint, point int, point_values jsonb, replication int, progress float8,
              repro_key text, started_at timestamptz, finished_at timestamptz, cached_from uuid, model_version text)
            RETURNING *`,
        ),
        // A run served from the cache gets its original's result (with its own runId) and metric
        // rows, copied inside Postgres: the results need not travel through this process.
        ...(copies.length ? this.copyResults(copies.map((r) => r.id), copies.map((r) => r.cached_from!)) : []),
      ],
      TX_LIMITS,
    );
    // Copies' results were written after their rows came back: read those runs again.
    const stored = copies.length
      ? await this.prisma.$queryRaw<RunRow[]>`SELECT * FROM run WHERE experiment_id = ${experimentId}::uuid`
      : (batches.slice(0, Math.ceil(rows.length / RUN_BATCH)) as RunRow[][]).flat();
    const runs = stored.map(toRun).sort((a, b) => a.point - b.point || a.replication - b.replication);
    return { ...(experiment as Experiment), runs };
  }

  private copyResults(newIds: string[], origIds: string[]) {
    return [
      this.prisma.$executeRaw`
        UPDATE run r SET result = o.result || jsonb_build_object('runId', r.id::text, 'cachedFrom', o.id::text)
        FROM unnest(${newIds}::uuid[], ${origIds}::uuid[]) AS v(new_id, orig_id) JOIN run o ON o.id = v.orig_id
        WHERE r.id = v.new_id`,
      this.prisma.$executeRaw`
        INSERT INTO metric (run_id, name, value)
        SELECT v.new_id, m.name, m.value
        FROM unnest(${newIds}::uuid[], ${origIds}::uuid[]) AS v(new_id, orig_id)
        JOIN metric m ON m.run_id = v.orig_id`,
    ];
  }

  /** The experiment if it is the project's; another project's is as absent as a missing one. */
  findById(id: string, projectId: string): Promise<ExperimentWithRuns | null> {
    return this.prisma.experiment.findFirst({ where: { id, projectId }, include: { runs: { orderBy: [{ point: 'asc' }, { replication: 'asc' }] } } });
  }

  /** Several of the project's experiments with their runs, in one query (for a DataLoader). */
  findManyByIds(ids: readonly string[], projectId: string): Promise<ExperimentWithRuns[]> {
    return this.prisma.experiment.findMany({
      where: { id: { in: [...ids] }, projectId },
      include: { runs: { orderBy: [{ point: 'asc' }, { replication: 'asc' }] } },
    });
  }

  exists(id: string, projectId: string): Promise<boolean> {
    return this.prisma.experiment.count({ where: { id, projectId } }).then((n) => n > 0);
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A run as the INSERT takes it: column names; JSON null becomes SQL NULL. */
function runRow(experimentId: string, r: NewRun, now: string) {
  return {
    id: randomUUID(),
    experiment_id: experimentId,
    status: r.cachedFrom ? RunStatus.SUCCEEDED : RunStatus.QUEUED,
    spec: r.spec,
    seed: r.seed,
    point: r.point ?? 0,
    point_values: r.pointValues ?? null,
    replication: r.replication,
    progress: r.cachedFrom ? 1 : 0,
    repro_key: r.reproKey,
    started_at: r.cachedFrom ? now : null,
    finished_at: r.cachedFrom ? now : null,
    cached_from: r.cachedFrom?.id ?? null,
    model_version: r.cachedFrom?.modelVersion ?? null,
  };
}

/** A row of `run` as raw SQL returns it. */
interface RunRow {
  id: string;
  experiment_id: string;
  status: RunStatus;
  spec: Prisma.JsonValue;
  seed: bigint;
  point: number;
  point_values: Prisma.JsonValue | null;
  replication: number;
  progress: number;
  attempts: number;
  worker_id: string | null;
  error_code: string | null;
  error: string | null;
  model_version: string | null;
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  result: Prisma.JsonValue | null;
  repro_key: string | null;
  cached_from: string | null;
}

function toRun(r: RunRow): Run {
  return {
    id: r.id,
    experimentId: r.experiment_id,
    status: r.status,
    spec: r.spec,
    seed: r.seed,
    point: r.point,
    pointValues: r.point_values,
    replication: r.replication,
    progress: r.progress,
    attempts: r.attempts,
    workerId: r.worker_id,
    errorCode: r.error_code,
    error: r.error,
    modelVersion: r.model_version,
    queuedAt: r.queued_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    result: r.result,
    reproKey: r.repro_key,
    cachedFromId: r.cached_from,
  };
}
