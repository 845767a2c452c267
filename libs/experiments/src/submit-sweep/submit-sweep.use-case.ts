import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '#config';
import type { ExperimentWithRuns } from '#persistence';
import { checkSpec, expandSweep, InvalidSpecError, reproducibilityKey, SimError, sweepSize, type SpecProblem } from '#sim';
import { badBody, badInput } from '../errors.js';
import { RunStore } from '../run-store.js';

const schema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    tags: z.array(z.string().trim().min(1).max(64)).max(32).default([]),
    base: z.record(z.string(), z.unknown(), { error: 'must be an object (the spec every point starts from)' }).default({}),
    axes: z
      .array(z.object({ path: z.string(), values: z.array(z.unknown()) }).strict(), { error: 'must be a list of {path, values}' })
      .min(1, 'give at least one axis')
      .max(8, 'at most 8 axes'),
    replications: z.number().int().min(1).max(100).optional(),
    /** false: simulate every point even when a stored result has its reproducibility key. */
    cache: z.boolean().default(true),
  })
  .strict();

export type SubmitSweepInput = z.infer<typeof schema>;

/**
 * A sweep: the cartesian product of its axes over a base spec, stored as one experiment with a
 * run per point and replication, enqueued in bulk. Every point is checked before anything is
 * stored; a sweep over MAX_SWEEP_RUNS is refused with its size and the limit.
 */
@Injectable()
export class SubmitSweep {
  constructor(
    private readonly store: RunStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(projectId: string, input: unknown): Promise<ExperimentWithRuns> {
    const parsed = schema.safeParse(input ?? {});
    if (!parsed.success) {
      throw badBody(parsed.error.issues);
    }
    const { name, tags, axes } = parsed.data;
    const base = parsed.data.replications === undefined ? parsed.data.base : { ...parsed.data.base, replications: parsed.data.replications };
    const replications = typeof base.replications === 'number' ? base.replications : 1;
    const size = sweepSize(axes, replications);
    if (size.runs > this.config.MAX_SWEEP_RUNS) {
      throw badInput([
        {
          path: 'axes',
          message: `the sweep has ${size.runs.toLocaleString('en-US')} runs (${size.points} points × ${replications} replications), over the limit of ${this.config.MAX_SWEEP_RUNS.toLocaleString('en-US')}; drop axis values or replications, or split it`,
        },
      ]);
    }

    const points = this.refusing(() => expandSweep(base, axes), 'base');
    // A field no axis sets is wrong in the base: say so once, under base.<path>. What is wrong
    // only in some combinations of axis values is said per point, with the values.
    const onAxis = (path: string) => axes.some((a) => path === a.path || path.startsWith(`${a.path}.`) || a.path.startsWith(`${path}.`));
    const problems = new Map<string, SpecProblem>();
    const resolved = points.map((p) => {
      try {
        return checkSpec(p.spec, { maxEvents: this.config.MAX_EVENTS_PER_RUN, replication: 0 }).spec;
      } catch (err) {
        if (!(err instanceof SimError)) throw err;
        const where = Object.entries(p.values).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
        const found = err instanceof InvalidSpecError ? err.problems : [{ path: 'duration', message: err.message }];
        for (const q of found) {
          const problem = onAxis(q.path) ? { path: `points.${p.index}`, message: `at ${where}: ${q.path}: ${q.message}` } : { path: `base.${q.path}`, message: q.message };
          problems.set(`${problem.path}\n${problem.message}`, problem);
        }
        return undefined;
      }
    });
    if (problems.size) throw badInput([...problems.values()].slice(0, 20));

    // A sweep that grows by an axis value simulates only the new points: the rest have keys.
    const first = resolved[0]!;
    return this.store.store(
      { projectId, name: name ?? first.name, tags, spec: base, axes, systemPath: first.system.path, workloadKind: first.workload.kind },
      resolved.flatMap((spec, i) =>
        Array.from({ length: spec!.replications }, (_, replication) => ({
          spec,
          seed: spec!.seed,
          replication,
          point: i,
          pointValues: points[i].values,
          reproKey: reproducibilityKey(spec!, replication),
        })),
      ),
      parsed.data.cache,
    );
  }

  /** Spec problems of the sweep's definition, under `base.` or `axes.`. */
  private refusing<T>(fn: () => T, prefix: string): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof InvalidSpecError) {
        throw badInput(err.problems.map((p) => ({ path: /^(axes|points)\b/.test(p.path) ? p.path : `${prefix}.${p.path}`, message: p.message })));
      }
      throw err;
    }
  }
}
