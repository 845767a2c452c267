import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OwnRedis } from '../support/own-services.js';
import { Stack } from '../support/stack.js';

/**
 * Redis down at submit time: the API answers 503 and stores nothing; when Redis is back, it
 * accepts again. A private redis-server, so stopping it does not disturb the other tests.
 */
let stack: Stack;
let redis: OwnRedis;

beforeAll(async () => {
  redis = await OwnRedis.start();
  stack = await Stack.start('outage', { workers: 0, env: { REDIS_URL: redis.url } });
});
afterAll(async () => {
  await redis?.up();
  await stack?.stop();
  await redis?.down();
});
describe('Redis outage at submit time', () => {
  it('answers 503 naming the queue, stores nothing, and accepts again once Redis is back', async () => {
    await stack.http().post('/v1/experiments').send({ spec: {} }).expect(202);
    expect(await stack.count('experiment')).toBe(1);

    await redis.down();
    const refused = await stack.http().post('/v1/experiments').send({ spec: {} }).expect(503);
    expect(refused.body.error.code).toBe('UNAVAILABLE');
    expect(refused.body.error.message).toMatch(/job queue .* is not answering; nothing was stored/);
    const gql = await stack.gql('mutation { submitExperiment(input: {}) { id } }');
    expect(gql.errors![0].extensions!.code).toBe('UNAVAILABLE');
    const health = await stack.http().get('/v1/health').expect(503);
    expect(health.body).toMatchObject({ database: 'up', queue: 'down' });
    expect(await stack.count('experiment')).toBe(1);
    // Reading what is stored does not need Redis.
    await stack.http().get('/v1/runs').expect(200);

    await redis.up();
    await stack.waitFor('the API to accept submissions again', async () => {
      const res = await stack.http().post('/v1/experiments').send({ spec: {} });
      return res.status === 202;
    }, 30_000);
    expect(await stack.count('experiment')).toBe(2);
  });
});
