import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenMetrics, simulate, type Metrics } from '#sim';
import { Stack } from '../support/stack.js';

/** Submit → queue → worker → Postgres → query, over GraphQL and REST, against the real services. */
let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start('experiments');
});
afterAll(async () => {
  await stack?.stop();
});

const SHORT = { duration: { measureUs: 5_000 } };
const without = (m: Metrics) => ({ ...m, wallMs: undefined });

const SUBMIT = `mutation Submit($input: SubmitExperimentInput!) {
  submitExperiment(input: $input) { id name tags systemPath runs { id status replication seed } }
}`;

describe('GraphQL', () => {
  it('submits, is simulated by the worker, and stores exactly what simulate() gives for the same spec and seed', async () => {
    const spec = { seed: 7, system: { path: 'arrakis' }, workload: { kind: 'kv', kv: { server: 'redis', getRatio: 0.5 } }, ...SHORT };
    const { data, errors } = await stack.gql<{ submitExperiment: { id: string; systemPath: string; runs: { id: string; status: string; seed: number }[] } }>(
      SUBMIT,
      { input: { name: 'redis-arrakis', tags: ['e2e', 'graphql'], spec } },
    );
    expect(errors).toBeUndefined();
    const experiment = data!.submitExperiment;
    expect(experiment.systemPath).toBe('arrakis');
    expect(experiment.runs).toHaveLength(1);
    expect(experiment.runs[0]).toMatchObject({ status: 'QUEUED', seed: 7 });
    const runId = experiment.runs[0].id;

    await stack.waitForStatus(runId, 'SUCCEEDED');
    const q = await stack.gql<{ run: Record<string, unknown> & { metrics: Record<string, unknown>; result: { metrics: Metrics; runId: string } } }>(
      `query($id: ID!) { run(id: $id) {
        status progress attempts workerId queuedAt startedAt finishedAt modelVersion
        metrics { throughputOpsPerSec bottleneck latencyUs { all { p50 p99 } get { p99 } set { p99 } }
                  breakdown { all { hardwarePct kernelPct libioPct appPct } } crossings { userKernel guestHost vmExits }
                  utilization { cores nic pcie storage } }
        p99: metric(name: "latencyUs.set.p99")
        result experiment { id name tags }
      } }`,
      { id: runId },
    );
    expect(q.errors).toBeUndefined();
    const run = q.data!.run;
    expect(run).toMatchObject({ status: 'SUCCEEDED', progress: 1, attempts: 1, workerId: 'experiments-worker-1' });
    expect(run.experiment).toEqual({ id: experiment.id, name: 'redis-arrakis', tags: ['e2e', 'graphql'] });

    const expected = await simulate(spec, { seed: 7, replication: 0 });
    expect(without(run.result.metrics)).toEqual(without(expected.metrics));
    expect(run.result.runId).toBe(runId);
    expect(run.metrics.throughputOpsPerSec).toBe(expected.metrics.throughputOpsPerSec);
    expect(run.metrics.bottleneck).toBe(expected.metrics.bottleneck);
    expect(run.metrics.crossings).toEqual(expected.metrics.crossings);
    expect(run.p99).toBe(expected.metrics.latencyUs.set.p99);

    // The metric rows are the result's numbers, one row each.
    const rows = await stack.metrics(runId);
    const flat = flattenMetrics(expected.metrics);
    delete flat.wallMs;
    expect(Object.keys(rows).sort()).toEqual([...Object.keys(flat), 'wallMs'].sort());
    for (const [name, value] of Object.entries(flat)) expect(rows[name], name).toBe(value);
  });

  it('refuses a spec with three bad fields in one BAD_USER_INPUT error naming all three, and stores nothing', async () => {
    const before = await Promise.all([stack.count('experiment'), stack.count('run')]);
    const { data, errors } = await stack.gql(SUBMIT, {
      input: { name: 'bad', spec: { workload: { kv: { getRatio: 1.5, clients: 0 } }, hardware: { cpu: { cores: 2.5 } } } },
    });
    expect(data).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(errors![0].extensions!.problems!.map((p) => p.path).sort()).toEqual(
      ['spec.hardware.cpu.cores', 'spec.workload.kv.clients', 'spec.workload.kv.getRatio'],
    );
    expect(errors![0].message).toMatch(/spec\.workload\.kv\.getRatio: must be between 0 and 1 \(got 1\.5\)/);
    expect(await Promise.all([stack.count('experiment'), stack.count('run')])).toEqual(before);
  });

  it('refuses FlexNIC programs the hardware (or the workload) could not run, naming rule and action', async () => {
    const tcp = await stack.gql(SUBMIT, { input: { spec: { nic: { steering: 'flexnic', program: [{ match: {}, actions: [{ op: 'hash', fields: ['kvs.key'], into: 'h' }] }] } } } });
    expect(tcp.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(tcp.errors![0].extensions!.problems).toEqual([{ path: 'spec.nic.program.0.actions.0', message: expect.stringMatching(/reads kvs.key, which redis requests do not carry/) }]);

    const before = await stack.count('experiment');
    const program = [
      { match: { 'udp.dstPort': 11211 }, actions: [{ op: 'hash', fields: ['kvs.key'], into: 'h' }, { op: 'steer', to: 'core', by: 'h * 7 % cores' }] },
      { match: { 'kvs.colour': 'red' }, actions: [{ op: 'loop' }] },
    ];
    const refused = await stack.gql(SUBMIT, { input: { spec: { nic: { steering: 'flexnic', program }, workload: { kind: 'kv', kv: { server: 'flexkvs' } } } } });
    const problems = refused.errors![0].extensions!.problems!;
    expect(refused.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(problems.map((p) => p.path)).toEqual(['spec.nic.program.0.actions.1', 'spec.nic.program.1', 'spec.nic.program.1.actions.0']);
    expect(problems[0].message).toMatch(/rule 0, action 1 \(steer\): .*'\*', which the action ALU cannot compute/);
    expect(problems[2].message).toMatch(/loops and recursion cannot run at line rate/);
    expect(await stack.count('experiment')).toBe(before);
  });

  it('answers NOT_FOUND for unknown and malformed ids', async () => {
    for (const [query, id] of [
      ['query($id: ID!) { run(id: $id) { id } }', '00000000-0000-4000-8000-000000000000'],
      ['query($id: ID!) { experiment(id: $id) { id } }', '00000000-0000-4000-8000-000000000000'],
      ['query($id: ID!) { run(id: $id) { id } }', 'not-an-id'],
      ['mutation($id: ID!) { cancelRun(id: $id) { id } }', '00000000-0000-4000-8000-000000000000'],
    ]) {
      const { errors } = await stack.gql(query, { id });
      expect(errors![0].extensions!.code, `${query} ${id}`).toBe('NOT_FOUND');
      expect(errors![0].message).toContain(id);
    }
  });
});

describe('GraphQL: the typed result of the newer models', () => {
  it('a web request in a trap-and-emulate VM reports hit/miss latency, crossings per event and the TLB', async () => {
    const spec = { system: { path: 'vm', vm: { virtualization: 'trap-and-emulate' } }, workload: { kind: 'web' }, ...SHORT };
    const { data } = await stack.gql<{ submitExperiment: { runs: { id: string }[] } }>(SUBMIT, { input: { spec } });
    const runId = data!.submitExperiment.runs[0].id;
    await stack.waitForStatus(runId, 'SUCCEEDED');
    const q = await stack.gql<{ run: { metrics: Record<string, Record<string, unknown>> } }>(
      `query($id: ID!) { run(id: $id) { metrics {
        latencyUs { hit { mean } miss { mean } } breakdown { miss { hardwarePct } }
        crossingsPerEvent { interrupt syscall } tlb { missRate walkRefsPerMiss walkRefsWorstCase } } } }`,
      { id: runId },
    );
    expect(q.errors).toBeUndefined();
    const expected = (await simulate(spec)).metrics;
    const m = q.data!.run.metrics;
    expect(m.crossingsPerEvent).toEqual({ interrupt: 4, syscall: 4 });
    expect(m.tlb).toEqual(expected.tlb);
    expect(m.latencyUs).toEqual({ hit: { mean: expected.latencyUs.hit.mean }, miss: { mean: expected.latencyUs.miss.mean } });
  });
});

describe('REST /v1', () => {
  it('submits with replications, one run each, and each equals that replication of simulate()', async () => {
    const spec = { replications: 2, workload: { kind: 'kv', kv: { server: 'memcached' } }, ...SHORT };
    const res = await stack.http().post('/v1/experiments').send({ name: 'memcached-linux', tags: ['e2e', 'rest'], spec }).expect(202);
    expect(res.headers.location).toBe(`/v1/experiments/${res.body.id}`);
    expect(res.body.runs.map((r: { replication: number }) => r.replication)).toEqual([0, 1]);

    for (const run of res.body.runs as { id: string; replication: number }[]) {
      await stack.waitForStatus(run.id, 'SUCCEEDED');
      const got = await stack.http().get(`/v1/runs/${run.id}`).expect(200);
      const expected = await simulate(spec, { replication: run.replication });
      expect(got.body.status).toBe('SUCCEEDED');
      expect(without(got.body.result.metrics)).toEqual(without(expected.metrics));
    }
    const experiment = await stack.http().get(`/v1/experiments/${res.body.id}`).expect(200);
    expect(experiment.body.runs.map((r: { status: string }) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    // The two replications are different random draws of the same experiment.
    expect(experiment.body.runs[0].result.metrics.throughputOpsPerSec).not.toBe(experiment.body.runs[1].result.metrics.throughputOpsPerSec);
  });

  it('answers 400 with every problem, 404 for unknown ids, and malformed JSON with 400', async () => {
    const before = await stack.count('experiment');
    const bad = await stack.http().post('/v1/experiments').send({ spec: { workload: { kv: { getRatio: 2 } } }, colour: 'red' }).expect(400);
    expect(bad.body.error.code).toBe('BAD_USER_INPUT');
    expect(bad.body.error.problems.map((p: { path: string }) => p.path)).toEqual(['(body)']);
    expect(bad.body.error.message).toMatch(/unknown field\(s\) colour/);
    const badSpec = await stack.http().post('/v1/experiments').send({ spec: { workload: { kv: { getRatio: 2 } } } }).expect(400);
    expect(badSpec.body.error.problems).toEqual([{ path: 'spec.workload.kv.getRatio', message: 'must be between 0 and 1 (got 2)' }]);
    expect(await stack.count('experiment')).toBe(before);

    await stack.http().post('/v1/experiments').set('content-type', 'application/json').send('{"spec": ').expect(400);
    const missing = await stack.http().get('/v1/runs/00000000-0000-4000-8000-000000000000').expect(404);
    expect(missing.body.error).toMatchObject({ code: 'NOT_FOUND' });
    await stack.http().get('/v1/experiments/nope').expect(404);
  });
});

describe('listing runs', () => {
  it('pages newest first with cursors, filters by tag, path, status and metric order, over GraphQL and REST', async () => {
    const tag = `page-${Date.now()}`;
    const paths = ['linux', 'arrakis', 'linux', 'arrakis', 'linux'];
    const runIds: string[] = [];
    for (const path of paths) {
      const res = await stack.http().post('/v1/experiments').send({ tags: [tag, path], spec: { system: { path }, ...SHORT } }).expect(202);
      runIds.push(res.body.runs[0].id);
    }
    await Promise.all(runIds.map((id) => stack.waitForStatus(id, 'SUCCEEDED')));
    const newestFirst = [...runIds].reverse();

    // GraphQL: three pages of 2, 2, 1.
    const PAGE = `query($filter: RunsFilter, $orderBy: RunsOrder, $first: Int, $after: String) {
      runs(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id throughput: metric(name: "throughputOpsPerSec") } }
      } }`;
    type Page = { runs: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string; throughput: number } }[] } };
    const seen: string[] = [];
    let after: string | undefined;
    const sizes: number[] = [];
    do {
      const { data, errors } = await stack.gql<Page>(PAGE, { filter: { tags: [tag] }, first: 2, after });
      expect(errors).toBeUndefined();
      expect(data!.runs.totalCount).toBe(5);
      sizes.push(data!.runs.edges.length);
      seen.push(...data!.runs.edges.map((e) => e.node.id));
      after = data!.runs.pageInfo.hasNextPage ? data!.runs.pageInfo.endCursor! : undefined;
    } while (after);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(newestFirst);

    const arrakis = await stack.gql<Page>(PAGE, { filter: { tags: [tag], systemPath: 'arrakis', status: ['SUCCEEDED'] }, first: 10 });
    expect(arrakis.data!.runs.edges.map((e) => e.node.id).sort()).toEqual([runIds[1], runIds[3]].sort());
    const none = await stack.gql<Page>(PAGE, { filter: { tags: [tag], status: ['FAILED'] } });
    expect(none.data!.runs.totalCount).toBe(0);

    const byThroughput = await stack.gql<Page>(PAGE, {
      filter: { tags: [tag] },
      orderBy: { by: 'METRIC', metric: 'throughputOpsPerSec', direction: 'DESC' },
      first: 3,
    });
    const firstThree = byThroughput.data!.runs.edges.map((e) => e.node.throughput);
    const rest = await stack.gql<Page>(PAGE, {
      filter: { tags: [tag] },
      orderBy: { by: 'METRIC', metric: 'throughputOpsPerSec', direction: 'DESC' },
      first: 3,
      after: byThroughput.data!.runs.pageInfo.endCursor,
    });
    const all = [...firstThree, ...rest.data!.runs.edges.map((e) => e.node.throughput)];
    expect(all).toHaveLength(5);
    expect(all).toEqual([...all].sort((a, b) => b - a));
    // Arrakis serves a GET in about half of Linux's time: its two runs lead.
    expect(byThroughput.data!.runs.edges.slice(0, 2).map((e) => e.node.id).sort()).toEqual([runIds[1], runIds[3]].sort());

    // Each run's experiment, for a whole page (loaded in one query by a DataLoader).
    const withExperiments = await stack.gql<{ runs: { edges: { node: { experimentId: string; experiment: { id: string; tags: string[] } } }[] } }>(
      'query($tag: String!) { runs(filter: {tags: [$tag]}, first: 5) { edges { node { experimentId experiment { id tags } } } } }',
      { tag },
    );
    expect(withExperiments.data!.runs.edges).toHaveLength(5);
    for (const { node } of withExperiments.data!.runs.edges) {
      expect(node.experiment.id).toBe(node.experimentId);
      expect(node.experiment.tags).toContain(tag);
    }

    // Metric ranges: only the two Arrakis runs are faster than the best Linux run.
    const fast = await stack.gql<Page>(PAGE, { filter: { tags: [tag], where: [`throughputOpsPerSec > ${all[2]}`] }, first: 10 });
    expect(fast.data!.runs.edges.map((e) => e.node.id).sort()).toEqual([runIds[1], runIds[3]].sort());
    const restFast = await stack.http().get('/v1/runs').query({ tag, where: `throughputOpsPerSec>${all[2]}` }).expect(200);
    expect(restFast.body.totalCount).toBe(2);
    const notAnId = await stack.http().get('/v1/runs').query({ experimentId: '-'.repeat(36) }).expect(400);
    expect(notAnId.body.error.problems[0].path).toBe('experimentId');
    const badWhere = await stack.http().get('/v1/runs').query({ where: 'p99 is low' }).expect(400);
    expect(badWhere.body.error.problems[0].path).toBe('where.0');

    // REST: the same pages with limit and cursor.
    const restSeen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null; totalCount: number } } = await stack
        .http()
        .get('/v1/runs')
        .query({ tag, limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(res.body.totalCount).toBe(5);
      restSeen.push(...res.body.items.map((r) => r.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(restSeen).toEqual(newestFirst);
    const linux = await stack.http().get('/v1/runs').query({ tag: [tag, 'linux'], status: 'SUCCEEDED,RUNNING' }).expect(200);
    expect(linux.body.items.map((r: { id: string }) => r.id)).toEqual([runIds[4], runIds[2], runIds[0]]);

    const noMetric = await stack.gql(PAGE, { orderBy: { by: 'METRIC' } });
    expect(noMetric.errors![0].extensions!.problems![0].path).toBe('orderBy.metric');
    const badCursor = await stack.gql(PAGE, { after: 'garbage' });
    expect(badCursor.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    const badLimit = await stack.http().get('/v1/runs').query({ limit: 1000 }).expect(400);
    expect(badLimit.body.error.problems[0].path).toBe('first');
  });
});

describe('cancelling', () => {
  it('cancels a running run (the worker stops the simulation) and a queued one (its job is removed)', async () => {
    // One worker: the first long run occupies it, so the second waits in the queue.
    const long = { duration: { measureUs: 30_000_000 } };
    const first = await stack.http().post('/v1/experiments').send({ name: 'long-1', spec: long }).expect(202);
    const second = await stack.http().post('/v1/experiments').send({ name: 'long-2', spec: long }).expect(202);
    const running = first.body.runs[0].id as string;
    const queued = second.body.runs[0].id as string;
    await stack.waitFor('the first run to make progress', async () => ((await stack.run(running))?.progress ?? 0) > 0);
    expect((await stack.run(queued))!.status).toBe('QUEUED');

    const q = await stack.gql<{ cancelRun: { status: string } }>('mutation($id: ID!) { cancelRun(id: $id) { status } }', { id: queued });
    expect(q.data!.cancelRun.status).toBe('CANCELLED');
    expect(await stack.queue.getJob(queued)).toBeUndefined();

    const r = await stack.http().post(`/v1/runs/${running}/cancel`).expect(200);
    expect(r.body.status).toBe('CANCELLED');
    // The worker notices at its next progress report, aborts, and its job completes as cancelled.
    await stack.waitFor('the running job to stop', async () => (await stack.queue.getJob(running))?.returnvalue === 'cancelled');
    const after = await stack.run(running);
    expect(after).toMatchObject({ status: 'CANCELLED', result: null });
    expect(after!.progress).toBeLessThan(1);
    expect(await stack.metrics(running)).toEqual({});
    expect((await stack.run(queued))!.status).toBe('CANCELLED');

    // Finished runs cannot be cancelled.
    const again = await stack.http().post(`/v1/runs/${running}/cancel`).expect(409);
    expect(again.body.error.message).toMatch(/already CANCELLED/);
  });
});
