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
   * (BEGIN, two INSERTs, COMMIT) rather than an interactive transaction that waits on each reply.
   */
  async create(input: NewExperiment): Promise<ExperimentWithRuns> {
    const experimentId = randomUUID();
    const now = new Date();
    const rows = input.runs.map((r) => this.runRow(experimentId, r, now));
    const copies = rows.filter((r) => r.cachedFromId !== undefined);
    const [experiment, ...batches] = await this.prisma.$transaction([
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
      ...chunks(rows, RUN_BATCH).map((data) => this.prisma.run.createManyAndReturn({ data })),
      // A run served from the cache gets its original's result (with its own runId) and metric
      // rows, copied inside Postgres: the results need not travel through this process.
      ...(copies.length ? this.copyResults(copies.map((r) => r.id), copies.map((r) => r.cachedFromId!)) : []),
    ], TX_LIMITS);
    const created = (batches.slice(0, Math.ceil(rows.length / RUN_BATCH)) as Run[][]).flat();
    // Copies' results were written after their rows came back: read those runs again.
    const runs = copies.length ? await this.prisma.run.findMany({ where: { experimentId } }) : created;
    runs.sort((a, b) => a.point - b.point || a.replication - b.replication);
    return { ...(experiment as Experiment), runs };
  }

  private runRow(experimentId: string, r: NewRun, now: Date) {
    const cached = r.cachedFrom
      ? { status: RunStatus.SUCCEEDED, progress: 1, startedAt: now, finishedAt: now, cachedFromId: r.cachedFrom.id, modelVersion: r.cachedFrom.modelVersion }
      : {};
    return {
      id: randomUUID(),
      experimentId,
      spec: r.spec as Prisma.InputJsonValue,
      seed: BigInt(r.seed),
      replication: r.replication,
      point: r.point ?? 0,
      pointValues: r.pointValues === undefined ? Prisma.DbNull : (r.pointValues as Prisma.InputJsonValue),
      reproKey: r.reproKey,
      ...cached,
    };
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
