import { z } from 'zod';
import type { MetricComparison } from '../compare-runs/compare-metric.js';
import { badInput } from '../errors.js';

/** A metric's limit: the largest regression allowed, and/or the significance a failure needs. */
export interface Threshold {
  /** Worsening in % of the baseline, in the metric's bad direction (either way for neutral ones). */
  maxRegressionPct?: number;
  /** Fail only when the change is also significant at this level (needs replications). */
  significance?: number;
}

/** When a check names no thresholds: mean and p99 latency and throughput may not regress over 5%. */
export const DEFAULT_THRESHOLDS: Record<string, Threshold> = {
  'latencyUs.all.mean': { maxRegressionPct: 5 },
  'latencyUs.all.p99': { maxRegressionPct: 5 },
  throughputOpsPerSec: { maxRegressionPct: 5 },
};

const percent = z.union([
  z.number().min(0),
  z
    .string()
    .regex(/^\+?\d+(\.\d+)?%?$/, 'must be a percentage such as "+5%"')
    .transform((s) => Number(s.replace(/[+%]/g, ''))),
]);
const threshold = z.union([
  percent.transform((maxRegressionPct) => ({ maxRegressionPct }) as Threshold),
  z
    .object({ maxRegressionPct: percent.optional(), significance: z.number().gt(0).lt(1).optional() })
    .strict()
    .refine((t) => t.maxRegressionPct !== undefined || t.significance !== undefined, 'give maxRegressionPct and/or significance'),
]);

export function parseThresholds(input: unknown): Record<string, Threshold> {
  if (input === undefined || input === null) return DEFAULT_THRESHOLDS;
  const parsed = z.record(z.string().regex(/^[A-Za-z][\w.]*$/, 'must be a metric name such as latencyUs.all.p99'), threshold).safeParse(input);
  if (!parsed.success) throw badInput(parsed.error.issues.map((i) => ({ path: ['thresholds', ...i.path].join('.'), message: i.message })));
  return parsed.data as Record<string, Threshold>;
}

export interface ThresholdOutcome {
  /** Worsening in %, positive when the candidate is worse (for neutral metrics: any change). */
  regressionPct: number | null;
  failed: boolean;
  reason?: string;
}

/** Whether a comparison breaks its threshold, and why, in words a CI log can show. */
export function applyThreshold(c: MetricComparison, t: Threshold | undefined): ThresholdOutcome {
  const rel = c.relativeChange;
  const regressionPct = rel === null ? null : 100 * (c.direction === 'lower-is-better' ? rel : c.direction === 'higher-is-better' ? -rel : Math.abs(rel));
  if (!t) return { regressionPct, failed: false };
  const overLimit = t.maxRegressionPct === undefined ? true : regressionPct !== null && regressionPct > t.maxRegressionPct;
  const significantEnough = t.significance === undefined ? true : c.pValue !== null && c.pValue < t.significance;
  const failed = overLimit && significantEnough && (t.maxRegressionPct !== undefined || c.verdict === 'worse');
  if (!failed) return { regressionPct, failed };
  const parts = [`${c.name} regressed ${regressionPct === null ? 'from 0' : `${regressionPct.toFixed(2)}%`}`];
  if (t.maxRegressionPct !== undefined) parts.push(`(limit ${t.maxRegressionPct}%)`);
  if (t.significance !== undefined) parts.push(`p = ${c.pValue?.toPrecision(3)} < ${t.significance}`);
  parts.push(`: baseline ${fmt(c.baseline.mean)}, candidate ${fmt(c.candidate.mean)}`);
  return { regressionPct, failed, reason: parts.join(' ') };
}

function fmt(x: number): string {
  return Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(4);
}
