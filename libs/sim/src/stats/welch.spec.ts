import { describe, expect, it } from 'vitest';
import { metricDirection, welchTTest } from './welch.js';

describe("Welch's t-test", () => {
  it('matches the definition, computed independently', () => {
    // Reference computed outside this code from the formulas: Python's statistics module for t
    // and the Welch–Satterthwaite df, and Simpson integration of the t density for the p-value.
    const a = [19.1, 20.3, 18.7, 21.2, 20.0, 19.5];
    const b = [22.4, 21.8, 23.9, 22.1, 24.0];
    const r = welchTTest(a, b)!;
    expect(r.t).toBeCloseTo(5.14393, 4);
    expect(r.df).toBeCloseTo(8.05711, 4);
    expect(r.pValue).toBeCloseTo(0.000861, 5);
  });

  it('finds no difference between samples of one distribution, and needs two values a side', () => {
    expect(welchTTest([1, 2, 3, 4], [1, 2, 3, 4])!.pValue).toBeCloseTo(1, 10);
    expect(welchTTest([5], [6, 7])).toBeNull();
  });

  it('knows which way a metric improves', () => {
    expect(metricDirection('latencyUs.get.p99')).toBe('lower-is-better');
    expect(metricDirection('throughputOpsPerSec')).toBe('higher-is-better');
    expect(metricDirection('breakdown.all.kernelNs')).toBe('lower-is-better');
    expect(metricDirection('utilization.nic')).toBe('neutral');
  });
});
