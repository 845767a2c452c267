import { Injectable } from '@nestjs/common';
import { Prisma, type Experiment, type Run } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';

export type ExperimentWithRuns = Experiment & { runs: Run[] };

export interface NewExperiment {
  name: string;
  tags: string[];
  spec: unknown;
  /** A sweep's axes; absent for a single experiment. */
  axes?: unknown;
  systemPath: string;
  workloadKind: string;
  runs: { spec: unknown; seed: number; replication: number; point?: number; pointValues?: unknown }[];
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
            name: input.name,
            tags: input.tags,
            spec: input.spec as Prisma.InputJsonValue,
            axes: input.axes === undefined ? Prisma.DbNull : (input.axes as Prisma.InputJsonValue),
            systemPath: input.systemPath,
            workloadKind: input.workloadKind,
          },
        });
        const runs = [];
        for (let i = 0; i < input.runs.length; i += RUN_BATCH) {
          const batch = input.runs.slice(i, i + RUN_BATCH).map((r) => ({
            experimentId: experiment.id,
            spec: r.spec as Prisma.InputJsonValue,
            seed: BigInt(r.seed),
            replication: r.replication,
            point: r.point ?? 0,
            pointValues: r.pointValues === undefined ? Prisma.DbNull : (r.pointValues as Prisma.InputJsonValue),
          }));
          runs.push(...(await tx.run.createManyAndReturn({ data: batch })));
        }
        runs.sort((a, b) => a.point - b.point || a.replication - b.replication);
        return { ...experiment, runs };
      },
      { timeout: 60_000 },
    );
  }

  findById(id: string): Promise<ExperimentWithRuns | null> {
    return this.prisma.experiment.findUnique({ where: { id }, include: { runs: { orderBy: [{ point: 'asc' }, { replication: 'asc' }] } } });
  }

  findWithoutRuns(id: string): Promise<Experiment | null> {
    return this.prisma.experiment.findUnique({ where: { id } });
  }

  findManyByIds(ids: readonly string[]): Promise<Experiment[]> {
    return this.prisma.experiment.findMany({ where: { id: { in: [...ids] } } });
  }
}
