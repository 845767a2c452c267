import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { CheckStatus, CiRepository, RunRepository, RunStatus, type Check, type Run } from '#persistence';
import { Baselines } from '../baselines/baselines.use-case.js';
import { compareMetric, TEST_NAME, type MetricComparison } from '../compare-runs/compare-metric.js';
import { assertId, badBody, notFound } from '../errors.js';
import { DEFAULT_TABLE_METRICS } from '../query-sweep/query-sweep.use-case.js';
import { SubmitExperiment } from '../submit-experiment/submit-experiment.use-case.js';
import { SubmitSweep } from '../submit-sweep/submit-sweep.use-case.js';
import { WebhookEvents } from '../webhooks/webhook-events.js';
import { applyThreshold, parseThresholds, type Threshold, type ThresholdOutcome } from './thresholds.js';

const schema = z
  .object({
    name: z.string().max(200).optional(),
    tags: z.array(z.string()).max(32).default([]),
    spec: z.record(z.string(), z.unknown()).optional(),
    sweep: z.object({ base: z.record(z.string(), z.unknown()).default({}), axes: z.array(z.unknown()), replications: z.number().optional() }).strict().optional(),
    baseline: z.string({ error: 'name the baseline to compare with, e.g. "main"' }).min(1),
    thresholds: z.unknown().optional(),
    metrics: z.array(z.string()).max(50).optional(),
    wait: z.boolean().default(false),
    cache: z.boolean().default(true),
  })
  .strict()
  .refine((b) => (b.spec === undefined) !== (b.sweep === undefined), { message: 'give a spec or a sweep (one of them)', path: ['spec'] });

export interface PointVerdict {
  values: Record<string, unknown>;
  /** The candidate runs' reproducibility keys: rerun one with the same key, get the same numbers. */
  reproducibilityKeys: string[];
  metrics: (MetricComparison & ThresholdOutcome & { threshold?: Threshold })[];
}

export interface CheckVerdict {
  status: 'PASS' | 'FAIL' | 'ERROR';
  test: string;
  failures: string[];
  error?: string;
  points: PointVerdict[];
}

/**
 * A CI check: runs the candidate (a spec or a sweep), then compares it with the baseline's
 * results metric by metric under the thresholds. The verdict is computed once, when every
 * candidate run has finished, and kept.
 */
@Injectable()
export class RunCheck {
  constructor(
    private readonly ci: CiRepository,
    private readonly runs: RunRepository,
    private readonly baselines: Baselines,
    private readonly submitExperiment: SubmitExperiment,
    private readonly submitSweep: SubmitSweep,
    private readonly events: WebhookEvents,
  ) {}

  async create(projectId: string, input: unknown): Promise<{ check: Check; wait: boolean }> {
    const parsed = schema.safeParse(input ?? {});
    if (!parsed.success) throw badBody(parsed.error.issues);
    const body = parsed.data;
    const thresholds = parseThresholds(body.thresholds);
    const baseline = await this.baselines.get(projectId, body.baseline);
    const tags = [...body.tags, 'check'];
    const experiment = body.spec
      ? await this.submitExperiment.execute(projectId, { name: body.name, tags, spec: body.spec, cache: body.cache })
      : await this.submitSweep.execute(projectId, { name: body.name, tags, ...body.sweep, cache: body.cache });
    const metrics = [...new Set([...(body.metrics ?? DEFAULT_TABLE_METRICS), ...Object.keys(thresholds)])];
    const check = await this.ci.createCheck({
      experimentId: experiment.id,
      baselineName: baseline.name,
      baselineExperimentId: baseline.experimentId,
      baselinePoint: baseline.point,
      thresholds,
      metrics,
    });
    return { check: await this.evaluate(projectId, check), wait: body.wait };
  }

  async get(projectId: string, id: string): Promise<Check> {
    assertId(id, 'check');
    const check = await this.ci.findCheck(id, projectId);
    if (!check) throw notFound('check', id);
    return this.evaluate(projectId, check);
  }

  /** Gives a verdict to the checks waiting on an experiment whose runs have all finished. */
  async evaluatePending(projectId: string, experimentId: string): Promise<void> {
    for (const check of await this.ci.pendingChecksOf(experimentId)) await this.evaluate(projectId, check);
  }

  /** Polls until the verdict is in or `timeoutMs` passes. */
  async waitFor(projectId: string, check: Check, timeoutMs: number): Promise<Check> {
    const deadline = Date.now() + timeoutMs;
    while (check.status === CheckStatus.PENDING && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      check = await this.evaluate(projectId, check);
    }
    return check;
  }

  /** Computes and stores the verdict if every candidate run has finished; else returns it as it is. */
  private async evaluate(projectId: string, check: Check): Promise<Check> {
    if (check.status !== CheckStatus.PENDING) return check;
    const candidate = await this.runs.findByExperiment(check.experimentId, projectId);
    if (candidate.some((r) => r.status === RunStatus.QUEUED || r.status === RunStatus.RUNNING)) return check;
    const verdict = await this.verdict(projectId, check, candidate);
    const { check: stored, finished } = await this.ci.finishCheck(check.id, verdict.status, verdict);
    if (finished) await this.events.emit(projectId, 'check.completed', { checkId: stored.id, experimentId: stored.experimentId, status: stored.status, baseline: stored.baselineName, failures: verdict.failures, error: verdict.error ?? null });
    return stored;
  }

  private async verdict(projectId: string, check: Check, candidate: Run[]): Promise<CheckVerdict> {
    const error = (message: string): CheckVerdict => ({ status: 'ERROR', test: TEST_NAME, failures: [], error: message, points: [] });
    const failed = candidate.filter((r) => r.status !== RunStatus.SUCCEEDED);
    if (failed.length) return error(`${failed.length} candidate run(s) did not succeed; e.g. ${failed[0].id} ${failed[0].status}: ${failed[0].error ?? 'cancelled'}`);
    const baseline = await this.runs.findByExperiment(check.baselineExperimentId, projectId, check.baselinePoint ?? undefined);
    if (baseline.length === 0) return error(`baseline '${check.baselineName}' points at experiment ${check.baselineExperimentId}, which has no runs`);
    const unfinished = baseline.filter((r) => r.status !== RunStatus.SUCCEEDED);
    if (unfinished.length) return error(`baseline '${check.baselineName}' has ${unfinished.length} run(s) not SUCCEEDED; move it to a finished experiment`);

    const rows = await this.runs.metricRows([...candidate, ...baseline].map((r) => r.id), check.metrics);
    const valuesOf = (runs: Run[], name: string) => {
      const ids = new Set(runs.map((r) => r.id));
      return rows.filter((r) => r.name === name && ids.has(r.runId)).map((r) => r.value);
    };
    // Candidate points meet the baseline point with the same axis values, or the baseline as a whole.
    const byPoint = groupBy(candidate, (r) => r.point);
    const baselineByValues = groupBy(baseline, (r) => key(r.pointValues));
    const thresholds = check.thresholds as Record<string, Threshold>;
    const points: PointVerdict[] = [];
    const failures: string[] = [];
    for (const runs of byPoint.values()) {
      const values = (runs[0].pointValues ?? {}) as Record<string, unknown>;
      const reference = baselineByValues.size === 1 ? baseline : (baselineByValues.get(key(runs[0].pointValues)) ?? []);
      if (reference.length === 0) return error(`the baseline has no point with ${JSON.stringify(values)}; sweep checks need the baseline's axes`);
      const metrics = [];
      for (const name of check.metrics) {
        const [b, c] = [valuesOf(reference, name), valuesOf(runs, name)];
        if (b.length === 0 || c.length === 0) continue; // e.g. latencyUs.set.* of a GET-only workload
        const comparison = compareMetric(name, b, c);
        const outcome = applyThreshold(comparison, thresholds[name]);
        if (outcome.reason) failures.push(Object.keys(values).length ? `${outcome.reason} at ${JSON.stringify(values)}` : outcome.reason);
        metrics.push({ ...comparison, ...outcome, ...(thresholds[name] ? { threshold: thresholds[name] } : {}) });
      }
      points.push({ values, reproducibilityKeys: runs.map((r) => r.reproKey ?? ''), metrics });
    }
    return { status: failures.length ? 'FAIL' : 'PASS', test: TEST_NAME, failures, points };
  }
}

function groupBy<T, K>(items: T[], by: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) out.set(by(item), [...(out.get(by(item)) ?? []), item]);
  return out;
}

function key(values: unknown): string {
  return JSON.stringify(values ?? {});
}
