import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iopath } from '../support/cli.js';
import { Stack } from '../support/stack.js';

/** The CI gate over REST: baselines, checks with thresholds, report formats and idempotent retries. */
let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start('checks', { workers: 2 });
});
afterAll(async () => {
  await stack?.stop();
});

const redisSet = (storage: Record<string, unknown> = { kind: 'raid-flash-cache' }) => ({
  replications: 3,
  duration: { measureUs: 20_000 },
  hardware: { storage },
  workload: { kind: 'kv', kv: { server: 'redis', getRatio: 0.5, clients: 4 } },
});
const thresholds = { 'latencyUs.all.p99': '+5%', throughputOpsPerSec: '+5%' };

beforeAll(async () => {
  const res = await stack.http().post('/v1/experiments').send({ name: 'main', spec: redisSet() }).expect(202);
  await Promise.all(res.body.runs.map((r: { id: string }) => stack.waitForStatus(r.id, 'SUCCEEDED')));
  const b = await stack.http().put('/v1/baselines/main').send({ experimentId: res.body.id }).expect(200);
  expect(b.body).toMatchObject({ name: 'main', experimentId: res.body.id, point: null });
});

describe('checks', () => {
  it('pass with an unchanged spec, and fail with a slower storage device naming the metric', async () => {
    const pass = await stack.http().post('/v1/checks').send({ spec: redisSet(), baseline: 'main', thresholds, wait: true }).expect(201);
    expect(pass.body.status).toBe('PASS');
    expect(pass.body.verdict.failures).toEqual([]);
    expect(pass.body.verdict.points[0].metrics.find((m: { name: string }) => m.name === 'latencyUs.all.p99')).toMatchObject({ regressionPct: 0, failed: false });

    const fail = await stack.http().post('/v1/checks').send({ spec: redisSet({ kind: 'custom', writeLatencyUs: 40 }), baseline: 'main', thresholds, wait: true }).expect(201);
    expect(fail.body.status).toBe('FAIL');
    expect(fail.body.verdict.failures.join('\n')).toMatch(/latencyUs.all.p99 regressed \d+\.\d+% \(limit 5%\)/);
    const p99 = fail.body.verdict.points[0].metrics.find((m: { name: string }) => m.name === 'latencyUs.all.p99');
    expect(p99).toMatchObject({ failed: true, verdict: 'worse', significant: true });

    // The same verdict as JUnit XML (well-formed, one failure per broken threshold) and Markdown.
    const junit = await stack.http().get(`/v1/checks/${fail.body.id}`).query({ format: 'junit' }).expect(200);
    expect(junit.headers['content-type']).toMatch(/application\/xml/);
    expect(XMLValidator.validate(junit.text)).toBe(true);
    const suite = new XMLParser({ ignoreAttributes: false }).parse(junit.text).testsuites;
    expect(Number(suite['@_failures'])).toBe(fail.body.verdict.failures.length);
    expect(Number(suite['@_tests'])).toBeGreaterThanOrEqual(3);
    const md = await stack.http().get(`/v1/checks/${fail.body.id}`).set('Accept', 'text/markdown').expect(200);
    expect(md.text).toMatch(/❌ iopath check: FAIL against baseline `main`/);
    expect(md.text).toMatch(/\| `latencyUs.all.p99` \|.*\*\*regressed\*\*/);
  });

  it('answers 202 while pending, and polling gives the verdict', async () => {
    const res = await stack.http().post('/v1/checks').send({ spec: redisSet({ kind: 'iodrive2' }), baseline: 'main', thresholds }).expect(202);
    expect(res.body.status).toBe('PENDING');
    const done = await stack.waitFor('the check to finish', async () => {
      const { body } = await stack.http().get(`/v1/checks/${res.body.id}`).expect(200);
      return body.status !== 'PENDING' ? body : undefined;
    });
    // A faster device: latency better, throughput better, nothing regressed.
    expect(done.status).toBe('PASS');
  });

  it('runs once when a CI request is retried with the same Idempotency-Key', async () => {
    const body = { spec: { ...redisSet(), seed: 1234 }, baseline: 'main', thresholds, wait: true };
    const before = await stack.count('experiment');
    const first = await stack.http().post('/v1/checks').set('Idempotency-Key', 'ci-job-42').send(body).expect(201);
    const retry = await stack.http().post('/v1/checks').set('Idempotency-Key', 'ci-job-42').send(body).expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    expect(await stack.count('experiment')).toBe(before + 1);
    const other = await stack.http().post('/v1/checks').set('Idempotency-Key', 'ci-job-42').send({ ...body, thresholds: {} }).expect(409);
    expect(other.body.error.message).toMatch(/first used with a different request/);
    // Also on experiments: the retried submission returns the first experiment.
    const e1 = await stack.http().post('/v1/experiments').set('Idempotency-Key', 'exp-7').send({ spec: { seed: 7, duration: { measureUs: 1_000 } } }).expect(202);
    const e2 = await stack.http().post('/v1/experiments').set('Idempotency-Key', 'exp-7').send({ spec: { seed: 7, duration: { measureUs: 1_000 } } }).expect(202);
    expect(e2.body.id).toBe(e1.body.id);
  });

  it('checks a sweep point by point against a baseline sweep', async () => {
    const sweep = { base: { duration: { measureUs: 5_000 } }, axes: [{ path: 'system.path', values: ['linux', 'arrakis'] }] };
    const base = await stack.http().post('/v1/sweeps').send(sweep).expect(202);
    await stack.waitFor('the baseline sweep', async () => (await stack.http().get(`/v1/sweeps/${base.body.id}`)).body.status.counts.SUCCEEDED === 2);
    await stack.http().put('/v1/baselines/sweep-main').send({ experimentId: base.body.id }).expect(200);
    const res = await stack.http().post('/v1/checks').send({ sweep, baseline: 'sweep-main', wait: true }).expect(201);
    expect(res.body.status).toBe('PASS');
    expect(res.body.verdict.points.map((p: { values: unknown }) => p.values)).toEqual([{ 'system.path': 'linux' }, { 'system.path': 'arrakis' }]);
  });

  it('refuses what it cannot check, saying why', async () => {
    const missing = await stack.http().post('/v1/checks').send({ spec: {}, baseline: 'nope' }).expect(404);
    expect(missing.body.error.message).toMatch(/no baseline named 'nope'; set one with PUT \/v1\/baselines\/nope/);
    const bad = await stack.http().post('/v1/checks').send({ spec: {}, baseline: 'main', thresholds: { 'latencyUs.all.p99': 'five percent' } }).expect(400);
    expect(bad.body.error.problems[0]).toMatchObject({ path: 'thresholds.latencyUs.all.p99' });
    const neither = await stack.http().post('/v1/checks').send({ baseline: 'main' }).expect(400);
    expect(neither.body.error.problems[0].message).toMatch(/give a spec or a sweep/);
  });
});

describe('the iopath check CLI', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iopath-cli-'));
  const file = (name: string, spec: unknown) => {
    const f = path.join(dir, name);
    writeFileSync(f, stringify(spec));
    return f;
  };
  const cli = (...args: string[]) => iopath(...(args[0] === 'check' || args[0] === 'baseline' ? [...args, '--token', stack.token] : args));

  it('exits 0 on an unchanged spec, 1 on a slower device naming the metric, 2 on errors; JUnit validates', async () => {
    const same = await cli('check', file('same.yaml', redisSet()), '--api', stack.apiUrl, '--baseline', 'main', '--threshold', 'latencyUs.all.p99=+5%');
    expect(same.status, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/^PASS against baseline main/);

    const slower = file('slower.yaml', redisSet({ kind: 'custom', writeLatencyUs: 40 }));
    const fail = await cli('check', slower, '--api', stack.apiUrl, '--baseline', 'main', '--threshold', 'latencyUs.all.p99=+5%');
    expect(fail.status, fail.stderr).toBe(1);
    expect(fail.stdout).toMatch(/✗ latencyUs.all.p99 regressed/);

    const junit = await cli('check', slower, '--api', stack.apiUrl, '--baseline', 'main', '--threshold', 'latencyUs.all.p99=+5%', '--format', 'junit');
    expect(junit.status).toBe(1);
    expect(XMLValidator.validate(junit.stdout)).toBe(true);
    expect(junit.stdout).toMatch(/<failure message="latencyUs.all.p99 regressed/);

    expect((await cli('check', slower, '--api', 'http://127.0.0.1:1', '--baseline', 'main')).status).toBe(2);
    const noBaseline = await cli('check', slower, '--api', stack.apiUrl, '--baseline', 'missing');
    expect(noBaseline.status).toBe(2);
    expect(noBaseline.stderr).toMatch(/no baseline named 'missing'/);
    expect((await cli('check', slower, '--api', stack.apiUrl)).status).toBe(2); // --baseline missing
  });

  it('runs once when a CI job retries with the same idempotency key', async () => {
    const spec = file('retry.yaml', { ...redisSet(), seed: 4242 });
    const args = ['check', spec, '--api', stack.apiUrl, '--baseline', 'main', '--format', 'json', '--idempotency-key', 'job-77'];
    const first = await cli(...args);
    const again = await cli(...args);
    expect(first.status).toBe(0);
    expect(JSON.parse(again.stdout).id).toBe(JSON.parse(first.stdout).id);
  });

  it('follows the check live with --watch (a line per change when standard error is not a terminal)', async () => {
    const res = await cli('check', file('watch.yaml', { ...redisSet(), seed: 4343 }), '--api', stack.apiUrl, '--baseline', 'main', '--watch');
    expect(res.status, res.stderr).toBe(0);
    const lines = res.stderr.trim().split('\n');
    // The live lines only (the polling lines are for runs without --watch), ending with all runs done.
    for (const line of lines) expect(line).toMatch(/^check [0-9a-f-]+: \d+\/\d+ runs done, 0 failed, (estimating|~\d+ s left)$/);
    expect(lines.at(-1)).toMatch(/: (\d+)\/\1 runs done, 0 failed, ~0 s left$/);
    expect(res.stdout).toMatch(/^PASS against baseline main/);
  });

  it('sets a baseline from a spec with iopath baseline set', async () => {
    const res = await cli('baseline', 'set', 'from-cli', file('base.yaml', { duration: { measureUs: 2_000 } }), '--api', stack.apiUrl);
    expect(res.status, res.stderr).toBe(0);
    const { body } = await stack.http().get('/v1/baselines/from-cli').expect(200);
    expect(res.stdout).toContain(body.experimentId);
  });
});
