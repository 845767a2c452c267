import { confidenceInterval, metricDirection, welchTTest, type ConfidenceInterval, type MetricDirection } from '#sim';

export const SIGNIFICANCE = 0.05;
export const TEST_NAME = "Welch's two-sided t-test over replications, alpha 0.05";

export type Verdict = 'better' | 'worse' | 'changed' | 'unchanged' | 'inconclusive';

export interface MetricComparison {
  name: string;
  direction: MetricDirection;
  baseline: ConfidenceInterval;
  candidate: ConfidenceInterval;
  absoluteChange: number;
  /** Change over the baseline's mean; null when that mean is 0. */
  relativeChange: number | null;
  /** Null with fewer than two replications on a side: nothing to tell noise by. */
  pValue: number | null;
  significant: boolean;
  /** better/worse: a significant change in the metric's good/bad direction; changed: significant
   *  on a metric with no good direction; inconclusive: a difference that could not be tested. */
  verdict: Verdict;
}

/**
 * One metric, baseline against candidate: means with 95% CIs, the change, Welch's test and a
 * direction-aware verdict.
 */
export function compareMetric(name: string, baseline: number[], candidate: number[]): MetricComparison {
  const b = confidenceInterval(baseline);
  const c = confidenceInterval(candidate);
  const direction = metricDirection(name);
  const absoluteChange = c.mean - b.mean;
  const test = welchTTest(baseline, candidate);
  const pValue = test?.pValue ?? null;
  const significant = pValue !== null && pValue < SIGNIFICANCE;
  let verdict: Verdict;
  if (pValue === null) verdict = absoluteChange === 0 ? 'unchanged' : 'inconclusive';
  else if (!significant) verdict = 'unchanged';
  else if (direction === 'neutral') verdict = 'changed';
  else verdict = (absoluteChange < 0) === (direction === 'lower-is-better') ? 'better' : 'worse';
  return { name, direction, baseline: b, candidate: c, absoluteChange, relativeChange: b.mean === 0 ? null : absoluteChange / b.mean, pValue, significant, verdict };
}
