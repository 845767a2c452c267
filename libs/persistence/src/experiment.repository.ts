import { Injectable } from '@nestjs/common';
import { Prisma, type Experiment, type Run } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';

export type ExperimentWithRuns = Experiment & { runs: Run[] };

export interface NewExperiment {
  name: string;
  tags: string[];
  spec: unknown;
  systemPath: string;
  workloadKind: string;
  runs: { spec: unknown; seed: number; replication: number }[];
}

@Injectable()
export class ExperimentRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The experiment and all its runs (QUEUED) in one transaction: all of it is stored or none. */
  create(input: NewExperiment): Promise<ExperimentWithRuns> {
    return this.prisma.experiment.create({
      data: {
        name: input.name,
        tags: input.tags,
        spec: input.spec as Prisma.InputJsonValue,
        systemPath: input.systemPath,
        workloadKind: input.workloadKind,
        runs: {
          create: input.runs.map((r) => ({ spec: r.spec as Prisma.InputJsonValue, seed: BigInt(r.seed), replication: r.replication })),
        },
      },
      include: { runs: { orderBy: { replication: 'asc' } } },
    });
  }

  findById(id: string): Promise<ExperimentWithRuns | null> {
    return this.prisma.experiment.findUnique({ where: { id }, include: { runs: { orderBy: { replication: 'asc' } } } });
  }

  findManyByIds(ids: readonly string[]): Promise<Experiment[]> {
    return this.prisma.experiment.findMany({ where: { id: { in: [...ids] } } });
  }
}
