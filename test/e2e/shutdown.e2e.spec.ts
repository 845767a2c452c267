import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenMetrics, type Metrics } from '#sim';
import { isAlive, Stack } from '../support/stack.js';

/** SIGTERM, as a deploy sends it: a worker finishes its run; the API answers what it has started. */
let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start('shutdown', { workers: 1 });
});
afterAll(async () => {
  await stack?.stop();
});

/** How a process ended. Nest closes the app on SIGTERM, then re-raises the signal to end itself. */
const exited = (proc: { child: { once: (e: 'exit', cb: (code: number | null, signal: string | null) => void) => void } }) =>
  new Promise<string>((resolve) => proc.child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));

describe('graceful shutdown', () => {
  it('a worker told to stop finishes its current run first: one result, never half written', async () => {
    const res = await stack.http().post('/v1/experiments').send({ spec: { seed: 21, duration: { measureUs: 1_500_000 } } }).expect(202);
    const runId = res.body.runs[0].id as string;
    await stack.waitFor('the run to be under way', async () => ((await stack.run(runId))?.progress ?? 0) > 0.05);
    const worker = stack.processes.find((p) => p.name === 'worker-1')!;
    const code = exited(worker);
    worker.child.kill('SIGTERM');
    expect(await code).toBe('SIGTERM');
    const run = (await stack.run(runId))!;
    expect(run).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(Object.keys(await stack.metrics(runId))).toHaveLength(Object.keys(flattenMetrics((run.result as { metrics: Metrics }).metrics)).length);
  });

  it('an API told to stop answers the request it is serving, then exits', async () => {
    await stack.startWorker();
    const base = await stack.http().post('/v1/experiments').send({ spec: { seed: 22, duration: { measureUs: 5_000 } } }).expect(202);
    await stack.waitForStatus(base.body.runs[0].id, 'SUCCEEDED');
    await stack.http().put('/v1/baselines/main').send({ experimentId: base.body.id }).expect(200);
    // A check that waits for a run of about a second: the API is mid-request when SIGTERM comes.
    const pending = stack.http().post('/v1/checks').send({ spec: { seed: 23, duration: { measureUs: 1_000_000 } }, baseline: 'main', wait: true, thresholds: {} });
    const answered = pending.then((r) => r);
    await stack.waitFor('the check to be running', async () => {
      const { rows } = await stack.db.query(`SELECT 1 FROM run WHERE status = 'RUNNING'`);
      return rows.length > 0;
    });
    const api = stack.processes.find((p) => p.name === 'api')!;
    const code = exited(api);
    api.child.kill('SIGTERM');
    const res = await answered;
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('PASS');
    expect(await code).toBe('SIGTERM');
    expect(isAlive(api)).toBe(false);
  });
});
