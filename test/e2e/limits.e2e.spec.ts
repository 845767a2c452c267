import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from '../support/stack.js';

/** Every limit refuses with its name and the value, and stores nothing half-done. */
let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start('limits', {
    env: { RATE_LIMIT_PER_MINUTE: '30', MAX_BODY_BYTES: '4096', GRAPHQL_MAX_DEPTH: '4', GRAPHQL_MAX_COMPLEXITY: '40', RUN_TIMEOUT_MS: '1000' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('limits', () => {
  it('refuses a body over MAX_BODY_BYTES with 413 naming the limit', async () => {
    const before = await stack.count('experiment');
    const res = await stack.http().post('/v1/experiments').send({ spec: { name: 'x'.repeat(5000) } }).expect(413);
    expect(res.body.error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'the request body is over the limit of 4,096 bytes (MAX_BODY_BYTES)' });
    expect(await stack.count('experiment')).toBe(before);
  });

  it('refuses GraphQL documents too deep or too costly before they run', async () => {
    const deep = await stack.gql('{ runs { edges { node { experiment { runs { id } } } } } }');
    expect(deep.errors![0]).toMatchObject({ message: 'query depth 6 is over the limit of 4 (GRAPHQL_MAX_DEPTH); ask for fewer nested fields', extensions: { code: 'BAD_USER_INPUT' } });
    const fields = Array.from({ length: 45 }, (_, i) => `a${i}: runs { totalCount }`).join(' ');
    const costly = await stack.gql(`{ ${fields} }`);
    expect(costly.errors![0].message).toMatch(/^query complexity 90 is over the limit of 40 \(GRAPHQL_MAX_COMPLEXITY\)/);
  });

  it('stops a run over RUN_TIMEOUT_MS and fails it naming the limit', async () => {
    const res = await stack.http().post('/v1/experiments').send({ spec: { duration: { measureUs: 30_000_000 } } }).expect(202);
    const run = await stack.waitForStatus(res.body.runs[0].id, 'FAILED');
    expect(run.error).toBe('stopped after 1 s of wall time (RUN_TIMEOUT_MS=1000); shorten duration.measureUs or raise the limit');
    expect(await stack.metrics(res.body.runs[0].id)).toEqual({});
  });

  it('answers 429 past RATE_LIMIT_PER_MINUTE for a token, naming the limit, and keeps other tokens going', async () => {
    const token = stack.createToken('limits', 'read');
    const codes: number[] = [];
    for (let i = 0; i < 32; i++) codes.push((await stack.http(token).get('/v1/runs')).status);
    expect(codes.filter((c) => c === 200).length).toBe(30);
    const refused = await stack.http(token).get('/v1/runs').expect(429);
    expect(refused.body.error.message).toMatch(/^rate limit: 30 requests per 60 s per token \(RATE_LIMIT_PER_MINUTE\); retry in \d+ s$/);
    const gql = await stack.gql('{ runs { totalCount } }', {}, token);
    expect(gql.errors![0].extensions!.code).toBe('RATE_LIMITED');
    await stack.http(stack.createToken('limits', 'read')).get('/v1/runs').expect(200);
  });
});
