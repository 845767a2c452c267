import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/own-services.js';
import { Stack } from '../support/stack.js';

/**
 * Webhooks against a receiver on loopback: every completion is POSTed once, signed with the
 * webhook's secret; a receiver that fails is retried with backoff; the history shows each try.
 */
interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let stack: Stack;
let receiver: Server;
let base: string;
const received: Received[] = [];
/** Answers 500 to the first two requests on /flaky, then 200. */
let flakyLeft = 2;

beforeAll(async () => {
  const port = await freePort();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const fail = req.url === '/flaky' && flakyLeft-- > 0;
      res.writeHead(fail ? 500 : 200).end(fail ? 'not now' : 'ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r));
  base = `http://127.0.0.1:${port}`;
  stack = await Stack.start('webhooks', { workers: 1, env: { WEBHOOK_BACKOFF_MS: '100', WEBHOOK_ATTEMPTS: '4', RECONCILE_INTERVAL_MS: '1000', RECONCILE_GRACE_MS: '1000' } });
});
afterAll(async () => {
  await stack?.stop();
  receiver?.close();
});

const verify = (secret: string, r: Received) => {
  const expected = `sha256=${createHmac('sha256', secret).update(`${String(r.headers['x-iopath-timestamp'])}.${r.body}`).digest('hex')}`;
  return r.headers['x-iopath-signature'] === expected;
};
const at = (path: string) => received.filter((r) => r.path === path);
const events = (path: string) => at(path).map((r) => JSON.parse(r.body) as { id: string; event: string; projectId: string; data: Record<string, unknown> });

describe('webhooks', () => {
  let ok: { id: string; secret: string };
  let flaky: { id: string; secret: string };
  let down: { id: string };

  it('registers URLs (admin scope), showing the secret once and refusing what it cannot deliver to', async () => {
    ok = (await stack.http().post('/v1/webhooks').send({ url: `${base}/ok` }).expect(201)).body;
    expect(ok.secret).toMatch(/^whsec_/);
    flaky = (await stack.http().post('/v1/webhooks').send({ url: `${base}/flaky`, events: ['experiment.completed'] }).expect(201)).body;
    down = (await stack.http().post('/v1/webhooks').send({ url: `http://127.0.0.1:${await freePort()}/gone`, events: ['experiment.completed'] }).expect(201)).body;

    const list = await stack.http().get('/v1/webhooks').expect(200);
    expect(list.body.items.map((w: { id: string }) => w.id)).toEqual([ok.id, flaky.id, down.id]);
    expect(list.body.items[0]).not.toHaveProperty('secret');
    expect(list.body.items[0].events).toEqual(['run.completed', 'experiment.completed', 'check.completed']);

    const bad = await stack.http().post('/v1/webhooks').send({ url: 'ftp://example.com/x', events: ['run.finished'] }).expect(400);
    expect(bad.body.error.problems.map((p: { path: string }) => p.path).sort()).toEqual(['events.0', 'url']);
    const submitter = stack.createToken('webhooks', 'submit');
    await stack.http(submitter).post('/v1/webhooks').send({ url: `${base}/x` }).expect(403);
    await stack.http().get('/v1/webhooks/00000000-0000-4000-8000-000000000000/deliveries').expect(404);
    // Another project sees none of them.
    const stranger = stack.createProject('webhooks-other').token;
    expect((await stack.http(stranger).get('/v1/webhooks').expect(200)).body.items).toEqual([]);
    await stack.http(stranger).get(`/v1/webhooks/${ok.id}/deliveries`).expect(404);
    await stack.http(stranger).delete(`/v1/webhooks/${ok.id}`).expect(404);
  });

  it('tells of each run and of the sweep once, signed; retries a failing receiver; gives up on a dead one', async () => {
    const sweep = { base: { duration: { measureUs: 5_000 } }, axes: [{ path: 'seed', values: [1, 2, 3] }], cache: false };
    const { body } = await stack.http().post('/v1/sweeps').send(sweep).expect(202);
    await stack.waitFor('experiment.completed at /ok and at /flaky', async () => events('/ok').some((e) => e.event === 'experiment.completed') && at('/flaky').length === 3, 60_000);

    const okEvents = events('/ok');
    expect(okEvents.filter((e) => e.event === 'run.completed')).toHaveLength(3);
    const completed = okEvents.filter((e) => e.event === 'experiment.completed');
    expect(completed).toHaveLength(1);
    expect(completed[0].data).toEqual({ experimentId: body.id, counts: { SUCCEEDED: 3 } });
    for (const r of at('/ok')) {
      expect(verify(ok.secret, r)).toBe(true);
      expect(r.headers['x-iopath-event']).toBe(JSON.parse(r.body).event);
    }
    expect(verify(flaky.secret, at('/ok')[0])).toBe(false); // another webhook's secret does not verify

    // /flaky: the same delivery three times (500, 500, 200), signed each time.
    const tries = at('/flaky');
    expect(new Set(tries.map((r) => r.headers['x-iopath-delivery'])).size).toBe(1);
    expect(tries.every((r) => verify(flaky.secret, r))).toBe(true);
    const history = await stack.waitFor('the flaky delivery recorded', async () => {
      const { body: h } = await stack.http().get(`/v1/webhooks/${flaky.id}/deliveries`).expect(200);
      return h.items[0]?.status === 'DELIVERED' ? h.items : undefined;
    });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ event: 'experiment.completed', status: 'DELIVERED', attempts: 3, lastStatusCode: 200, lastError: null });

    // The dead receiver: four attempts, then FAILED with the reason.
    const dead = await stack.waitFor('the dead delivery to fail', async () => {
      const { body: h } = await stack.http().get(`/v1/webhooks/${down.id}/deliveries`).expect(200);
      return h.items[0]?.status === 'FAILED' ? h.items[0] : undefined;
    }, 60_000);
    expect(dead).toMatchObject({ attempts: 4, lastStatusCode: null });
    expect(dead.lastError).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('tells of a check’s verdict, and of an experiment served whole from the cache', async () => {
    const spec = { duration: { measureUs: 5_000 }, seed: 9 };
    const first = await stack.http().post('/v1/experiments').send({ spec }).expect(202);
    await stack.waitForStatus(first.body.runs[0].id, 'SUCCEEDED');
    await stack.http().put('/v1/baselines/main').send({ experimentId: first.body.id }).expect(200);
    const check = await stack.http().post('/v1/checks').send({ spec, baseline: 'main', wait: true }).expect(201);
    await stack.waitFor('check.completed', async () => events('/ok').find((e) => e.event === 'check.completed' && e.data.checkId === check.body.id));
    const told = events('/ok').filter((e) => e.event === 'check.completed');
    expect(told).toHaveLength(1);
    expect(told[0].data).toMatchObject({ checkId: check.body.id, status: 'PASS', baseline: 'main', failures: [] });
    // The check's candidate came from the cache: its experiment completed without a worker.
    expect(events('/ok').some((e) => e.event === 'experiment.completed' && e.data.experimentId === check.body.experimentId)).toBe(true);
  });

  it('completes (and tells of) an experiment whose completion no run claimed, from the reconciler', async () => {
    const { body } = await stack.http().post('/v1/experiments').send({ spec: { duration: { measureUs: 5_000 }, seed: 55 } }).expect(202);
    await stack.waitFor('experiment.completed', async () => events('/ok').some((e) => e.event === 'experiment.completed' && e.data.experimentId === body.id));
    // As if its last two runs had finished at once and each left the completion to the other.
    await stack.db.query('UPDATE experiment SET completed_at = NULL WHERE id = $1', [body.id]);
    await stack.waitFor('a second experiment.completed', async () => events('/ok').filter((e) => e.event === 'experiment.completed' && e.data.experimentId === body.id).length === 2, 30_000);
  });

  it('delivers a delivery whose job was lost (Redis lost it, or a process died between row and job)', async () => {
    const { rows } = await stack.db.query(
      `INSERT INTO webhook_delivery (id, webhook_id, event, payload) VALUES (gen_random_uuid(), $1, 'run.completed', '{"event": "run.completed", "data": {"lost": true}}') RETURNING id`,
      [ok.id],
    );
    await stack.waitFor('the lost delivery to arrive', async () => at('/ok').find((r) => r.headers['x-iopath-delivery'] === rows[0].id), 30_000);
    const { body } = await stack.http().get(`/v1/webhooks/${ok.id}/deliveries`).expect(200);
    expect(body.items.find((d: { id: string }) => d.id === rows[0].id)).toMatchObject({ status: 'DELIVERED', attempts: 1 });
  });

  it('over GraphQL: register (secret shown once), list with the delivery history, delete; submit scope may not', async () => {
    const made = await stack.gql<{ registerWebhook: { id: string; secret: string; events: string[] } }>('mutation { registerWebhook(url: "http://127.0.0.1:9/gql", events: ["check.completed"]) { id secret events } }');
    expect(made.data!.registerWebhook).toMatchObject({ secret: expect.stringMatching(/^whsec_/), events: ['check.completed'] });
    const listed = await stack.gql<{ webhooks: { id: string; secret: string | null; deliveries: { status: string; attempts: number }[] }[] }>('{ webhooks { id secret deliveries(limit: 50) { status attempts } } }');
    const flakyHook = listed.data!.webhooks.find((w) => w.id === flaky.id)!;
    expect(flakyHook.secret).toBeNull();
    expect(flakyHook.deliveries).toContainEqual({ status: 'DELIVERED', attempts: 3 }); // the retried one
    const bad = await stack.gql('mutation { registerWebhook(url: "not a url") { id } }');
    expect(bad.errors![0].extensions!.problems![0].path).toBe('url');
    const submitter = await stack.gql('mutation { registerWebhook(url: "http://127.0.0.1:9/x") { id } }', {}, stack.createToken('webhooks', 'submit'));
    expect(submitter.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect((await stack.gql<{ deleteWebhook: boolean }>('mutation($id: ID!) { deleteWebhook(id: $id) }', { id: made.data!.registerWebhook.id })).data!.deleteWebhook).toBe(true);
  });

  it('deletes a webhook: no more deliveries to it', async () => {
    await stack.http().delete(`/v1/webhooks/${ok.id}`).expect(204);
    await stack.http().delete(`/v1/webhooks/${ok.id}`).expect(404);
    const before = at('/ok').length;
    const { body } = await stack.http().post('/v1/experiments').send({ spec: { duration: { measureUs: 5_000 }, seed: 77 } }).expect(202);
    await stack.waitForStatus(body.runs[0].id, 'SUCCEEDED');
    await new Promise((r) => setTimeout(r, 500));
    expect(at('/ok').length).toBe(before);
  });
});
