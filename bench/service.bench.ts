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

/**
 * `npm run bench:service`: with 100,000 stored runs (10,000 experiments, 28 metrics each: 2.8 M
 * metric rows, seeded in SQL into their own database), the API's answer time for a filtered
 * history query, a history query ordered by a metric, and a two-run comparison — 200 requests
 * each over HTTP, after a warm-up. Writes bench/results/service.json.
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
    await db.query('ANALYZE');
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
 * A 1,000-run sweep of tiny experiments (1 ms simulated each) with two worker processes: wall
 * time from submit to the last SUCCEEDED; then the same sweep again, served from the cache.
 */
async function sweepThroughput(base: string, url: string, token: string) {
  const workers = [1, 2].map((i) =>
    spawn(process.execPath, [path.join(ROOT, 'dist/apps/worker/src/main.js')], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, QUEUE_PREFIX: 'iopath-bench', LOG_LEVEL: 'warn', WORKER_ID: `bench-${i}`, WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? '4' },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await new Promise((r) => setTimeout(r, 3000)); // workers boot
    const body = { tags: ['bench-sweep'], base: { duration: { warmupUs: 0, measureUs: 1000 } }, axes: [{ path: 'seed', values: Array.from({ length: 1000 }, (_, i) => 5_000_000 + i) }] };
    const once = async (cache: boolean) => {
      const t = performance.now();
      const res = await fetch(`${base}/v1/sweeps`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...body, cache }) });
      const { id } = (await res.json()) as { id: string };
      const submitMs = performance.now() - t;
      for (;;) {
        const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM run WHERE experiment_id = $1 AND status = 'SUCCEEDED'`, [id]);
        if (Number(rows[0].n) === 1000) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const ms = performance.now() - t;
      return { ms: Math.round(ms), submitMs: Math.round(submitMs), runsPerSecond: Math.round(1000 / (ms / 1000)) };
    };
    const fresh = await once(false);
    const cached = await once(true);
    return [
      { name: 'sweep: 1,000 runs of 1 ms simulated, 2 workers, submit → last SUCCEEDED', medianMs: fresh.ms, p90Ms: fresh.ms, p99Ms: fresh.ms, runsPerSecond: fresh.runsPerSecond, submitMs: fresh.submitMs },
      { name: 'the same sweep again, served from the result cache', medianMs: cached.ms, p90Ms: cached.ms, p99Ms: cached.ms, runsPerSecond: cached.runsPerSecond, submitMs: cached.submitMs },
    ];
  } finally {
    await db.query(`DELETE FROM experiment WHERE tags @> ARRAY['bench-sweep']`);
    await db.end();
    for (const w of workers) w.kill('SIGTERM');
  }
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
    const results: { name: string; medianMs: number; p90Ms: number; p99Ms: number }[] = [
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
    results.push(...(await sweepThroughput(base, url, await makeToken(url, 'submit'))));
    const report = { date: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version }, runs: RUNS, metricRows: RUNS * METRICS.length, results };
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench/results/service.json'), `${JSON.stringify(report, null, 2)}\n`);
    for (const r of results) console.log(`${r.name}: median ${r.medianMs} ms, p90 ${r.p90Ms} ms, p99 ${r.p99Ms} ms`, 'submitMs' in r ? `(submit ${String(r.submitMs)} ms)` : '');
  } finally {
    api.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
