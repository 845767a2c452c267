import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '#sim';
import { loadSeedCases, range } from '../../libs/sim/test/seed-cases.js';
import { Stack } from '../support/stack.js';

/** Sweeps over the API: the lecture's figures as grids, their tables, and what is refused. */
let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start('sweeps', { workers: 2, env: { MAX_SWEEP_RUNS: '50' } });
});
afterAll(async () => {
  await stack?.stop();
});

type Row = { point: number; values: Record<string, unknown>; metrics: { name: string; mean: number; n: number; lo: number; hi: number; stddev: number }[] };

async function finished(id: string): Promise<void> {
  await stack.waitFor(`sweep ${id} to finish`, async () => {
    const { body } = await stack.http().get(`/v1/sweeps/${id}`).expect(200);
    return body.status.counts.SUCCEEDED === body.status.total;
  }, 90_000);
}

describe('sweeps', () => {
  it('reproduce the memcached figure over REST: the table of Arrakis/Linux throughput against the seed case', async () => {
    const example = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../examples/sweeps/memcached-throughput-vs-cores.json'), 'utf8'));
    const res = await stack.http().post('/v1/sweeps').send(example).expect(202);
    expect(res.headers.location).toBe(`/v1/sweeps/${res.body.id}`);
    expect(res.body).toMatchObject({ points: 6, runs: 6, status: { total: 6 } });
    await finished(res.body.id);

    const { body } = await stack.http().get(`/v1/sweeps/${res.body.id}`).query({ metric: 'throughputOpsPerSec' }).expect(200);
    expect(body.status.progress).toBe(1);
    expect(body.status.estimatedSecondsLeft).toBe(0);
    const tput = (cores: number, p: string) =>
      (body.table as Row[]).find((r) => r.values['hardware.cpu.cores'] === cores && r.values['system.path'] === p)!.metrics[0].mean;
    const c = loadSeedCases().get('memcached-scaling')!;
    const expected: Record<number, [number, number]> = { 1: range(c, 'ratio arrakis/linux at 1 core'), 2: range(c, 'ratio at 2 cores'), 4: range(c, 'ratio at 4 cores') };
    for (const [cores, [lo, hi]] of Object.entries(expected)) {
      const ratio = tput(Number(cores), 'arrakis') / tput(Number(cores), 'linux');
      expect(ratio, `ratio at ${cores} cores`).toBeGreaterThanOrEqual(lo);
      expect(ratio, `ratio at ${cores} cores`).toBeLessThanOrEqual(hi);
    }
    // Each cell is what simulate() gives for that point.
    const point = await simulate({ ...example.base, hardware: { cpu: { cores: 2 } }, system: { path: 'arrakis' } });
    expect(tput(2, 'arrakis')).toBe(point.metrics.throughputOpsPerSec);
  });

  it('aggregates replications per point with a 95% confidence interval, over GraphQL', async () => {
    const { data, errors } = await stack.gql<{ submitSweep: { id: string; axes: unknown; runs: { point: number; replication: number; pointValues: unknown }[] } }>(
      `mutation($input: SubmitSweepInput!) { submitSweep(input: $input) { id axes runs { point replication pointValues } } }`,
      { input: { name: 'replicated', base: { duration: { measureUs: 5_000 } }, axes: [{ path: 'system.path', values: ['linux', 'arrakis'] }], replications: 3 } },
    );
    expect(errors).toBeUndefined();
    const sweep = data!.submitSweep;
    expect(sweep.runs.map((r) => [r.point, r.replication])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    expect(sweep.runs[3].pointValues).toEqual({ 'system.path': 'arrakis' });
    await finished(sweep.id);
    const q = await stack.gql<{ experiment: { status: { counts: { SUCCEEDED: number }; progress: number }; table: Row[] } }>(
      `query($id: ID!) { experiment(id: $id) { status { counts { SUCCEEDED } progress } table(metrics: ["latencyUs.get.mean"]) { point values metrics { name mean stddev lo hi n } } } }`,
      { id: sweep.id },
    );
    expect(q.data!.experiment.status).toEqual({ counts: { SUCCEEDED: 6 }, progress: 1 });
    const [linux, arrakis] = q.data!.experiment.table;
    for (const row of [linux, arrakis]) {
      const m = row.metrics[0];
      expect(m.n).toBe(3);
      expect(m.stddev).toBeGreaterThan(0);
      expect(m.lo).toBeLessThan(m.mean);
      expect(m.hi).toBeGreaterThan(m.mean);
    }
    expect(arrakis.metrics[0].hi).toBeLessThan(linux.metrics[0].lo); // Arrakis is faster beyond noise
  });

  it('refuses bad axes and oversized sweeps with the count and the limit, storing nothing', async () => {
    const before = await stack.count('run');
    const bad = await stack
      .http()
      .post('/v1/sweeps')
      .send({ axes: [{ path: 'hardware.cpu.corez', values: [1] }, { path: 'workload.kv.getRatio', values: [0.5, 2] }] })
      .expect(400);
    expect(bad.body.error.problems.map((p: { path: string }) => p.path)).toEqual(['axes.0.path', 'axes.1.values.1']);
    const badBase = await stack
      .http()
      .post('/v1/sweeps')
      .send({ base: { workload: { kv: { persistence: 'fsync-per-set', server: 'memcached' } } }, axes: [{ path: 'hardware.cpu.cores', values: [1, 2, 4] }] })
      .expect(400);
    // Wrong in the base whatever the axes say: named once, under base.
    expect(badBase.body.error.problems).toEqual([{ path: 'base.workload.kv.persistence', message: expect.stringMatching(/modelled for redis only/) }]);
    const big = await stack.http().post('/v1/sweeps').send({ axes: [{ path: 'hardware.cpu.cores', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }], replications: 6 }).expect(400);
    expect(big.body.error.message).toMatch(/the sweep has 60 runs \(10 points × 6 replications\), over the limit of 50/);
    expect(await stack.count('run')).toBe(before);
  });
});

describe('comparisons', () => {
  const submit = async (spec: Record<string, unknown>) => {
    const res = await stack.http().post('/v1/experiments').send({ spec }).expect(202);
    await Promise.all(res.body.runs.map((r: { id: string }) => stack.waitForStatus(r.id, 'SUCCEEDED')));
    return res.body as { id: string; runs: { id: string }[] };
  };
  const redisSet = (storage: Record<string, unknown>) => ({
    replications: 4,
    duration: { measureUs: 20_000 },
    hardware: { storage },
    workload: { kind: 'kv', kv: { server: 'redis', getRatio: 0, clients: 1 } },
  });

  it('tells a slower storage device from noise, in the right direction, over GraphQL and REST', async () => {
    const baseline = await submit(redisSet({ kind: 'raid-flash-cache' }));
    const same = await submit(redisSet({ kind: 'raid-flash-cache' }));
    const slower = await submit(redisSet({ kind: 'custom', writeLatencyUs: 40 }));

    const q = await stack.gql<{ compare: { test: string; baselineRunIds: string[]; metrics: { name: string; verdict: string; significant: boolean; pValue: number; relativeChange: number; baseline: { n: number } }[] } }>(
      `query($b: RunSelectorInput!, $c: RunSelectorInput!) { compare(baseline: $b, candidate: $c, metrics: ["latencyUs.set.mean", "throughputOpsPerSec"]) {
        test baselineRunIds metrics { name verdict significant pValue relativeChange baseline { n } } } }`,
      { b: { experimentId: baseline.id }, c: { experimentId: slower.id } },
    );
    expect(q.errors).toBeUndefined();
    const [latency, tput] = q.data!.compare.metrics;
    expect(q.data!.compare.test).toMatch(/Welch/);
    expect(q.data!.compare.baselineRunIds).toHaveLength(4);
    expect(latency).toMatchObject({ name: 'latencyUs.set.mean', verdict: 'worse', significant: true, baseline: { n: 4 } });
    expect(latency.relativeChange).toBeGreaterThan(0.05);
    expect(tput).toMatchObject({ verdict: 'worse', significant: true });

    // The same spec and seeds: identical numbers, no change.
    const rest = await stack.http().get('/v1/compare').query({ baseline: `experiment:${baseline.id}`, candidate: `experiment:${same.id}`, metric: 'latencyUs.set.mean' }).expect(200);
    expect(rest.body.metrics[0]).toMatchObject({ verdict: 'unchanged', absoluteChange: 0, pValue: 1 });
    // One run against another: no replications to test with.
    const one = await stack.http().get('/v1/compare').query({ baseline: `run:${baseline.runs[0].id}`, candidate: `run:${slower.runs[0].id}`, metric: 'latencyUs.set.mean' }).expect(200);
    expect(one.body.metrics[0]).toMatchObject({ verdict: 'inconclusive', pValue: null });
  });

  it('names what is wrong with a selection', async () => {
    const sweep = await stack.http().post('/v1/sweeps').send({ base: { duration: { measureUs: 2_000 } }, axes: [{ path: 'system.path', values: ['linux', 'arrakis'] }] }).expect(202);
    await finished(sweep.body.id);
    const noPoint = await stack.http().get('/v1/compare').query({ baseline: `experiment:${sweep.body.id}`, candidate: `experiment:${sweep.body.id}:1` }).expect(400);
    expect(noPoint.body.error.problems[0]).toMatchObject({ path: 'baseline.point', message: expect.stringMatching(/a sweep of 2 points; say which point/) });
    const points = await stack.http().get('/v1/compare').query({ baseline: `experiment:${sweep.body.id}:0`, candidate: `experiment:${sweep.body.id}:1`, metric: 'latencyUs.get.mean' }).expect(200);
    expect(points.body.metrics[0].verdict).toBe('inconclusive');
    expect(points.body.metrics[0].candidate.mean).toBeLessThan(points.body.metrics[0].baseline.mean);
    await stack.http().get('/v1/compare').query({ baseline: 'latest', candidate: `experiment:${sweep.body.id}:1` }).expect(400);
    const unknown = await stack.http().get('/v1/compare').query({ baseline: 'run:00000000-0000-4000-8000-000000000000', candidate: `experiment:${sweep.body.id}:1` }).expect(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const metric = await stack.http().get('/v1/compare').query({ baseline: `experiment:${sweep.body.id}:0`, candidate: `experiment:${sweep.body.id}:1`, metric: 'latencyUs.nope' }).expect(400);
    expect(metric.body.error.problems[0].message).toMatch(/latencyUs.nope is not stored/);
  });
});

describe('the result cache', () => {
  it('serves a run whose reproducibility key has a stored result at once, unless told not to', async () => {
    const spec = { seed: 99, duration: { measureUs: 3_000 } };
    const first = await stack.http().post('/v1/experiments').send({ spec }).expect(202);
    const original = await stack.waitForStatus(first.body.runs[0].id, 'SUCCEEDED');

    const again = await stack.http().post('/v1/experiments').send({ name: 'same numbers, new name', spec }).expect(202);
    const served = again.body.runs[0];
    expect(served).toMatchObject({ status: 'SUCCEEDED', cachedFrom: first.body.runs[0].id, attempts: 0 });
    expect(served.reproducibilityKey).toBe(first.body.runs[0].reproducibilityKey);
    expect(served.result.metrics).toEqual((original.result as { metrics: unknown }).metrics);
    expect(served.result.runId).toBe(served.id);
    expect(await stack.metrics(served.id)).toEqual(await stack.metrics(first.body.runs[0].id));

    const fresh = await stack.http().post('/v1/experiments').send({ spec, cache: false }).expect(202);
    expect(fresh.body.runs[0]).toMatchObject({ status: 'QUEUED', cachedFrom: null });
    const simulated = await stack.waitForStatus(fresh.body.runs[0].id, 'SUCCEEDED');
    expect(simulated.attempts).toBe(1);
    // Same key, same numbers, bit for bit (the wall time aside).
    const { wallMs: _a, ...a } = (simulated.result as { metrics: Record<string, unknown> }).metrics;
    const { wallMs: _b, ...b } = (original.result as { metrics: Record<string, unknown> }).metrics;
    expect(a).toEqual(b);
  });

  it('simulates only the new points of a sweep that grew by an axis value', async () => {
    const base = { seed: 5, duration: { measureUs: 2_000 } };
    const small = await stack.http().post('/v1/sweeps').send({ base, axes: [{ path: 'hardware.cpu.cores', values: [1, 2] }] }).expect(202);
    await finished(small.body.id);
    const grown = await stack.http().post('/v1/sweeps').send({ base, axes: [{ path: 'hardware.cpu.cores', values: [1, 2, 4] }] }).expect(202);
    const { body } = await stack.http().get(`/v1/experiments/${grown.body.id}`).expect(200);
    expect(body.runs.map((r: { cachedFrom: string | null }) => r.cachedFrom !== null)).toEqual([true, true, false]);
    await finished(grown.body.id);
  });
});

describe('the FlexKVS figure as a sweep', () => {
  it('reproduces flexkvs-key-steering over the API: processing per request, the gain of key steering, PCIe from 4 cores', async () => {
    const example = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../examples/sweeps/flexkvs-throughput-vs-cores.json'), 'utf8'));
    const res = await stack.http().post('/v1/sweeps').send({ ...example, base: { ...example.base, duration: { measureUs: 5_000 } } }).expect(202);
    expect(res.body.points).toBe(15);
    await finished(res.body.id);
    const { body } = await stack.http().get(`/v1/sweeps/${res.body.id}`).query({ metric: ['throughputOpsPerSec', 'breakdown.all.appNs'] }).expect(200);
    const cell = (cores: number, mode: number, metric: string) => {
      // Postgres keeps JSON objects with its own key order: compare values, not strings.
      const row = (body.table as Row[]).find((r) => r.values['hardware.cpu.cores'] === cores && isDeepStrictEqual(r.values.nic, example.axes[1].values[mode]))!;
      return row.metrics.find((m) => m.name === metric)!.mean;
    };
    const c = loadSeedCases().get('flexkvs-key-steering')!;
    const within = (x: number, [lo, hi]: [number, number], what: string) => {
      expect(x, what).toBeGreaterThanOrEqual(lo);
      expect(x, what).toBeLessThanOrEqual(hi);
    };
    for (const cores of [1, 2, 3, 4, 5]) {
      within(cell(cores, 0, 'breakdown.all.appNs'), range(c, 'app processing ns per request, flow'), `flow ${cores}`);
      within(cell(cores, 1, 'breakdown.all.appNs'), range(c, 'key'), `key ${cores}`);
      within(cell(cores, 2, 'breakdown.all.appNs'), range(c, 'key + custom DMA'), `key + DMA ${cores}`);
      if (cores <= 3) within(cell(cores, 1, 'throughputOpsPerSec') / cell(cores, 0, 'throughputOpsPerSec'), range(c, 'throughput gain key vs flow, cores 1-3'), `gain ${cores}`);
    }
    // The bottleneck is in each run's result: key steering at 4 and 5 cores is limited by PCIe.
    const { body: runs } = await stack.http().get('/v1/runs').query({ experimentId: res.body.id, limit: 100 }).expect(200);
    const keyRuns = (runs.items as { pointValues: Record<string, unknown>; result: { metrics: { bottleneck: string } } }[]).filter(
      (r) => isDeepStrictEqual(r.pointValues.nic, example.axes[1].values[1]) && (r.pointValues['hardware.cpu.cores'] as number) >= 4,
    );
    expect(keyRuns.map((r) => r.result.metrics.bottleneck)).toEqual([c.expect!['bottleneck at >= 4 cores with key steering'], c.expect!['bottleneck at >= 4 cores with key steering']]);
  });
});
