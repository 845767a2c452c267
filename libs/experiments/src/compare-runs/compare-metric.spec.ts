import { describe, expect, it } from 'vitest';
import { compareMetric } from './compare-metric.js';

describe('compareMetric', () => {
  it('calls a significant latency rise worse and a significant throughput rise better', () => {
    const slower = compareMetric('latencyUs.all.p99', [10, 10.2, 9.9, 10.1], [12, 12.3, 11.8, 12.1]);
    expect(slower).toMatchObject({ direction: 'lower-is-better', significant: true, verdict: 'worse' });
    expect(slower.absoluteChange).toBeCloseTo(2, 6);
    expect(slower.relativeChange).toBeCloseTo(0.2, 2);
    expect(compareMetric('throughputOpsPerSec', [100, 101, 99], [120, 121, 119]).verdict).toBe('better');
    expect(compareMetric('utilization.nic', [0.5, 0.51, 0.49], [0.7, 0.71, 0.69]).verdict).toBe('changed');
  });

  it('calls a difference inside the noise unchanged, and one it cannot test inconclusive', () => {
    expect(compareMetric('latencyUs.all.mean', [10, 12, 9, 11], [10.5, 11.5, 9.5, 11.2])).toMatchObject({ significant: false, verdict: 'unchanged' });
    expect(compareMetric('latencyUs.all.mean', [10], [11])).toMatchObject({ pValue: null, verdict: 'inconclusive' });
    expect(compareMetric('latencyUs.all.mean', [10], [10])).toMatchObject({ verdict: 'unchanged' });
  });
});
