import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OwnRedisCluster } from '../support/own-services.js';
import { Stack } from '../support/stack.js';

/** BullMQ on a three-node Redis Cluster (hash-tagged queue prefix): a sweep completes. */
let cluster: OwnRedisCluster;
let stack: Stack;

beforeAll(async () => {
  cluster = await OwnRedisCluster.start();
  stack = await Stack.start('cluster', { workers: 2, env: { REDIS_CLUSTER_NODES: cluster.nodes } });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await cluster?.stop();
});

describe('Redis Cluster', () => {
  it('runs a sweep with the queue on a cluster, its keys under one hash tag', async () => {
    const res = await stack
      .http()
      .post('/v1/sweeps')
      .send({ base: { duration: { measureUs: 5_000 } }, axes: [{ path: 'seed', values: [1, 2, 3, 4, 5, 6] }] })
      .expect(202);
    await stack.waitFor('the sweep to finish', async () => (await stack.http().get(`/v1/sweeps/${res.body.id}`)).body.status.counts.SUCCEEDED === 6);
    const keys = cluster.ports.flatMap((p) => execFileSync('redis-cli', ['-p', String(p), '--scan'], { encoding: 'utf8' }).split('\n').filter(Boolean));
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.startsWith(`{${stack.env.QUEUE_PREFIX}}:runs:`))).toBe(true);
    // Both queues (runs, webhooks) under the one hash tag.
    expect(keys.filter((k) => !/:(runs|webhooks):/.test(k) || !k.startsWith(`{${stack.env.QUEUE_PREFIX}}:`))).toEqual([]);
    // All on one node: the hash tag keeps a queue's keys in one slot.
    const nodesWithKeys = cluster.ports.filter((p) => execFileSync('redis-cli', ['-p', String(p), 'dbsize'], { encoding: 'utf8' }).trim() !== '0');
    expect(nodesWithKeys).toHaveLength(1);
  });
});
