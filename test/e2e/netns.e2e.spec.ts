import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Netns, OwnPostgres, OwnRedis } from '../support/own-services.js';
import { Stack } from '../support/stack.js';

/**
 * Workers on other hosts: the API in one network namespace and two workers in another, each
 * reaching Postgres and Redis over its veth link, as separate machines would over a network.
 */
let postgres: OwnPostgres;
let redis: OwnRedis;
let apiHost: Netns;
let workerHost: Netns;
let stack: Stack;

beforeAll(async () => {
  postgres = await OwnPostgres.start({ listenAll: true });
  redis = await OwnRedis.start({ bindAll: true });
  const net = 10 + (process.pid % 200);
  apiHost = Netns.create(`iopa${process.pid % 10000}`, `10.79.${net}.0`);
  workerHost = Netns.create(`iopw${process.pid % 10000}`, `10.79.${net}.4`);
  stack = await Stack.start('netns', {
    workers: 2,
    postgresUrl: postgres.url,
    env: { REDIS_URL: redis.url },
    placement: {
      api: { wrap: apiHost.exec, storesVia: apiHost.hostAddress, host: apiHost.address },
      worker: { wrap: workerHost.exec, storesVia: workerHost.hostAddress },
    },
  });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  apiHost?.remove();
  workerHost?.remove();
  await redis?.down();
  postgres?.remove();
});

describe('workers on other hosts', () => {
  it('completes a sweep with the API and the workers in separate network namespaces', async () => {
    expect(stack.apiUrl).toContain(apiHost.address);
    const res = await stack
      .http()
      .post('/v1/sweeps')
      .send({ base: { duration: { measureUs: 5_000 } }, axes: [{ path: 'seed', values: [1, 2, 3, 4, 5, 6, 7, 8] }] })
      .expect(202);
    await stack.waitFor('the sweep to finish', async () => (await stack.http().get(`/v1/sweeps/${res.body.id}`)).body.status.counts.SUCCEEDED === 8, 60_000);
    const { rows } = await stack.db.query<{ worker_id: string; n: string }>('SELECT worker_id, count(*) AS n FROM run WHERE experiment_id = $1 GROUP BY worker_id', [res.body.id]);
    expect(rows.map((r) => r.worker_id).every((w) => /^netns-worker-[12]$/.test(w))).toBe(true);
    expect(rows.reduce((a, r) => a + Number(r.n), 0)).toBe(8);
  });
});
