import { Injectable } from '@nestjs/common';
import { CheckStatus, Prisma, type Baseline, type Check } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';

export { CheckStatus };
export type { Baseline, Check };

/** Baselines (named pointers to reference results) and checks against them. */
@Injectable()
export class CiRepository {
  constructor(private readonly prisma: PrismaService) {}

  setBaseline(projectId: string, name: string, experimentId: string, point: number | null): Promise<Baseline> {
    return this.prisma.baseline.upsert({
      where: { projectId_name: { projectId, name } },
      create: { projectId, name, experimentId, point },
      update: { experimentId, point },
    });
  }

  findBaseline(projectId: string, name: string): Promise<Baseline | null> {
    return this.prisma.baseline.findUnique({ where: { projectId_name: { projectId, name } } });
  }

  createCheck(data: { experimentId: string; baselineName: string; baselineExperimentId: string; baselinePoint: number | null; thresholds: unknown; metrics: string[] }): Promise<Check> {
    return this.prisma.check.create({ data: { ...data, thresholds: data.thresholds as Prisma.InputJsonValue } });
  }

  findCheck(id: string, projectId: string): Promise<Check | null> {
    return this.prisma.check.findFirst({ where: { id, experiment: { projectId } } });
  }

  /** Records the verdict once: a check that is no longer PENDING keeps its first verdict. */
  /** Stores the verdict of a PENDING check; `finished` is true only for the call that did. */
  async finishCheck(id: string, status: CheckStatus, verdict: unknown): Promise<{ check: Check; finished: boolean }> {
    const { count } = await this.prisma.check.updateMany({
      where: { id, status: CheckStatus.PENDING },
      data: { status, verdict: verdict as Prisma.InputJsonValue, finishedAt: new Date() },
    });
    return { check: await this.prisma.check.findUniqueOrThrow({ where: { id } }), finished: count === 1 };
  }

  /** The project's checks still waiting on this experiment's runs. */
  pendingChecksOf(experimentId: string): Promise<Check[]> {
    return this.prisma.check.findMany({ where: { experimentId, status: CheckStatus.PENDING } });
  }
}

export type IdempotencyClaim =
  | { state: 'new' }
  | { state: 'done'; requestHash: string; statusCode: number; response: unknown }
  | { state: 'in-progress'; requestHash: string };

/** Idempotency keys of POST requests: the first request's response, replayed to its retries. */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Claims the key for this request, or says what an earlier request with it left. */
  async claim(projectId: string, endpoint: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO idempotency_key (project_id, endpoint, key, request_hash) VALUES (${projectId}::uuid, ${endpoint}, ${key}, ${requestHash})
      ON CONFLICT DO NOTHING`;
    if (inserted === 1) return { state: 'new' };
    const row = await this.prisma.idempotencyKey.findUniqueOrThrow({ where: { projectId_endpoint_key: { projectId, endpoint, key } } });
    return row.statusCode === null
      ? { state: 'in-progress', requestHash: row.requestHash }
      : { state: 'done', requestHash: row.requestHash, statusCode: row.statusCode, response: row.response };
  }

  async complete(projectId: string, endpoint: string, key: string, statusCode: number, response: unknown): Promise<void> {
    await this.prisma.idempotencyKey.update({
      where: { projectId_endpoint_key: { projectId, endpoint, key } },
      data: { statusCode, response: (response ?? null) as Prisma.InputJsonValue },
    });
  }

  /** A request that failed is not remembered: a corrected retry with the same key runs. */
  async release(projectId: string, endpoint: string, key: string): Promise<void> {
    await this.prisma.idempotencyKey.deleteMany({ where: { projectId, endpoint, key, statusCode: null } });
  }
}
