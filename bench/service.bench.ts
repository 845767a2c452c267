import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { migrate } from '../libs/persistence/src/migrate.js';
import { PrismaService } from '../libs/persistence/src/prisma.service.js';
import { ProjectRepository } from '../libs/persistence/src/project.repository.js';
import { parseConfig } from '../libs/config/src/config.js';
import { simulate } from '../libs/sim/src/index.js';
import { bullmqAddToStart, bullmqNoopJobs, percentiles, postgresCopyRows } from './ceilings.js';

/**
 * `npm run bench:service`, in one run on this machine with the API, two worker processes, Postgres
 * and Redis all local, each figure beside its raw ceiling measured in the same run:
 * - with 100,000 stored runs (10,000 experiments, 28 metrics each: 2.8 M metric rows, seeded in
 *   SQL into their own database), the API's answer time for a filtered history query, a history
 *   query ordered by a metric, and a two-run comparison — 200 requests each, after a warm-up;
 * - 1,000 submissions in flight at once;
 * - a 1,000-run sweep of 1 ms runs (beside BullMQ no-op jobs/s), its metric rows written per
 *   second (beside a Postgres COPY of the same rows), and the same sweep from the result cache;
 * - one tiny experiment at a time: submit and submit → SUCCEEDED (beside BullMQ add → start);
 * - the default experiment's simulated time over wall time.
 * Writes bench/results/service.json.
 */
const RUNS = 100_000;
const RUNS_PER_EXPERIMENT = 10;
const REQUESTS = 200;
const ROOT = path.resolve(import.meta.dirname, '../..');
/** The seeded runs' project (the id the projects migration gives pre-existing rows). */
const PROJECT_ID = '00000000-0000-4000-8000-000000000001';
const METRICS = [
  'throughputOpsPerSec',
  ...['all', 'get', 'set'].flatMap((op) => ['mean', 'p50', 'p90', 'p99', 'p999', 'max'].map((q) => `latencyUs.${op}.${q}`)),
  ...['hardwarePct', 'kernelPct', 'libioPct', 'appPct'].map((d) => `breakdown.all.${d}`),
  'crossings.userKernel',
  'utilization.nic',
  'utilization.pcie',
  'hostCpuNsPerRequest',
  'eventsProcessed',
];

function databaseUrl(): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/iopath');
  url.pathname = '/iopath_bench';
  return url.toString();
}

async function seed(url: string): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM run');
    if (Number(rows[0].n) >= RUNS) return;
    console.log(`seeding ${RUNS.toLocaleString('en-US')} runs and ${(RUNS * METRICS.length).toLocaleString('en-US')} metric rows...`);
    const t = performance.now();
    await db.query('TRUNCATE experiment CASCADE');
    await db.query(`INSERT INTO project (id, name) VALUES ($1, 'default') ON CONFLICT DO NOTHING`, [PROJECT_ID]);
    const experiments = RUNS / RUNS_PER_EXPERIMENT;
    await db.query(
      `INSERT INTO experiment (id, project_id, name, tags, spec, system_path, workload_kind, created_at)
       SELECT md5('e' || i)::uuid, '${PROJECT_ID}'::uuid, 'bench-' || i, ARRAY['team-' || (i % 20), 'branch-' || (i % 50)],
              '{}'::jsonb, (ARRAY['linux','arrakis','vm','container'])[1 + i % 4], (ARRAY['kv','web','analytics'])[1 + i % 3],
              now() - (i || ' minutes')::interval
       FROM generate_series(1, $1) AS i`,
      [experiments],
    );
    await db.query(
      `INSERT INTO run (id, experiment_id, status, spec, seed, replication, progress, attempts, queued_at, started_at, finished_at, result, repro_key)
       SELECT md5('r' || i)::uuid, md5('e' || (1 + (i - 1) / $2))::uuid,
              (CASE WHEN i % 10 = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END)::"RunStatus",
              '{}'::jsonb, 42, (i - 1) % $2, 1, 1,
              now() - ((i / $2) || ' minutes')::interval, now(), now(), '{"metrics": {}}'::jsonb, md5('k' || i)
       FROM generate_series(1, $1) AS i`,
      [RUNS, RUNS_PER_EXPERIMENT],
    );
    await db.query(
      `INSERT INTO metric (run_id, name, value)
       SELECT md5('r' || i)::uuid, n.name, (abs(hashtext(i || n.name)) % 100000) / 100.0
       FROM generate_series(1, $1) AS i CROSS JOIN unnest($2::text[]) AS n(name)`,
      [RUNS, METRICS],
    );
    // VACUUM too, as autovacuum would have done on a database this size: without the visibility
    // map an index-only scan still visits the table, and the history query takes 5× as long.
    await db.query('VACUUM ANALYZE');
    console.log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } finally {
    await db.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * With two worker processes: a 1,000-run sweep of tiny experiments (1 ms simulated each), wall
 * time from submit to the last SUCCEEDED, and the metric rows the workers wrote per second; the
 * same sweep again, served from the cache; then tiny experiments one at a time.
 */
async function withWorkers(base: string, url: string, token: string): Promise<Figure[]> {
  const workers = [1, 2].map((i) =>
    spawn(process.execPath, [path.join(ROOT, 'dist/apps/worker/src/main.js')], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, QUEUE_PREFIX: 'iopath-bench', LOG_LEVEL: 'warn', WORKER_ID: `bench-${i}`, WORKER_CONCURRENCY: workerConcurrency },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await new Promise((r) => setTimeout(r, 3000)); // workers boot
    const body = { tags: ['bench-sweep'], base: { duration: { warmupUs: 0, measureUs: 1000 } }, axes: [{ path: 'seed', values: Array.from({ length: 1000 }, (_, i) => 5_000_000 + i) }] };
    const once = async (cache: boolean, sweep = body) => {
      const runs = sweep.axes[0].values.length;
      const t = performance.now();
      const res = await fetch(`${base}/v1/sweeps`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...sweep, cache }) });
      const { id } = (await res.json()) as { id: string };
      const submitMs = performance.now() - t;
      for (;;) {
        const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM run WHERE experiment_id = $1 AND status = 'SUCCEEDED'`, [id]);
        if (Number(rows[0].n) === runs) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const ms = performance.now() - t;
      return { id, ms: Math.round(ms), submitMs: Math.round(submitMs), runsPerSecond: Math.round(runs / (ms / 1000)) };
    };
    const metricRowsWritten = async (experimentId: string) => {
      const { rows } = await db.query<{ ids: string[]; n: string; ms: number }>(
        `SELECT array_agg(r.id) AS ids, sum((SELECT count(*) FROM metric m WHERE m.run_id = r.id)) AS n,
                extract(epoch FROM max(r.finished_at) - min(r.started_at)) * 1000 AS ms
         FROM run r WHERE r.experiment_id = $1`,
        [experimentId],
      );
      const n = Number(rows[0].n);
      const ms = Number(rows[0].ms);
      return { rows: n, ms: Math.round(ms), rowsPerSecond: Math.round(n / (ms / 1000)), ids: rows[0].ids };
    };
    // A service's workers are warm: a 100-run sweep first, so the figure is not the JIT's.
    await once(false, { ...body, axes: [{ path: 'seed', values: Array.from({ length: 100 }, (_, i) => 4_000_000 + i) }] });
    const { id, ...fresh } = await once(false);
    const written = await metricRowsWritten(id);
    const { id: _cachedId, ...cached } = await once(true);
    const single = await oneAtATime(base, db, token, 100);
    return [
      { name: 'sweep: 1,000 runs of 1 ms simulated, 2 workers, submit → last SUCCEEDED', ...fresh },
      { name: 'metric rows written by the workers during that sweep (first start → last finish)', rows: written.rows, ms: written.ms, rowsPerSecond: written.rowsPerSecond, ceiling: await postgresCopyRows(url, written.ids) },
      { name: 'the same sweep again, served from the result cache', ...cached },
      ...single,
    ];
  } finally {
    await db.query(`DELETE FROM experiment WHERE tags @> ARRAY['bench-sweep']`);
    await db.end();
    for (const w of workers) w.kill('SIGTERM');
  }
}

/**
 * `n` tiny experiments one after another, each submitted once the last has SUCCEEDED: the
 * submission's answer time, and submit → SUCCEEDED (the run's finished_at, stamped by Postgres on
 * this machine's clock, against the wall clock at submit).
 */
async function oneAtATime(base: string, db: pg.Client, token: string, n: number) {
  const submit: number[] = [];
  const done: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = Date.now();
    const t = performance.now();
    const res = await fetch(`${base}/v1/experiments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tags: ['bench-sweep'], spec: { seed: 9_000_000 + i, duration: { warmupUs: 0, measureUs: 1000 } }, cache: false }),
    });
    const { runs } = (await res.json()) as { runs: { id: string }[] };
    submit.push(performance.now() - t);
    for (;;) {
      const { rows } = await db.query<{ at: Date | null }>(`SELECT finished_at AS at FROM run WHERE id = $1 AND status = 'SUCCEEDED'`, [runs[0].id]);
      if (rows[0]?.at) {
        done.push(rows[0].at.getTime() - t0);
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  return [
    { name: 'submit: one tiny experiment at a time, POST /v1/experiments answered', samples: n, ...percentiles(submit) },
    { name: 'submit → SUCCEEDED: one tiny experiment at a time (1 ms simulated)', samples: n, ...percentiles(done) },
  ];
}

/** The default experiment (an empty spec) in this process: simulated time over wall time. */
async function defaultExperimentSpeed() {
  await simulate({}); // warm-up: the first run also compiles the engine
  const t = performance.now();
  const result = await simulate({});
  const wallMs = performance.now() - t;
  const simulatedMs = (result.spec.duration.warmupUs + result.metrics.measuredUs) / 1000;
  return { name: 'engine: the default experiment, simulated time / wall time', simulatedMs, wallMs: Math.round(wallMs), ratio: Math.round((simulatedMs / wallMs) * 100) / 100, events: result.metrics.eventsProcessed };
}

/** A token of the seeded project, made for this run of the benchmark. */
async function makeToken(url: string, scope: 'read' | 'submit'): Promise<string> {
  const prisma = new PrismaService(parseConfig({ DATABASE_URL: url }));
  try {
    return (await new ProjectRepository(prisma).createToken(PROJECT_ID, 'bench', [scope])).token;
  } finally {
    await prisma.$disconnect();
  }
}

/**
 * 1,000 submissions in flight at once (no worker runs them: this measures the API's store and
 * enqueue), then removes them again from Postgres and Redis.
 */
async function burst(base: string, url: string, token: string): Promise<{ name: string; requests: number; medianMs: number; p90Ms: number; p99Ms: number; failed: number }> {
  const n = 1000;
  const ms: number[] = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const t = performance.now();
      const res = await fetch(`${base}/v1/experiments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tags: ['bench-burst'], spec: { seed: 1_000_000 + i, duration: { measureUs: 1000 } }, cache: false }),
      });
      await res.arrayBuffer();
      ms.push(performance.now() - t);
      if (res.status !== 202) failed++;
    }),
  );
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query(`DELETE FROM experiment WHERE tags @> ARRAY['bench-burst']`);
  await db.end();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys('iopath-bench:*');
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  ms.sort((a, b) => a - b);
  const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] * 10) / 10;
  return { name: `submit: ${n} POST /v1/experiments in flight at once`, requests: n, medianMs: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), failed };
}

let headers: Record<string, string> = {};
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const workerConcurrency = process.env.WORKER_CONCURRENCY ?? '4';

/** One measured figure: its name, its numbers, and the raw ceiling it is measured against. */
type Figure = { name: string; ceiling?: Record<string, unknown> } & Record<string, unknown>;

async function timed(name: string, urls: () => string): Promise<{ name: string; requests: number; medianMs: number; p90Ms: number; p99Ms: number; example: string }> {
  for (let i = 0; i < 20; i++) await (await fetch(urls(), { headers })).arrayBuffer(); // warm-up
  const ms: number[] = [];
  let example = '';
  for (let i = 0; i < REQUESTS; i++) {
    const url = urls();
    const t = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    ms.push(performance.now() - t);
    if (!res.ok) throw new Error(`${url} → ${res.status}`);
    example = url;
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] * 100) / 100;
  return { name, requests: REQUESTS, medianMs: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), example: new URL(example).pathname + new URL(example).search };
}

async function main(): Promise<void> {
  const url = databaseUrl();
  await migrate(url);
  await seed(url);
  headers = { authorization: `Bearer ${await makeToken(url, 'read')}` };
  const port = await freePort();
  const api = spawn(process.execPath, [path.join(ROOT, 'dist/apps/api/src/main.js')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, API_PORT: String(port), API_HOST: '127.0.0.1', QUEUE_PREFIX: 'iopath-bench', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`${base}/v1/health`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error('the API did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const ids = (await db.query<{ id: string }>(`SELECT md5('r' || i)::uuid AS id FROM generate_series(1, 2000) AS i WHERE i % 10 <> 0`)).rows.map((r) => r.id);
    await db.end();
    let k = 0;
    const results: Figure[] = [
      await timed('history: tag + status + path + metric range, newest first, 20 per page', () => {
        k++;
        return `${base}/v1/runs?tag=team-${k % 20}&status=SUCCEEDED&systemPath=arrakis&where=latencyUs.all.p99<500&limit=20`;
      }),
      await timed('history: tag, ordered by a metric, 20 per page', () => {
        k++;
        return `${base}/v1/runs?tag=branch-${k % 50}&orderBy=latencyUs.get.p99&direction=asc&limit=20`;
      }),
      await timed('compare: two runs, three metrics', () => {
        k++;
        return `${base}/v1/compare?baseline=run:${ids[k % ids.length]}&candidate=run:${ids[(k * 31) % ids.length]}`;
      }),
    ];
    results.push(await burst(base, url, await makeToken(url, 'submit')));
    // The ceilings run first, on an idle machine, like the figures they bound.
    const noop = await bullmqNoopJobs(redisUrl, 1000, 2, Number(workerConcurrency));
    const addToStart = await bullmqAddToStart(redisUrl, 200);
    const withCeilings = (await withWorkers(base, url, await makeToken(url, 'submit'))).map((r) =>
      r.name.startsWith('sweep:') ? { ...r, ceiling: noop } : r.name.startsWith('submit → SUCCEEDED') ? { ...r, ceiling: addToStart } : r,
    );
    results.push(...withCeilings, await defaultExperimentSpeed());
    const report = { date: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version }, runs: RUNS, metricRows: RUNS * METRICS.length, results };
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench/results/service.json'), `${JSON.stringify(report, null, 2)}\n`);
    for (const { name, ceiling, ...figures } of results) {
      console.log(`${name}: ${JSON.stringify(figures)}`);
      if (ceiling) console.log(`  ${String(ceiling.name)}: ${JSON.stringify({ ...ceiling, name: undefined })}`);
    }
  } finally {
    api.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
