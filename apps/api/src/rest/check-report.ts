import type { Check } from '#persistence';
import type { CheckVerdict } from '#experiments';

/** A check as JSON for CI: its status, the baseline it used, and the verdict. */
export function checkView(check: Check, reportUrl: string) {
  return {
    id: check.id,
    status: check.status,
    /** The HTML report: charts, the comparison table with verdict colours, the spec. */
    reportUrl,
    experimentId: check.experimentId,
    baseline: { name: check.baselineName, experimentId: check.baselineExperimentId, point: check.baselinePoint },
    thresholds: check.thresholds,
    metrics: check.metrics,
    createdAt: check.createdAt,
    finishedAt: check.finishedAt,
    verdict: check.verdict as CheckVerdict | null,
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const label = (values: Record<string, unknown>) =>
  Object.keys(values).length ? Object.entries(values).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ') : 'experiment';
const num = (x: number | null | undefined) => (x === null || x === undefined ? '–' : Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(4));
const pct = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : ''}${x.toFixed(2)}%`);

/** JUnit XML: one test case per point and metric; a failure names the threshold it broke. */
export function checkJUnit(check: Check): string {
  const v = check.verdict as CheckVerdict | null;
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  if (v?.status === 'ERROR') {
    errors = 1;
    cases.push(`    <testcase classname="iopath.check" name="candidate vs ${esc(check.baselineName)}"><error message="${esc(v.error ?? 'error')}" type="error"/></testcase>`);
  }
  for (const point of v?.points ?? []) {
    for (const m of point.metrics) {
      const body = `baseline ${num(m.baseline.mean)} (95% CI ${num(m.baseline.lo)}–${num(m.baseline.hi)}, n=${m.baseline.n}), candidate ${num(m.candidate.mean)} (95% CI ${num(m.candidate.lo)}–${num(m.candidate.hi)}, n=${m.candidate.n}), change ${pct(m.relativeChange === null ? null : 100 * m.relativeChange)}, p=${m.pValue === null ? 'n/a' : m.pValue.toPrecision(3)}, ${m.verdict}`;
      const failure = m.failed ? `<failure message="${esc(m.reason ?? 'regression')}" type="regression">${esc(body)}</failure>` : `<system-out>${esc(body)}</system-out>`;
      if (m.failed) failures++;
      const keys = `<properties><property name="reproducibilityKeys" value="${esc(point.reproducibilityKeys.join(' '))}"/></properties>`;
      cases.push(`    <testcase classname="iopath.${esc(label(point.values))}" name="${esc(m.name)}" time="0">${keys}${failure}</testcase>`);
    }
  }
  const name = `iopath check ${check.id} against baseline ${check.baselineName}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="iopath" tests="${cases.length}" failures="${failures}" errors="${errors}">`,
    `  <testsuite name="${esc(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" timestamp="${(check.finishedAt ?? check.createdAt).toISOString()}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** A Markdown summary for a pull-request comment. */
export function checkMarkdown(check: Check, reportUrl: string): string {
  const v = check.verdict as CheckVerdict | null;
  const icon = { PASS: '✅', FAIL: '❌', ERROR: '⚠️', PENDING: '⏳' }[check.status];
  const lines = [`### ${icon} iopath check: ${check.status} against baseline \`${check.baselineName}\``, ''];
  if (v?.error) lines.push(`**Error:** ${v.error}`, '');
  if (v?.failures.length) lines.push(...v.failures.map((f) => `- ${f}`), '');
  if (v?.points.length) {
    lines.push('| point | metric | baseline | candidate | change | p | verdict | threshold |', '|---|---|---|---|---|---|---|---|');
    for (const point of v.points) {
      for (const m of point.metrics) {
        const limit = m.threshold?.maxRegressionPct === undefined ? '' : `≤ ${m.threshold.maxRegressionPct}%`;
        lines.push(
          `| ${label(point.values)} | \`${m.name}\` | ${num(m.baseline.mean)} ± ${num(m.baseline.halfWidth)} | ${num(m.candidate.mean)} ± ${num(m.candidate.halfWidth)} | ${pct(m.relativeChange === null ? null : 100 * m.relativeChange)} | ${m.pValue === null ? '–' : m.pValue.toPrecision(2)} | ${m.failed ? '**regressed**' : m.verdict} | ${limit} |`,
        );
      }
    }
    lines.push('', `_${v.test}; ± is the 95% confidence half-width._`);
    lines.push('', `Reproducibility keys: ${v.points.map((p) => `${label(p.values)}: ${p.reproducibilityKeys.map((k) => `\`${k}\``).join(' ')}`).join('; ')}`);
  }
  lines.push('', `[Report with charts](${reportUrl})`);
  return lines.join('\n') + '\n';
}
