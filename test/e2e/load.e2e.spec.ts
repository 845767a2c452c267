import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenMetrics, type Metrics } from '#sim';
import { Stack } from '../support/stack.js';

/** 1,000 submissions at once over HTTP: every run completes once; none lost, none doubled. */
let stack: Stack;
const N = 1000;

beforeAll(async () => {
  stack = await Stack.start('load', { workers: 2, env: { WORKER_CONCURRENCY: '4' } });
});
afterAll(async () => {
  await stack?.stop();
});

describe('load', () => {
  it(`accepts ${N} concurrent submissions and completes every run exactly once`, async () => {
    const spec = (seed: number) => ({ seed, duration: { warmupUs: 100, measureUs: 300 } });
    // All in flight at once (bounded by N; the test ends when they have all answered).
    const responses = await Promise.all(Array.from({ length: N }, (_, i) => stack.http().post('/v1/experiments').send({ tags: ['load'], spec: spec(i) })));
    const failed = responses.filter((r) => r.status !== 202);
    expect(failed.slice(0, 3).map((r) => `${r.status} ${r.text.slice(0, 300)}`)).toEqual([]);
    const runIds = responses.map((r) => r.body.runs[0].id as string);
    expect(new Set(runIds).size).toBe(N);

    await stack.waitFor('every run to finish', async () => {
      const { rows } = await stack.db.query<{ n: string }>(`SELECT count(*) AS n FROM run WHERE status = 'SUCCEEDED'`);
      return Number(rows[0].n) === N;
    }, 120_000);
    const { rows } = await stack.db.query<{ runs: string; experiments: string; metric_sets: string }>(`
      SELECT (SELECT count(*) FROM run) AS runs, (SELECT count(*) FROM experiment) AS experiments,
             (SELECT count(DISTINCT run_id) FROM metric) AS metric_sets`);
    expect(rows[0]).toEqual({ runs: String(N), experiments: String(N), metric_sets: String(N) });
    // Each run has exactly its result's numbers as metric rows: one set, not two.
    const results = await stack.db.query<{ id: string; result: { metrics: Metrics }; n: string }>(
      'SELECT r.id, r.result, (SELECT count(*) FROM metric m WHERE m.run_id = r.id) AS n FROM run r',
    );
    const wrong = results.rows.filter((r) => Number(r.n) !== Object.keys(flattenMetrics(r.result.metrics)).length);
    expect(wrong.map((r) => r.id)).toEqual([]);
    const attempts = await stack.db.query<{ attempts: number; n: string }>('SELECT attempts, count(*) AS n FROM run GROUP BY attempts');
    expect(attempts.rows).toEqual([{ attempts: 1, n: String(N) }]);
  });
});
