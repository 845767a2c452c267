import jstat from 'jstat';

export interface ConfidenceInterval {
  mean: number;
  stddev: number;
  lo: number;
  hi: number;
  halfWidth: number;
  n: number;
}

/** Two-sided Student-t confidence interval of the mean of independent replications. */
export function confidenceInterval(values: readonly number[], level = 0.95): ConfidenceInterval {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, n);
  if (n < 2) return { mean, stddev: 0, lo: mean, hi: mean, halfWidth: 0, n };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  const stddev = Math.sqrt(variance);
  const t = jstat.jStat.studentt.inv(1 - (1 - level) / 2, n - 1);
  const halfWidth = (t * stddev) / Math.sqrt(n);
  return { mean, stddev, lo: mean - halfWidth, hi: mean + halfWidth, halfWidth, n };
}
