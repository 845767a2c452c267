import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

/**
 * What the service's figures are measured against: the same Redis and Postgres doing only the
 * queue's or the database's part, with none of iopath's work. A service figure near its ceiling
 * has little left to win; one far below it shows where the time goes.
 */

const PREFIX = 'iopath-ceiling';

function connection(redisUrl: string) {
  return { url: redisUrl, maxRetriesPerRequest: null };
}

async function clear(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

/**
 * `n` jobs that do nothing, added in one addBulk and taken by `workers` BullMQ workers of
 * `concurrency` each, with the options iopath's run jobs have: jobs per second, add to last done.
 */
export async function bullmqNoopJobs(redisUrl: string, n: number, workers: number, concurrency: number) {
  await clear(redisUrl);
  const queue = new Queue('noop', { connection: connection(redisUrl), prefix: PREFIX });
  let done = 0;
  let finish: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finish = resolve));
  const pool = Array.from(
    { length: workers },
    () =>
      new Worker(
        'noop',
        async () => {
          if (++done === n) finish();
        },
        { connection: connection(redisUrl), prefix: PREFIX, concurrency },
      ),
  );
  try {
    await Promise.all(pool.map((w) => w.waitUntilReady()));
    const t = performance.now();
    await queue.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'noop', data: { i }, opts: { jobId: `noop-${i}`, removeOnComplete: { count: 10_000 } } })));
    await allDone;
    const ms = performance.now() - t;
    return { name: `ceiling: ${n} no-op BullMQ jobs, ${workers} workers × ${concurrency}, addBulk → last done`, ms: Math.round(ms), jobsPerSecond: Math.round(n / (ms / 1000)) };
  } finally {
    await Promise.all(pool.map((w) => w.close()));
    await queue.close();
    await clear(redisUrl);
  }
}

/** One job at a time, `n` times: the time from `add` returning to the processor starting. */
export async function bullmqAddToStart(redisUrl: string, n: number) {
  await clear(redisUrl);
  const queue = new Queue('latency', { connection: connection(redisUrl), prefix: PREFIX });
  let started: (at: number) => void = () => undefined;
  const worker = new Worker(
    'latency',
    async () => {
      started(performance.now());
    },
    { connection: connection(redisUrl), prefix: PREFIX, concurrency: 1 },
  );
  const ms: number[] = [];
  try {
    await worker.waitUntilReady();
    for (let i = 0; i < n; i++) {
      const start = new Promise<number>((resolve) => (started = resolve));
      const t = performance.now();
      await queue.add('latency', { i }, { removeOnComplete: true });
      ms.push((await start) - t);
    }
    return { name: `ceiling: BullMQ add → processor start, one job at a time`, samples: n, ...percentiles(ms) };
  } finally {
    await worker.close();
    await queue.close();
    await clear(redisUrl);
  }
}

/**
 * The metric rows of the given runs, copied again with COPY into a table shaped and indexed like
 * `metric` (without its foreign key): rows per second Postgres takes in bulk on this machine.
 */
export async function postgresCopyRows(url: string, runIds: string[]) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ run_id: string; name: string; value: number }>('SELECT run_id, name, value FROM metric WHERE run_id = ANY($1::uuid[])', [runIds]);
    await db.query('CREATE TEMP TABLE metric_copy (LIKE metric INCLUDING DEFAULTS INCLUDING INDEXES)');
    const text = rows.map((r) => `${r.run_id}\t${r.name}\t${r.value}\n`).join('');
    const t = performance.now();
    await pipeline(Readable.from([text]), db.query(copyFrom('COPY metric_copy (run_id, name, value) FROM STDIN')));
    const ms = performance.now() - t;
    return { name: `ceiling: COPY of the same ${rows.length} metric rows into an indexed table`, rows: rows.length, ms: Math.round(ms), rowsPerSecond: Math.round(rows.length / (ms / 1000)) };
  } finally {
    await db.end();
  }
}

export function percentiles(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 100) / 100;
  return { medianMs: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99) };
}
