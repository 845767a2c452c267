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

@Injectable()
export class ExperimentRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The experiment and all its runs (QUEUED) in one transaction: all of it is stored or none. */
  create(input: NewExperiment): Promise<ExperimentWithRuns> {
    return this.prisma.$transaction(
      async (tx) => {
        const experiment = await tx.experiment.create({
          data: {
            projectId: input.projectId,
            name: input.name,
            tags: input.tags,
            spec: input.spec as Prisma.InputJsonValue,
            axes: input.axes === undefined ? Prisma.DbNull : (input.axes as Prisma.InputJsonValue),
            systemPath: input.systemPath,
            workloadKind: input.workloadKind,
          },
        });
        const runs = [];
        const now = new Date();
        for (let i = 0; i < input.runs.length; i += RUN_BATCH) {
          const batch = input.runs.slice(i, i + RUN_BATCH).map((r) => {
            const id = randomUUID();
            const cached = r.cachedFrom
              ? {
                  status: RunStatus.SUCCEEDED,
                  progress: 1,
                  startedAt: now,
                  finishedAt: now,
                  cachedFromId: r.cachedFrom.id,
                  modelVersion: r.cachedFrom.modelVersion,
                }
              : {};
            return {
              id,
              experimentId: experiment.id,
              spec: r.spec as Prisma.InputJsonValue,
              seed: BigInt(r.seed),
              replication: r.replication,
              point: r.point ?? 0,
              pointValues: r.pointValues === undefined ? Prisma.DbNull : (r.pointValues as Prisma.InputJsonValue),
              reproKey: r.reproKey,
              ...cached,
            };
          });
          runs.push(...(await tx.run.createManyAndReturn({ data: batch, select: { id: true, cachedFromId: true } })));
        }
        // A run served from the cache gets its original's result (with its own runId) and metric
        // rows, copied inside Postgres: the results need not travel through this process.
        const copies = runs.filter((r) => r.cachedFromId !== null);
        if (copies.length) {
          const [newIds, origIds] = [copies.map((r) => r.id), copies.map((r) => r.cachedFromId!)];
          await tx.$executeRaw`
            UPDATE run r SET result = o.result || jsonb_build_object('runId', r.id::text, 'cachedFrom', o.id::text)
            FROM unnest(${newIds}::uuid[], ${origIds}::uuid[]) AS v(new_id, orig_id) JOIN run o ON o.id = v.orig_id
            WHERE r.id = v.new_id`;
          await tx.$executeRaw`
            INSERT INTO metric (run_id, name, value)
            SELECT v.new_id, m.name, m.value
            FROM unnest(${newIds}::uuid[], ${origIds}::uuid[]) AS v(new_id, orig_id)
            JOIN metric m ON m.run_id = v.orig_id`;
        }
        const stored = await tx.run.findMany({ where: { experimentId: experiment.id }, orderBy: [{ point: 'asc' }, { replication: 'asc' }] });
        return { ...experiment, runs: stored };
      },
      // Under a burst of submissions the transaction waits for a pooled connection.
      { timeout: 60_000, maxWait: 30_000 },
    );
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
