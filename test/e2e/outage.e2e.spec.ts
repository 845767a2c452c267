import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from '../support/stack.js';

/**
 * Redis down at submit time: the API answers 503 and stores nothing; when Redis is back, it
 * accepts again. A private redis-server, so stopping it does not disturb the other tests.
 */
let stack: Stack;
let redis: ChildProcess | undefined;
let port: number;

function startRedis(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.on('error', (err) => reject(new Error(`redis-server could not start (${err.message}); npm test installs it (scripts/services.sh)`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve(child);
    });
  });
}

async function stopRedis(): Promise<void> {
  if (!redis || redis.exitCode !== null || redis.signalCode !== null) return;
  const exited = new Promise((r) => redis!.once('exit', r));
  redis.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  redis = await startRedis();
  stack = await Stack.start('outage', { workers: 0, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
});
afterAll(async () => {
  await stack?.stop();
  await stopRedis();
});

describe('Redis outage at submit time', () => {
  it('answers 503 naming the queue, stores nothing, and accepts again once Redis is back', async () => {
    await stack.http().post('/v1/experiments').send({ spec: {} }).expect(202);
    expect(await stack.count('experiment')).toBe(1);

    await stopRedis();
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

    redis = await startRedis();
    await stack.waitFor('the API to accept submissions again', async () => {
      const res = await stack.http().post('/v1/experiments').send({ spec: {} });
      return res.status === 202;
    }, 30_000);
    expect(await stack.count('experiment')).toBe(2);
  });
});
