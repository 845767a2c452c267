import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenMetrics, type Metrics } from '#sim';
import { OwnPostgres, OwnRedis } from '../support/own-services.js';
import { Stack } from '../support/stack.js';

/**
 * Nothing lost when the stores restart: a sweep runs on a Postgres and a Redis of this test's
 * own; each is restarted mid-sweep. The API answers 503 while a store is away and recovers
 * without a restart; every run ends SUCCEEDED with exactly one set of metric rows.
 */
let postgres: OwnPostgres;
let redis: OwnRedis;
let stack: Stack;
const POINTS = 12;

beforeAll(async () => {
  postgres = await OwnPostgres.start();
  redis = await OwnRedis.start();
  stack = await Stack.start('faults', {
    workers: 2,
    postgresUrl: postgres.url,
    env: {
      REDIS_URL: redis.url,
      RECONCILE_INTERVAL_MS: '1000',
      RECONCILE_GRACE_MS: '1000',
      WORKER_LOCK_MS: '3000',
      WORKER_STALLED_CHECK_MS: '1000',
      RUN_ATTEMPTS: '6',
      RUN_BACKOFF_MS: '500',
    },
  });
}, 120_000);
afterAll(async () => {
  await redis?.up().catch(() => undefined);
  await stack?.stop().catch(() => undefined);
  await redis?.down();
  postgres?.remove();
});

/** Counts by status, or undefined while Postgres is away. */
async function statuses(experimentId: string): Promise<Record<string, number> | undefined> {
  try {
    const { rows } = await stack.db.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM run WHERE experiment_id = $1 GROUP BY status', [experimentId]);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  } catch {
    return undefined;
  }
}

describe('store restarts during a sweep', () => {
  it('loses nothing when Redis and then Postgres restart', async () => {
    const sweep = await stack
      .http()
      .post('/v1/sweeps')
      .send({ base: { duration: { measureUs: 300_000 } }, axes: [{ path: 'seed', values: Array.from({ length: POINTS }, (_, i) => i + 1) }] })
      .expect(202);
    const id = sweep.body.id as string;
    await stack.waitFor('the sweep to be under way', async () => ((await statuses(id))?.SUCCEEDED ?? 0) >= 2);

    // Redis away: submissions are refused with 503 and nothing is stored; reads still work.
    await redis.down();
    const refused = await stack.http().post('/v1/experiments').send({ spec: {} }).expect(503);
    expect(refused.body.error.message).toMatch(/job queue .* is not answering; nothing was stored/);
    await stack.http().get(`/v1/sweeps/${id}`).expect(200);
    await redis.up(); // empty: the jobs it held are gone, and the reconciler must bring them back
    const afterRedis = (await statuses(id))!.SUCCEEDED ?? 0;
    await stack.waitFor('progress after Redis is back', async () => ((await statuses(id))?.SUCCEEDED ?? 0) > afterRedis, 60_000);

    // Postgres away: the API says so with 503, and answers again once it is back.
    postgres.down();
    const down = await stack.http().get('/v1/runs').expect(503);
    expect(down.body.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/database is not answering/) });
    await new Promise((r) => setTimeout(r, 1500));
    postgres.up();
    await stack.waitFor('the API to answer again', async () => (await stack.http().get('/v1/runs')).status === 200, 30_000);

    await stack.waitFor('every run to succeed', async () => (await statuses(id))?.SUCCEEDED === POINTS, 120_000);
    const runs = await stack.db.query<{ id: string; result: { metrics: Metrics }; n: string }>(
      'SELECT r.id, r.result, (SELECT count(*) FROM metric m WHERE m.run_id = r.id) AS n FROM run r WHERE r.experiment_id = $1',
      [id],
    );
    expect(runs.rows).toHaveLength(POINTS);
    for (const r of runs.rows) expect(Number(r.n), r.id).toBe(Object.keys(flattenMetrics(r.result.metrics)).length);
    // The processes lived through it: none had to be restarted.
    expect(stack.processes.filter((p) => p.child.exitCode !== null || p.child.signalCode !== null).map((p) => p.name)).toEqual([]);
  });
});
