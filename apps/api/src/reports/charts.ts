import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { MetricComparison } from '#experiments';

/**
 * The report's charts: Vega-Lite specs rendered to SVG here on the server, so a page needs no
 * JavaScript to show them and prints as it looks.
 */

/** The lecture's four parts of a request's time, in its order and with fixed colours. */
const PARTS = [
  { key: 'hardwareNs', label: 'hardware', color: '#6b7280' },
  { key: 'kernelNs', label: 'kernel', color: '#dc2626' },
  { key: 'libioNs', label: 'libIO', color: '#2563eb' },
  { key: 'appNs', label: 'app', color: '#16a34a' },
] as const;

const VERDICT_COLORS = { better: '#16a34a', worse: '#dc2626', changed: '#d97706', unchanged: '#6b7280', inconclusive: '#9ca3af' };

export type Breakdown = Record<(typeof PARTS)[number]['key'], number>;

export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', config: { font: 'system-ui, sans-serif', view: { stroke: null } } } as const;

/** Stacked bars of a request's time (µs) by part, one bar per label (a path, an operation, a point). */
export function breakdownChart(rows: { label: string; breakdown: Breakdown }[]): Promise<string> {
  const values = rows.flatMap((r, i) => PARTS.map((p, order) => ({ label: r.label, row: i, part: p.label, order, us: r.breakdown[p.key] / 1000 })));
  return toSvg({
    ...base,
    width: 560,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: { field: 'row' }, title: null },
      x: { field: 'us', type: 'quantitative', stack: 'zero', title: 'µs per request (service time, without queueing)' },
      color: { field: 'part', type: 'nominal', scale: { domain: PARTS.map((p) => p.label), range: PARTS.map((p) => p.color) }, legend: { orient: 'bottom', title: null } },
      order: { field: 'order' },
    },
  } as TopLevelSpec);
}

/** A metric against a numeric sweep axis, one line per configuration, with 95% CIs when there are replications. */
export function sweepLineChart(points: { x: number; series: string; mean: number; lo: number; hi: number }[], xTitle: string, yTitle: string): Promise<string> {
  const withCi = points.some((p) => p.hi > p.lo);
  return toSvg({
    ...base,
    width: 560,
    height: 300,
    data: { values: points },
    layer: [
      { mark: { type: 'line', point: true }, encoding: { x: { field: 'x', type: 'quantitative', title: xTitle, axis: { tickMinStep: 1 } }, y: { field: 'mean', type: 'quantitative', title: yTitle }, color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom' } } } },
      ...(withCi ? [{ mark: 'errorbar', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative', title: yTitle }, y2: { field: 'hi' }, color: { field: 'series', type: 'nominal' } } }] : []),
    ],
  } as TopLevelSpec);
}

/**
 * The latency distribution from the stored percentiles (p50, p90, p99, p99.9, max) as a step
 * CDF, one line per series. The stored result keeps percentiles, not every sample.
 */
export function latencyCdfChart(series: { name: string; latency: Record<'p50' | 'p90' | 'p99' | 'p999' | 'max', number> }[]): Promise<string> {
  const quantiles = [
    ['p50', 0.5],
    ['p90', 0.9],
    ['p99', 0.99],
    ['p999', 0.999],
    ['max', 1],
  ] as const;
  const values = series.flatMap((s) => quantiles.map(([k, q]) => ({ series: s.name, us: s.latency[k], fraction: q, at: k })));
  return toSvg({
    ...base,
    width: 560,
    height: 260,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', point: true },
    encoding: {
      x: { field: 'us', type: 'quantitative', scale: { type: 'log' }, title: 'latency (µs, log scale)' },
      y: { field: 'fraction', type: 'quantitative', scale: { domain: [0.4, 1] }, title: 'fraction of requests at or below' },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom' } },
    },
  } as TopLevelSpec);
}

/** Each metric's change from baseline to candidate in percent, with its 95% CI, coloured by verdict. */
export function comparisonChart(metrics: (MetricComparison & { label?: string })[]): Promise<string> {
  const values = metrics.map((m) => {
    const scale = m.baseline.mean === 0 ? 0 : 100 / m.baseline.mean;
    const pct = (m.candidate.mean - m.baseline.mean) * scale;
    const half = Math.hypot(m.baseline.halfWidth, m.candidate.halfWidth) * Math.abs(scale);
    return { metric: m.label ?? m.name, pct, lo: pct - half, hi: pct + half, verdict: m.verdict };
  });
  return toSvg({
    ...base,
    width: 480,
    data: { values },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: { field: 'metric', type: 'nominal', title: null, sort: null },
          x: { field: 'pct', type: 'quantitative', title: 'candidate vs baseline (%)' },
          color: { field: 'verdict', type: 'nominal', scale: { domain: Object.keys(VERDICT_COLORS), range: Object.values(VERDICT_COLORS) }, legend: { orient: 'bottom', title: null } },
        },
      },
      { mark: { type: 'errorbar', color: 'black' }, encoding: { y: { field: 'metric', type: 'nominal', sort: null }, x: { field: 'lo', type: 'quantitative', title: 'candidate vs baseline (%)' }, x2: { field: 'hi' } } },
      { mark: { type: 'rule', color: 'black' }, encoding: { x: { datum: 0 } } },
    ],
  } as TopLevelSpec);
}

export { VERDICT_COLORS };
