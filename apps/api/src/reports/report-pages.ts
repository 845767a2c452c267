import type { CheckVerdict, Comparison, MetricComparison, SweepRow, SweepStatus } from '#experiments';
import type { Check, ExperimentWithRuns, Run } from '#persistence';
import { breakdownChart, comparisonChart, latencyCdfChart, sweepLineChart, type Breakdown } from './charts.js';
import { figure, html, num, page, type Raw } from './html.js';

/** What the report pages read of a stored result (EXPERIMENT-SPEC.md's Result). */
interface StoredResult {
  metrics: {
    throughputOpsPerSec: number;
    latencyUs: Record<'all' | 'get' | 'set', Record<'mean' | 'p50' | 'p90' | 'p99' | 'p999' | 'max', number> | null>;
    breakdown: Record<'all' | 'get' | 'set', Breakdown | null>;
    bottleneck: string;
    crossings: Record<string, number>;
    utilization: { nic: number; pcie: number; cores: number[] };
    requests: number;
  };
  reproducibilityKey: string;
  model: { version: string };
}

const OPS = ['get', 'set', 'all'] as const;

function resultOf(run: Run): StoredResult | null {
  return run.status === 'SUCCEEDED' ? (run.result as unknown as StoredResult) : null;
}

function specBlock(spec: unknown, key?: string | null): Raw {
  return html`<h2>Spec</h2>
    ${key ? html`<p>Reproducibility key <code>${key}</code>: the same spec, seed and model version give the same numbers.</p>` : ''}
    <pre>${JSON.stringify(spec, null, 2)}</pre>`;
}

function pointLabel(values: unknown): string {
  const entries = Object.entries((values ?? {}) as Record<string, unknown>);
  return entries.length ? entries.map(([k, v]) => `${k.split('.').at(-1)}=${String(v)}`).join(', ') : 'the experiment';
}

function comparisonTable(metrics: (MetricComparison & { failed?: boolean })[]): Raw {
  return html`<table>
    <tr><th>metric</th><th>baseline (95% CI)</th><th>candidate (95% CI)</th><th>change</th><th>p</th><th>verdict</th></tr>
    ${metrics.map(
      (m) => html`<tr>
        <td>${m.name}</td>
        <td>${num(m.baseline.mean)} ± ${num(m.baseline.halfWidth, 2)}</td>
        <td>${num(m.candidate.mean)} ± ${num(m.candidate.halfWidth, 2)}</td>
        <td>${m.relativeChange === null ? '–' : `${m.relativeChange >= 0 ? '+' : ''}${(m.relativeChange * 100).toFixed(1)}%`}</td>
        <td>${m.pValue === null ? '–' : m.pValue < 0.001 ? '< 0.001' : num(m.pValue, 2)}</td>
        <td class="${m.verdict}" data-verdict="${m.verdict}">${m.verdict}${m.failed ? ' ✗ over threshold' : ''}</td>
      </tr>`,
    )}
  </table>`;
}

export async function runPage(run: Run, experimentName: string): Promise<string> {
  const result = resultOf(run);
  const body = [
    html`<table>
      <tr><th>status</th><td class="${run.status}">${run.status}</td></tr>
      <tr><th>experiment</th><td>${experimentName}</td></tr>
      <tr><th>seed · replication</th><td>${Number(run.seed)} · ${run.replication}</td></tr>
      ${result ? html`<tr><th>throughput</th><td>${num(result.metrics.throughputOpsPerSec)} ops/s</td></tr><tr><th>bottleneck</th><td>${result.metrics.bottleneck}</td></tr><tr><th>model</th><td>${result.model.version}</td></tr>` : ''}
      ${run.error ? html`<tr><th>error</th><td class="FAILED">${run.error}</td></tr>` : ''}
    </table>`,
  ];
  if (result) {
    const ops = OPS.filter((op) => result.metrics.latencyUs[op] && result.metrics.breakdown[op]);
    body.push(
      html`<h2>Where a request's time goes</h2>`,
      figure(await breakdownChart(ops.map((op) => ({ label: op.toUpperCase(), breakdown: result.metrics.breakdown[op]! }))), 'Per operation: hardware, kernel, libIO and application time per request.', 'breakdown'),
      html`<h2>Latency</h2>`,
      figure(await latencyCdfChart(ops.map((op) => ({ name: op.toUpperCase(), latency: result.metrics.latencyUs[op]! }))), 'The distribution through its stored percentiles.', 'latency-cdf'),
      html`<table><tr><th>µs</th><th>mean</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>
        ${ops.map((op) => {
          const l = result.metrics.latencyUs[op]!;
          return html`<tr><td>${op.toUpperCase()}</td><td>${num(l.mean)}</td><td>${num(l.p50)}</td><td>${num(l.p90)}</td><td>${num(l.p99)}</td><td>${num(l.p999)}</td><td>${num(l.max)}</td></tr>`;
        })}</table>`,
    );
  }
  body.push(specBlock(run.spec, run.reproKey));
  return page(`Run ${run.id.slice(0, 8)}`, `${experimentName} · run ${run.id}`, html`${body}`);
}

/**
 * A sweep (or any experiment): progress, the breakdown per point, each table metric against the
 * first numeric axis with one line per combination of the other axes, and the latency CDFs.
 */
export async function experimentPage(experiment: ExperimentWithRuns, status: SweepStatus, rows: SweepRow[]): Promise<string> {
  const axes = (experiment.axes ?? []) as { path: string; values: unknown[] }[];
  const numeric = axes.find((a) => a.values.every((v) => typeof v === 'number') && a.values.length > 1);
  const firstByPoint = new Map<number, Run>();
  for (const r of experiment.runs) if (r.status === 'SUCCEEDED' && !firstByPoint.has(r.point)) firstByPoint.set(r.point, r);
  const labelled = [...firstByPoint.values()].map((r) => ({ label: pointLabel(r.pointValues), result: resultOf(r)! }));

  const body: Raw[] = [
    html`<table><tr><th>runs</th>${Object.keys(status.counts).map((k) => html`<th>${k}</th>`)}<th>progress</th></tr>
      <tr><td>${status.total}</td>${Object.values(status.counts).map((n) => html`<td>${n}</td>`)}<td>${Math.round(status.progress * 100)}%</td></tr></table>`,
  ];
  if (labelled.length) {
    body.push(html`<h2>Where a request's time goes</h2>`, figure(await breakdownChart(labelled.slice(0, 40).map((p) => ({ label: p.label, breakdown: p.result.metrics.breakdown.all! }))), 'All operations, per point (first replication).', 'breakdown'));
  }
  if (numeric && rows.length) {
    for (const metric of rows[0].metrics.map((m) => m.name)) {
      const points = rows.map((row) => {
        const m = row.metrics.find((x) => x.name === metric)!;
        const series = Object.entries(row.values).filter(([k]) => k !== numeric.path).map(([k, v]) => `${k.split('.').at(-1)}=${String(v)}`).join(', ') || metric;
        return { x: Number(row.values[numeric.path]), series, mean: m.mean, lo: m.lo, hi: m.hi };
      });
      body.push(html`<h2>${metric} against ${numeric.path}</h2>`, figure(await sweepLineChart(points, numeric.path, metric), 'Means over replications, with 95% confidence intervals where there are several.', `sweep-${metric}`));
    }
  }
  if (rows.length) {
    const names = rows[0].metrics.map((m) => m.name);
    // Each point's reproducibility key (first replication): rerun it, get the same numbers.
    const keyOf = (point: number) => experiment.runs.find((r) => r.point === point)?.reproKey ?? '';
    body.push(html`<h2>Table</h2><table><tr><th>point</th>${names.map((n) => html`<th>${n}</th>`)}<th>reproducibility key</th></tr>
      ${rows.map((r) => html`<tr><td>${pointLabel(r.values)}</td>${r.metrics.map((m) => html`<td>${num(m.mean)}${m.n > 1 ? ` ± ${num(m.halfWidth, 2)}` : ''}</td>`)}<td><code>${keyOf(r.point)}</code></td></tr>`)}</table>`);
  }
  if (labelled.length) {
    body.push(html`<h2>Latency</h2>`, figure(await latencyCdfChart(labelled.slice(0, 12).map((p) => ({ name: p.label, latency: p.result.metrics.latencyUs.all! }))), 'All operations, through the stored percentiles (first replication of up to 12 points).', 'latency-cdf'));
  }
  body.push(html`${axes.length ? html`<h2>Axes</h2><pre>${JSON.stringify(axes, null, 2)}</pre>` : ''}`, specBlock(experiment.spec));
  return page(experiment.name, `${axes.length ? 'sweep' : 'experiment'} ${experiment.id} · ${experiment.systemPath} · ${experiment.workloadKind}`, html`${body}`);
}

export async function comparePage(comparison: Comparison, baseline: string, candidate: string): Promise<string> {
  const body = html`<p>${comparison.test}. Baseline: ${comparison.baseline.runIds.length} run(s); candidate: ${comparison.candidate.runIds.length} run(s).</p>
    ${figure(await comparisonChart(comparison.metrics), 'Change of each metric in percent of the baseline, with a 95% interval; the colour is the verdict.', 'comparison')}
    ${comparisonTable(comparison.metrics)}`;
  return page('Comparison', `${baseline} → ${candidate}`, body);
}

export async function checkPage(check: Check, experimentUrl: string): Promise<string> {
  const verdict = check.verdict as CheckVerdict | null;
  const body: Raw[] = [
    html`<p>Status: <strong class="${check.status}" data-status="${check.status}">${check.status}</strong> against baseline <code>${check.baselineName}</code>.
      Candidate: <a href="${experimentUrl}">experiment ${check.experimentId}</a>.</p>`,
  ];
  if (verdict) {
    if (verdict.failures.length) body.push(html`<ul>${verdict.failures.map((f) => html`<li class="FAIL">${f}</li>`)}</ul>`);
    if (verdict.error) body.push(html`<p class="ERROR">${verdict.error}</p>`);
    for (const point of verdict.points) {
      body.push(
        html`<h2>${pointLabel(point.values)}</h2>`,
        figure(await comparisonChart(point.metrics), `${verdict.test}; the colour is the verdict.`, 'comparison'),
        comparisonTable(point.metrics),
        html`<p class="sub">Candidate reproducibility keys: ${point.reproducibilityKeys.map((k) => html`<code>${k}</code> `)}</p>`,
      );
    }
  } else {
    body.push(html`<p>The candidate's runs are still going; this page shows the verdict once they finish.</p>`);
  }
  return page(`Check ${check.status}`, `check ${check.id} · baseline ${check.baselineName}`, html`${body}`);
}

