import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, subscribe } from '../support/live.js';
import { iopath } from '../support/cli.js';
import { Stack } from '../support/stack.js';

/**
 * Live progress over graphql-ws, fed by BullMQ's queue events through Redis: a subscriber on one
 * API process follows runs submitted through another and simulated by two workers.
 */
let stack: Stack;
let otherApi: string;

beforeAll(async () => {
  stack = await Stack.start('live', { workers: 2 });
  otherApi = (await stack.startApi()).url;
});
afterAll(async () => {
  await stack?.stop();
});

const PROGRESS = `subscription($id: ID!) { experimentProgress(id: $id) { counts { QUEUED RUNNING SUCCEEDED FAILED } total progress estimatedSecondsLeft } }`;
const RUN = `subscription($id: ID!) { runUpdated(id: $id) { id status progress metrics { throughputOpsPerSec } } }`;

type Progress = { experimentProgress: { counts: Record<string, number>; total: number; progress: number; estimatedSecondsLeft: number | null } };
type RunUpdate = { runUpdated: { id: string; status: string; progress: number; metrics: { throughputOpsPerSec: number } | null } };

describe('live progress', () => {
  it('follows a sweep on another API process from submitted to done, and completes', async () => {
    const sweep = { tags: ['live'], base: { duration: { measureUs: 200_000 } }, axes: [{ path: 'seed', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] }], cache: false };
    const { body } = await stack.http().post('/v1/sweeps').send(sweep).expect(202);
    const client = liveClient(otherApi, stack.token);
    try {
      const live = subscribe<Progress>(client, PROGRESS, { id: body.id });
      await live.done;
      const states = live.messages.map((m) => m.data!.experimentProgress);
      expect(states.length).toBeGreaterThan(2); // the state at subscribe, updates on the way, the end
      expect(states[0].total).toBe(12);
      for (let i = 1; i < states.length; i++) {
        expect(states[i].progress).toBeGreaterThanOrEqual(states[i - 1].progress);
        expect(states[i].counts.SUCCEEDED).toBeGreaterThanOrEqual(states[i - 1].counts.SUCCEEDED);
      }
      expect(states.at(-1)).toEqual({ counts: { QUEUED: 0, RUNNING: 0, SUCCEEDED: 12, FAILED: 0 }, total: 12, progress: 1, estimatedSecondsLeft: 0 });
      // Somewhere on the way the estimate of the time left was a number above zero.
      expect(states.some((s) => (s.estimatedSecondsLeft ?? 0) > 0)).toBe(true);
    } finally {
      await client.dispose();
    }
  });

  it('follows one run through its progress to its result', async () => {
    const { body } = await stack.http().post('/v1/experiments').send({ spec: { seed: 5, duration: { measureUs: 2_000_000 } }, cache: false }).expect(202);
    const client = liveClient(otherApi, stack.token);
    try {
      const live = subscribe<RunUpdate>(client, RUN, { id: body.runs[0].id });
      await live.done;
      const updates = live.messages.map((m) => m.data!.runUpdated);
      expect(updates.some((u) => u.status === 'RUNNING' && u.progress > 0 && u.progress < 1)).toBe(true);
      const last = updates.at(-1)!;
      expect(last).toMatchObject({ id: body.runs[0].id, status: 'SUCCEEDED', progress: 1 });
      expect(last.metrics!.throughputOpsPerSec).toBeGreaterThan(0);
      // The stream's last state is what the API answers afterwards.
      const after = await stack.gql<{ run: { status: string } }>('query($id: ID!) { run(id: $id) { status } }', { id: body.runs[0].id });
      expect(after.data!.run.status).toBe('SUCCEEDED');
      // The worker's JSON log line of the run carries the run's, experiment's and job's ids as fields.
      const lines = stack.processes.filter((p) => p.name.startsWith('worker')).flatMap((p) => readFileSync(p.log, 'utf8').split('\n'));
      const logged = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.runId === body.runs[0].id && l.outcome);
      expect(logged).toMatchObject({ runId: body.runs[0].id, experimentId: body.id, jobId: body.runs[0].id, outcome: 'succeeded', role: 'worker' });
    } finally {
      await client.dispose();
    }
  });

  it('a finished run is sent once and the subscription completes at once', async () => {
    const { body } = await stack.http().post('/v1/experiments').send({ spec: { seed: 6, duration: { measureUs: 1000 } } }).expect(202);
    await stack.waitForStatus(body.runs[0].id, 'SUCCEEDED');
    const client = liveClient(otherApi, stack.token);
    try {
      const live = subscribe<RunUpdate>(client, RUN, { id: body.runs[0].id });
      await live.done;
      expect(live.messages.map((m) => m.data!.runUpdated.status)).toEqual(['SUCCEEDED']);
    } finally {
      await client.dispose();
    }
  });

  it('refuses a subscription without a token, and another project’s run as not found', async () => {
    const { body } = await stack.http().post('/v1/experiments').send({ spec: { seed: 7, duration: { measureUs: 1000 } } }).expect(202);
    const anonymous = liveClient(otherApi, null);
    const stranger = liveClient(otherApi, stack.createProject('live-other').token);
    try {
      const a = subscribe<RunUpdate>(anonymous, RUN, { id: body.runs[0].id });
      await a.done;
      expect(a.messages[0].errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      const s = subscribe<RunUpdate>(stranger, RUN, { id: body.runs[0].id });
      await s.done;
      expect(s.messages[0].errors![0].extensions!.code).toBe('NOT_FOUND');
      const bad = subscribe<Progress>(stranger, PROGRESS, { id: 'not-an-id' });
      await bad.done;
      // As over HTTP: an id that is no UUID names no experiment, and the message says what ids look like.
      expect(bad.messages[0].errors![0]).toMatchObject({ extensions: { code: 'NOT_FOUND' }, message: expect.stringContaining('ids are UUIDs') });
    } finally {
      await anonymous.dispose();
      await stranger.dispose();
    }
  });
});

describe('operations while a sweep runs', () => {
  it('/health shows the queue and the workers, /metrics the runs by status, the queue board the jobs (admin only)', async () => {
    const sweep = { base: { duration: { measureUs: 1_000_000 } }, axes: [{ path: 'seed', values: [31, 32, 33, 34, 35, 36, 37, 38] }], cache: false };
    const { body } = await stack.http().post('/v1/sweeps').send(sweep).expect(202);
    const health = await stack.waitFor('/health to show work in flight', async () => {
      const { body: h } = await stack.http(null).get('/health').expect(200);
      return h.activeRuns > 0 && h.queueDepth > 0 ? h : undefined;
    });
    expect(health).toMatchObject({ status: 'ok', database: 'up', queue: 'up', workers: 2 });

    const metrics = (await stack.http().get('/metrics').expect(200)).text;
    expect(Number(/^iopath_runs\{status="RUNNING"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(Number(/^iopath_runs\{status="QUEUED"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/^iopath_workers 2$/m);

    // The queue board: a browser's Basic auth with the admin token as the password.
    const basic = `Basic ${Buffer.from(`ops:${stack.token}`).toString('base64')}`;
    const page = await fetch(`${stack.apiUrl}/admin/queues`, { headers: { authorization: basic } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Bull Dashboard</title>');
    const api = await fetch(`${stack.apiUrl}/admin/queues/api/queues?activeQueue=runs&status=latest&page=1&jobsPerPage=20`, { headers: { authorization: basic } });
    const queues = ((await api.json()) as { queues: { name: string; counts: Record<string, number> }[] }).queues;
    expect(queues.map((q) => q.name).sort()).toEqual(['runs', 'webhooks']);
    const runs = queues.find((q) => q.name === 'runs')!;
    expect(runs.counts.active + runs.counts.waiting).toBeGreaterThan(0);

    const anonymous = await fetch(`${stack.apiUrl}/admin/queues`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
    const reader = await fetch(`${stack.apiUrl}/admin/queues`, { headers: { authorization: `Bearer ${stack.createToken('live', 'read')}` } });
    expect(reader.status).toBe(403);

    const client = liveClient(stack.apiUrl, stack.token);
    try {
      await subscribe(client, PROGRESS, { id: body.id }).done; // until the sweep is done
    } finally {
      await client.dispose();
    }
  });
});

describe('iopath watch', () => {
  it('follows a sweep to the end and exits 0; an unknown id exits 2 naming it', async () => {
    const sweep = { base: { duration: { measureUs: 1_000_000 } }, axes: [{ path: 'seed', values: [21, 22, 23, 24, 25, 26] }], cache: false };
    const { body } = await stack.http().post('/v1/sweeps').send(sweep).expect(202);
    const res = await iopath('watch', body.id, '--api', otherApi, '--token', stack.token);
    expect(res.status, res.stderr).toBe(0);
    const lines = res.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.at(-1)).toMatch(/6\/6 runs done, 0 failed/);
    expect(res.stdout).toBe('6 succeeded, 0 failed, 0 cancelled of 6\n');

    const missing = await iopath('watch', '00000000-0000-4000-8000-00000000dead', '--api', otherApi, '--token', stack.token);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no experiment with id '00000000-0000-4000-8000-00000000dead'/);
  });
});
