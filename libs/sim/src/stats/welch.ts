import jstat from 'jstat';

export interface WelchResult {
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided. */
  pValue: number;
}

/**
 * Welch's t-test for the difference of two means with unequal variances (replications of a
 * baseline and a candidate). Null when either side has fewer than two values: with one
 * replication there is no estimate of the noise to test against.
 */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult | null {
  if (a.length < 2 || b.length < 2) return null;
  const stats = (xs: readonly number[]) => {
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
    return { mean, se2: variance / xs.length, n: xs.length };
  };
  const x = stats(a);
  const y = stats(b);
  const se2 = x.se2 + y.se2;
  const diff = y.mean - x.mean;
  if (se2 === 0) return { t: diff === 0 ? 0 : Math.sign(diff) * Infinity, df: x.n + y.n - 2, pValue: diff === 0 ? 1 : 0 };
  const t = diff / Math.sqrt(se2);
  const df = se2 ** 2 / (x.se2 ** 2 / (x.n - 1) + y.se2 ** 2 / (y.n - 1));
  const pValue = 2 * (1 - jstat.jStat.studentt.cdf(Math.abs(t), df));
  return { t, df, pValue: Math.min(1, Math.max(0, pValue)) };
}

export type MetricDirection = 'lower-is-better' | 'higher-is-better' | 'neutral';

/** Which way a metric improves: latencies, times, crossings and misses down; throughput up. */
export function metricDirection(name: string): MetricDirection {
  if (name === 'throughputOpsPerSec') return 'higher-is-better';
  if (/^latencyUs\./.test(name) || /^breakdown\.[^.]+\.\w+Ns$/.test(name) || /^crossings/.test(name) || name === 'hostCpuNsPerRequest' || /^tlb\./.test(name)) {
    return 'lower-is-better';
  }
  return 'neutral';
}
