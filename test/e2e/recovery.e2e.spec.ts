import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenMetrics, simulate, type Metrics } from '#sim';
import { Stack } from '../support/stack.js';

/**
 * Nothing lost: a worker killed mid-run, and a run that Postgres holds but Redis does not.
 * Short locks and reconcile periods so the recovery happens within the test.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start('recovery', {
    workers: 0,
    env: { WORKER_LOCK_MS: '2000', WORKER_STALLED_CHECK_MS: '1000', RECONCILE_INTERVAL_MS: '1000', RECONCILE_GRACE_MS: '0' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const without = (m: Metrics) => ({ ...m, wallMs: undefined });

describe('recovery', () => {
  it('a job retried after its worker was killed leaves exactly one result and one set of metric rows', async () => {
    const spec = { seed: 3, duration: { measureUs: 2_000_000 } };
    const worker = await stack.startWorker();
    const res = await stack.http().post('/v1/experiments').send({ name: 'crash', spec }).expect(202);
    const runId = res.body.runs[0].id as string;
    await stack.waitFor('the run to be under way', async () => {
      const run = await stack.run(runId);
      return run?.status === 'RUNNING' && run.progress > 0.05;
    });
    await stack.kill(worker);
    expect((await stack.run(runId))!.status).toBe('RUNNING');

    // The next worker finds the dead worker's job stalled once its lock lapses, and runs it again.
    await stack.startWorker();
    const done = await stack.waitForStatus(runId, 'SUCCEEDED', 90_000);
    expect(done.attempts).toBe(2);
    expect(done.worker_id).toBe('recovery-worker-2');

    const expected = await simulate(spec, { replication: 0 });
    expect(without((done.result as { metrics: Metrics }).metrics)).toEqual(without(expected.metrics));
    const rows = await stack.metrics(runId);
    expect(Object.keys(rows)).toHaveLength(Object.keys(flattenMetrics(expected.metrics)).length);
    const { rows: counted } = await stack.db.query('SELECT count(*)::int AS n, count(DISTINCT name)::int AS names FROM metric WHERE run_id = $1', [runId]);
    expect(counted[0].n).toBe(counted[0].names);

    // Delivering the job yet again (a duplicate from anywhere) changes nothing.
    const metricsBefore = await stack.metrics(runId);
    await stack.queue.add('simulate-run', { runId }, { jobId: `${runId}-duplicate` });
    await stack.waitFor('the duplicate job to finish', async () => (await stack.queue.getJob(`${runId}-duplicate`))?.returnvalue === 'skipped');
    expect(await stack.metrics(runId)).toEqual(metricsBefore);
    expect((await stack.run(runId))!.attempts).toBe(2);
  });

  it('re-enqueues a QUEUED run whose job Redis lost', async () => {
    // Stop every worker, lose the job (as a Redis restart without persistence would), then start one.
    for (const p of stack.processes.filter((p) => p.name.startsWith('worker'))) await stack.kill(p);
    const res = await stack.http().post('/v1/experiments').send({ name: 'lost', spec: { duration: { measureUs: 5_000 } } }).expect(202);
    const runId = res.body.runs[0].id as string;
    await stack.queue.remove(runId);
    expect(await stack.queue.getJob(runId)).toBeUndefined();

    await stack.startWorker();
    const run = await stack.waitForStatus(runId, 'SUCCEEDED');
    expect(run.attempts).toBe(1);
  });
});
