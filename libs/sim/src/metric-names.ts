import type { Metrics } from './simulate.js';

/**
 * A result's numbers under dotted names — `throughputOpsPerSec`, `latencyUs.get.p99`,
 * `breakdown.all.kernelPct`, `utilization.cores.0` — the names history queries, comparisons and
 * CI thresholds use. Non-numeric leaves (the bottleneck) are left out; they are in the result.
 */
export function flattenMetrics(metrics: Metrics): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (value: unknown, name: string): void => {
    if (typeof value === 'number') {
      if (Number.isFinite(value)) out[name] = value;
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${name}.${i}`));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, name ? `${name}.${k}` : k);
    }
  };
  walk(metrics, '');
  return out;
}
