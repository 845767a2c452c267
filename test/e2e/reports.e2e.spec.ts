import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from '../support/stack.js';

/**
 * The HTML reports in real headless Chromium (Debian's, driven by playwright-core), with
 * JavaScript off: the charts are server-rendered SVG, so they must be there without it. Each page
 * loads without console errors, has the marks its charts should have, and is saved as a
 * screenshot (and a printed PDF) under test/artifacts/ for a person to look at.
 */
const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let stack: Stack;
let browser: Browser;
let sweepId: string;
let runIds: string[];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await Stack.start('reports', { workers: 2 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // As root, without a sandbox; no background traffic to a network this machine cannot reach.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const sweep = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../examples/sweeps/memcached-throughput-vs-cores.json'), 'utf8'));
  sweepId = (await stack.http().post('/v1/sweeps').send({ ...sweep, base: { ...sweep.base, duration: { measureUs: 20_000 } }, replications: 2 }).expect(202)).body.id;
  const single = await stack.http().post('/v1/experiments').send({ name: 'redis <b>get</b>', spec: { system: { path: 'arrakis' }, duration: { measureUs: 20_000 }, replications: 3 } }).expect(202);
  runIds = single.body.runs.map((r: { id: string }) => r.id);
  await stack.waitFor('the runs to finish', async () => {
    const { rows } = await stack.db.query(`SELECT count(*)::int AS n FROM run WHERE status <> 'SUCCEEDED'`);
    return rows[0].n === 0;
  }, 120_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Opens a report with JavaScript off; returns its page after checking status and console. */
async function open(url: string, name: string) {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const res = await page.goto(url);
  expect(res!.status(), await res!.text()).toBe(200);
  expect(res!.headers()['content-type']).toMatch(/^text\/html/);
  await page.screenshot({ path: path.join(ARTIFACTS, `report-${name}.png`), fullPage: true });
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ path: path.join(ARTIFACTS, `report-${name}.pdf`) });
  expect(pdf.byteLength).toBeGreaterThan(5_000);
  expect(errors).toEqual([]);
  return { page, close: () => context.close() };
}

const marks = (page: import('playwright-core').Page, chart: string, mark: string) => page.locator(`figure[data-chart="${chart}"] svg g.mark-${mark}.role-mark path`).count();

describe('report pages in Chromium', () => {
  it('a run: the breakdown bars (GET, SET, all × four parts), the latency CDF, the spec and its key', async () => {
    const q = await stack.gql<{ run: { reportUrl: string; reproducibilityKey: string } }>('query($id: ID!) { run(id: $id) { reportUrl reproducibilityKey } }', { id: runIds[0] });
    const { page, close } = await open(q.data!.run.reportUrl, 'run');
    try {
      expect(await marks(page, 'breakdown', 'rect')).toBe(3 * 4);
      expect(await marks(page, 'latency-cdf', 'line')).toBe(3);
      expect(await page.locator('figure[data-chart="breakdown"] svg').count()).toBe(1);
      const text = await page.locator('body').innerText();
      expect(text).toContain(q.data!.run.reproducibilityKey);
      expect(text).toContain('redis <b>get</b>'); // the name is shown as text, not markup
      expect(await page.locator('b').count()).toBe(0);
      expect(text).toMatch(/"path": "arrakis"/);
    } finally {
      await close();
    }
  });

  it('a sweep: a breakdown bar per point, throughput against cores with a line per path, the table', async () => {
    const { body } = await stack.http().get(`/v1/sweeps/${sweepId}`).expect(200);
    const { page, close } = await open(body.reportUrl, 'sweep');
    try {
      expect(await marks(page, 'breakdown', 'rect')).toBe(6 * 4);
      // One line per system path over the three core counts.
      expect(await marks(page, 'sweep-throughputOpsPerSec', 'line')).toBe(2);
      expect(await page.locator('figure[data-chart="sweep-throughputOpsPerSec"] svg g.mark-symbol.role-mark path').count()).toBe(6);
      expect(await page.locator('figure[data-chart="sweep-throughputOpsPerSec"] svg').innerHTML()).toContain('hardware.cpu.cores');
      expect(await page.locator('table').nth(1).locator('tr').count()).toBe(1 + 6);
      // Each point's reproducibility key, as the API stores it.
      const keys = (await stack.db.query(`SELECT DISTINCT ON (point) repro_key FROM run WHERE experiment_id = $1 ORDER BY point, replication`, [sweepId])).rows.map((r) => r.repro_key as string);
      const shown = await page.locator('table').nth(1).locator('td code').allInnerTexts();
      expect(shown.sort()).toEqual(keys.sort());
    } finally {
      await close();
    }
  });

  it('a comparison: a bar per metric coloured by verdict, and the table with intervals', async () => {
    const other = await stack.http().post('/v1/experiments').send({ spec: { system: { path: 'linux' }, duration: { measureUs: 20_000 }, replications: 3 } }).expect(202);
    await stack.waitFor('linux runs', async () => {
      const { body } = await stack.http().get(`/v1/sweeps/${other.body.id}`).expect(200);
      return body.status.counts.SUCCEEDED === 3;
    });
    const { body } = await stack.http().get('/v1/compare').query({ baseline: `experiment:${other.body.id}`, candidate: `experiment:${runIds.length && (await stack.run(runIds[0]))!.experiment_id}` }).expect(200);
    const { page, close } = await open(body.reportUrl, 'compare');
    try {
      expect(await marks(page, 'comparison', 'rect')).toBe(3);
      const verdicts = await page.locator('td[data-verdict]').allInnerTexts();
      expect(verdicts).toHaveLength(3);
      // Arrakis against Linux: more throughput, lower latency — all significant over 3 replications.
      expect(verdicts.every((v) => v === 'better')).toBe(true);
      // GraphQL's comparison links the same page.
      const q = await stack.gql<{ compare: { reportUrl: string } }>('query($b: ID!, $c: ID!) { compare(baseline: {experimentId: $b}, candidate: {experimentId: $c}) { reportUrl } }', {
        b: other.body.id,
        c: (await stack.run(runIds[0]))!.experiment_id,
      });
      expect(new URL(q.data!.compare.reportUrl).pathname).toBe(new URL(body.reportUrl as string).pathname);
      expect((await fetch(q.data!.compare.reportUrl)).status).toBe(200);
    } finally {
      await close();
    }
  });

  it('a CI check: its status and the comparison per point, linked from the JSON and the Markdown', async () => {
    const experimentId = (await stack.run(runIds[0]))!.experiment_id as string;
    await stack.http().put('/v1/baselines/main').send({ experimentId }).expect(200);
    const res = await stack.http().post('/v1/checks').send({ spec: { system: { path: 'arrakis' }, duration: { measureUs: 20_000 }, replications: 3 }, baseline: 'main', wait: true }).expect(201);
    const md = await stack.http().get(`/v1/checks/${res.body.id}`).query({ format: 'markdown' }).expect(200);
    expect(md.text).toContain(`[Report with charts](${stack.apiUrl}/reports/checks/${res.body.id}?`);
    const { page, close } = await open(res.body.reportUrl, 'check');
    try {
      expect(await page.locator('[data-status]').innerText()).toBe('PASS');
      expect(await marks(page, 'comparison', 'rect')).toBe(3);
      // The candidate's own report is linked, and opens.
      const href = await page.locator('a', { hasText: 'experiment' }).getAttribute('href');
      expect(href).toMatch(/\/reports\/experiments\/.+sig=/);
    } finally {
      await close();
    }
  });

  it('refuses a report without a signed link, with another signature, or another project', async () => {
    const { body } = await stack.http().get(`/v1/sweeps/${sweepId}`).expect(200);
    const url = new URL(body.reportUrl);
    const bare = await fetch(`${url.origin}${url.pathname}`);
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { error: { message: string } }).error.message).toMatch(/reportUrl/);
    url.searchParams.set('sig', 'A'.repeat(43));
    expect((await fetch(url)).status).toBe(401);
    const moved = new URL(body.reportUrl);
    moved.pathname = `/reports/experiments/${(await stack.run(runIds[0]))!.experiment_id}`;
    expect((await fetch(moved)).status).toBe(401); // a link opens its one page only
  });
});
