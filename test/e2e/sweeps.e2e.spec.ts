import { readFileSync } from 'node:fs';
import path from 'node:path';
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
    const big = await stack.http().post('/v1/sweeps').send({ axes: [{ path: 'hardware.cpu.cores', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }], replications: 6 }).expect(400);
    expect(big.body.error.message).toMatch(/the sweep has 60 runs \(10 points × 6 replications\), over the limit of 50/);
    expect(await stack.count('run')).toBe(before);
  });
});
