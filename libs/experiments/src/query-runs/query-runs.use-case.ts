import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ExperimentRepository, RunRepository, RunStatus, type ExperimentWithRuns, type MetricCondition, type Run, type RunCursor, type RunPage } from '#persistence';
import { assertId, badInput, isId, notFound } from '../errors.js';

export interface RunsQuery {
  status?: string[];
  tags?: string[];
  systemPath?: string;
  workloadKind?: string;
  experimentId?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  /** Metric ranges: `latencyUs.get.p99<10`, `throughputOpsPerSec>=1e6` (all must hold). */
  where?: string[];
  /** `createdAt` (default) or a metric name such as `latencyUs.get.p99`. */
  orderBy?: string;
  direction?: 'asc' | 'desc';
  first?: number;
  after?: string;
}

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 20;

const cursorSchema = z.object({ key: z.union([z.number(), z.string()]), id: z.uuid() });

/** Cursors are opaque to clients: base64url of the last row's sort key and id. */
export function encodeCursor(c: RunCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(s: string): RunCursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
  } catch {
    throw badInput([{ path: 'after', message: 'is not a cursor this API gave out; pass a pageInfo.endCursor (or nextCursor) unchanged' }]);
  }
}

/** Reads of runs and experiments, shared by GraphQL and REST. */
@Injectable()
export class QueryRuns {
  constructor(
    private readonly runs: RunRepository,
    private readonly experiments: ExperimentRepository,
  ) {}

  async run(projectId: string, id: string): Promise<Run> {
    assertId(id, 'run');
    const run = await this.runs.findInProject(id, projectId);
    if (!run) throw notFound('run', id);
    return run;
  }

  async experiment(projectId: string, id: string): Promise<ExperimentWithRuns> {
    assertId(id, 'experiment');
    const experiment = await this.experiments.findById(id, projectId);
    if (!experiment) throw notFound('experiment', id);
    return experiment;
  }

  /** The project's experiments among `ids`, in the order asked, undefined where there is none. */
  async experimentsByIds(projectId: string, ids: readonly string[]): Promise<(ExperimentWithRuns | undefined)[]> {
    const found = new Map((await this.experiments.findManyByIds(ids, projectId)).map((e) => [e.id, e]));
    return ids.map((id) => found.get(id));
  }

  async page(projectId: string, q: RunsQuery): Promise<RunPage> {
    const problems = [];
    const statuses = Object.values(RunStatus) as string[];
    const badStatus = (q.status ?? []).filter((s) => !statuses.includes(s));
    if (badStatus.length) problems.push({ path: 'status', message: `unknown status ${badStatus.join(', ')}; use ${statuses.join(', ')}` });
    const first = q.first ?? DEFAULT_PAGE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      problems.push({ path: 'first', message: `must be an integer between 1 and ${MAX_PAGE} (got ${q.first})` });
    }
    if (q.experimentId !== undefined && !isId(q.experimentId)) {
      problems.push({ path: 'experimentId', message: `is not an experiment id (got '${q.experimentId}')` });
    }
    for (const key of ['createdAfter', 'createdBefore'] as const) {
      const d = q[key];
      if (d !== undefined && Number.isNaN(d.getTime())) problems.push({ path: key, message: 'must be an ISO-8601 date-time' });
    }
    if (q.orderBy !== undefined && q.orderBy !== 'createdAt' && !/^[A-Za-z0-9_.]+$/.test(q.orderBy)) {
      problems.push({ path: 'orderBy', message: "must be 'createdAt' or a metric name such as 'latencyUs.get.p99'" });
    }
    const metrics = (q.where ?? []).flatMap((w, i) => {
      const condition = parseCondition(w);
      if (!condition) problems.push({ path: `where.${i}`, message: `must be METRIC OP NUMBER with OP one of < <= > >= = (e.g. latencyUs.get.p99<10; got ${JSON.stringify(w)})` });
      return condition ? [condition] : [];
    });
    if (problems.length) throw badInput(problems);

    const direction = q.direction ?? 'desc';
    const order = !q.orderBy || q.orderBy === 'createdAt' ? ({ by: 'createdAt', direction } as const) : ({ by: 'metric', metric: q.orderBy, direction } as const);
    const after = q.after === undefined ? undefined : decodeCursor(q.after);
    return this.runs.page(
      {
        projectId,
        status: q.status as RunStatus[] | undefined,
        tags: q.tags,
        systemPath: q.systemPath,
        workloadKind: q.workloadKind,
        experimentId: q.experimentId,
        createdAfter: q.createdAfter,
        createdBefore: q.createdBefore,
        metrics,
      },
      order,
      first,
      after,
    );
  }
}

/** `latencyUs.get.p99<10` → { name, op, value }; undefined when it is not of that form. */
export function parseCondition(text: string): MetricCondition | undefined {
  const m = /^\s*([A-Za-z][\w.]*)\s*(<=|>=|<|>|=)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i.exec(text);
  return m ? { name: m[1], op: m[2] as MetricCondition['op'], value: Number(m[3]) } : undefined;
}
