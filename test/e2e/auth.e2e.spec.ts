import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, subscribe } from '../support/live.js';
import { Stack } from '../support/stack.js';

/** Projects and tokens: who may do what, and that one project never sees another's objects. */
let stack: Stack;
let a: { experimentId: string; runId: string; sweepId: string; checkId: string };
let tokenB = '';

const SHORT = { duration: { measureUs: 2_000 } };

beforeAll(async () => {
  stack = await Stack.start('auth', { workers: 1 });
  // Project A (the stack's own): an experiment, a sweep, a baseline and a check.
  const e = await stack.http().post('/v1/experiments').send({ spec: { seed: 11, ...SHORT } }).expect(202);
  await stack.waitForStatus(e.body.runs[0].id, 'SUCCEEDED');
  const s = await stack.http().post('/v1/sweeps').send({ base: SHORT, axes: [{ path: 'system.path', values: ['linux', 'arrakis'] }] }).expect(202);
  await stack.http().put('/v1/baselines/main').send({ experimentId: e.body.id }).expect(200);
  const c = await stack.http().post('/v1/checks').send({ spec: { seed: 11, ...SHORT }, baseline: 'main', wait: true }).expect(201);
  a = { experimentId: e.body.id, runId: e.body.runs[0].id, sweepId: s.body.id, checkId: c.body.id };
  tokenB = stack.createProject('auth-b').token;
});
afterAll(async () => {
  await stack?.stop();
});

describe('authentication and scopes', () => {
  it('refuses requests without a valid token, naming the fix; health needs none', async () => {
    const none = await stack.http(null).get('/v1/runs').expect(401);
    expect(none.body.error).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/Authorization: Bearer <token>/) });
    await stack.http('iop_not-a-token').get('/v1/runs').expect(401);
    const gql = await stack.gql('{ runs { totalCount } }', {}, null);
    expect(gql.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    await stack.http(null).get('/v1/health').expect(200);
  });

  it('lets a read token read and not submit; submit tokens submit', async () => {
    const read = stack.createToken('auth', 'read');
    await stack.http(read).get(`/v1/runs/${a.runId}`).expect(200);
    const refused = await stack.http(read).post('/v1/experiments').send({ spec: SHORT }).expect(403);
    expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', message: "this token's scopes are [read]; this needs submit" });
    const gql = await stack.gql('mutation { submitExperiment(input: {}) { id } }', {}, read);
    expect(gql.errors![0].extensions!.code).toBe('FORBIDDEN');
    const submit = stack.createToken('auth', 'submit');
    await stack.http(submit).post('/v1/experiments').send({ spec: { seed: 12, ...SHORT } }).expect(202);
  });

  it('keeps tokens out of the logs', () => {
    const apiLog = readFileSync(stack.processes.find((p) => p.name === 'api')!.log, 'utf8');
    expect(apiLog).toContain('[redacted]');
    expect(apiLog).not.toMatch(/iop_[A-Za-z0-9_-]{20,}/);
  });

  it('stores tokens only as hashes', async () => {
    const { rows } = await stack.db.query<{ hash: string; prefix: string }>('SELECT hash, prefix FROM api_token');
    expect(rows.some((r) => r.hash === createHash('sha256').update(stack.token).digest('hex'))).toBe(true);
    const everything = JSON.stringify((await stack.db.query('SELECT * FROM api_token')).rows);
    expect(everything).not.toContain(stack.token);
    expect(everything).not.toContain(tokenB);
  });
});

describe('isolation: project B sees and changes nothing of project A', () => {
  it('over REST: every route answers as if A’s objects did not exist', async () => {
    const b = stack.http(tokenB);
    for (const url of [`/v1/runs/${a.runId}`, `/v1/experiments/${a.experimentId}`, `/v1/sweeps/${a.sweepId}`, `/v1/checks/${a.checkId}`, '/v1/baselines/main']) {
      const res = await b.get(url).expect(404);
      expect(res.body.error.code, url).toBe('NOT_FOUND');
    }
    expect((await b.get('/v1/runs').expect(200)).body.totalCount).toBe(0);
    await b.get('/v1/compare').query({ baseline: `run:${a.runId}`, candidate: `run:${a.runId}` }).expect(404);
    await b.post(`/v1/runs/${a.runId}/cancel`).expect(404);
    await b.put('/v1/baselines/main').send({ experimentId: a.experimentId }).expect(404);
    await b.post('/v1/checks').send({ spec: SHORT, baseline: 'main' }).expect(404);
    // A's baseline still points where A put it.
    expect((await stack.http().get('/v1/baselines/main').expect(200)).body.experimentId).toBe(a.experimentId);
  });

  it('over GraphQL: queries, fields and mutations', async () => {
    const queries: [string, Record<string, unknown>][] = [
      ['query($id: ID!) { run(id: $id) { id } }', { id: a.runId }],
      ['query($id: ID!) { experiment(id: $id) { id } }', { id: a.experimentId }],
      ['query($id: ID!) { experiment(id: $id) { status { total } } }', { id: a.sweepId }],
      ['{ baseline(name: "main") { experimentId } }', {}],
      ['query($id: ID!) { compare(baseline: {runId: $id}, candidate: {runId: $id}) { test } }', { id: a.runId }],
      ['mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: a.runId }],
      ['mutation($id: ID!) { setBaseline(name: "main", experimentId: $id) { name } }', { id: a.experimentId }],
    ];
    for (const [query, variables] of queries) {
      const res = await stack.gql(query, variables, tokenB);
      expect(res.errors?.[0]?.extensions?.code, query).toBe('NOT_FOUND');
    }
    const list = await stack.gql<{ runs: { totalCount: number } }>('{ runs { totalCount } }', {}, tokenB);
    expect(list.data!.runs.totalCount).toBe(0);
    // A's webhook: B neither sees nor deletes it.
    const hook = await stack.gql<{ registerWebhook: { id: string } }>('mutation { registerWebhook(url: "http://127.0.0.1:9/a") { id } }');
    expect((await stack.gql<{ webhooks: unknown[] }>('{ webhooks { id } }', {}, tokenB)).data!.webhooks).toEqual([]);
    const del = await stack.gql('mutation($id: ID!) { deleteWebhook(id: $id) }', { id: hook.data!.registerWebhook.id }, tokenB);
    expect(del.errors![0].extensions!.code).toBe('NOT_FOUND'); // B's admin token finds no such webhook
    expect((await stack.gql<{ webhooks: unknown[] }>('{ webhooks { id } }')).data!.webhooks).toHaveLength(1);

    // Subscriptions: A's run and experiment are as absent to B as over queries.
    const live = liveClient(stack.apiUrl, tokenB);
    try {
      for (const [query, id] of [
        ['subscription($id: ID!) { runUpdated(id: $id) { id } }', a.runId],
        ['subscription($id: ID!) { experimentProgress(id: $id) { total } }', a.experimentId],
      ]) {
        const sub = subscribe(live, query, { id });
        await sub.done;
        expect(sub.messages[0].errors![0].extensions!.code, query).toBe('NOT_FOUND');
      }
    } finally {
      await live.dispose();
    }

    // Every operation the schema has is covered above (reads by id or name, the list, or a
    // mutation that creates in B's own project): a new one must be added here.
    const checked = new Set(['run', 'experiment', 'baseline', 'compare', 'cancelRun', 'setBaseline', 'runs', 'submitExperiment', 'submitSweep', 'webhooks', 'registerWebhook', 'deleteWebhook', 'runUpdated', 'experimentProgress']);
    type Fields = { fields: { name: string }[] };
    const schema = await stack.gql<{ __schema: { queryType: Fields; mutationType: Fields; subscriptionType: Fields } }>(
      '{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }',
    );
    const { queryType, mutationType, subscriptionType } = schema.data!.__schema;
    const operations = [...queryType.fields, ...mutationType.fields, ...subscriptionType.fields].map((f) => f.name);
    expect(operations.filter((o) => !checked.has(o))).toEqual([]);
    // B's own submissions land in B's project and leave A's history alone.
    const before = (await stack.http().get('/v1/runs').expect(200)).body.totalCount;
    const mine = await stack.gql<{ submitSweep: { id: string } }>('mutation { submitSweep(input: {axes: [{path: "seed", values: [1]}], base: {duration: {measureUs: 1000}}}) { id } }', {}, tokenB);
    expect(mine.errors).toBeUndefined();
    expect((await stack.http().get('/v1/runs').expect(200)).body.totalCount).toBe(before);
    await stack.http().get(`/v1/sweeps/${mine.data!.submitSweep.id}`).expect(404);
  });

  it("never serves B from A's result cache, and keeps idempotency keys apart", async () => {
    const res = await stack.http(tokenB).post('/v1/experiments').set('Idempotency-Key', 'shared-key').send({ spec: { seed: 11, ...SHORT } }).expect(202);
    expect(res.body.runs[0].cachedFrom).toBeNull();
    const mine = await stack.http().post('/v1/experiments').set('Idempotency-Key', 'shared-key').send({ spec: { seed: 13, ...SHORT } }).expect(202);
    expect(mine.body.id).not.toBe(res.body.id);
  });
});

describe('operations', () => {
  it('health needs no token and reports the stores, the queue depth and the workers', async () => {
    const { body } = await stack.http(null).get('/health').expect(200);
    expect(body).toMatchObject({ status: 'ok', database: 'up', queue: 'up', workers: 1 });
    expect(typeof body.queueDepth).toBe('number');
  });

  it('serves Prometheus metrics to admin tokens only', async () => {
    await stack.http(stack.createToken('auth', 'submit')).get('/metrics').expect(403);
    const res = await stack.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const { rows } = await stack.db.query<{ n: string }>(`SELECT count(*) AS n FROM run WHERE status = 'SUCCEEDED'`);
    expect(res.text).toContain(`iopath_runs{status="SUCCEEDED"} ${rows[0].n}`);
    expect(res.text).toMatch(/^iopath_workers 1$/m);
    expect(res.text).toMatch(/^iopath_runs_served_from_cache \d+$/m);
    expect(res.text).toMatch(/^iopath_engine_events_per_second [\d.e+]+$/m);
    expect(res.text).toContain('iopath_api_process_cpu_seconds_total');
  });
});

describe('the REST contract', () => {
  it('publishes OpenAPI at /v1/openapi.json with every route, bearer auth and the request bodies', async () => {
    const { body } = await stack.http(null).get('/v1/openapi.json').expect(200);
    const routes = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    expect(routes.sort()).toEqual(
      [
        'POST /v1/experiments',
        'GET /v1/experiments/{id}',
        'POST /v1/sweeps',
        'GET /v1/sweeps/{id}',
        'GET /v1/runs',
        'GET /v1/runs/{id}',
        'POST /v1/runs/{id}/cancel',
        'GET /v1/compare',
        'PUT /v1/baselines/{name}',
        'GET /v1/baselines/{name}',
        'POST /v1/webhooks',
        'GET /v1/webhooks',
        'DELETE /v1/webhooks/{id}',
        'GET /v1/webhooks/{id}/deliveries',
        'POST /v1/checks',
        'GET /v1/checks/{id}',
        'GET /health',
        'GET /v1/health',
        'GET /metrics',
      ].sort(),
    );
    expect(body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(body.paths['/v1/checks'].post.requestBody.content['application/json'].schema.required).toEqual(['baseline']);
  });
});
