import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { freePort } from './own-services.js';

/**
 * A real iopath for end-to-end tests: its own Postgres database and Redis key prefix, the built
 * API and worker started as their own processes (`dist/`, as `npm run start:api` / `start:worker`
 * run them), and helpers that wait on database state rather than on sleeps.
 */
const ROOT = join(import.meta.dirname, '../..');
const LOG_DIR = join(ROOT, '.iopath/test-logs');

/** Where a role's processes run: a command prefix (e.g. `ip netns exec NS`) and the address to reach the stores by. */
export interface Placement {
  wrap: string[];
  storesVia: string;
  /** For the API: the address it listens on. */
  host?: string;
}

export interface Proc {
  name: string;
  child: ChildProcess;
  log: string;
}

export class Stack {
  readonly processes: Proc[] = [];
  private workerCount = 0;
  /** The admin token of the stack's own project, sent by http() and gql() unless told otherwise. */
  token = '';

  private constructor(
    readonly name: string,
    readonly env: Record<string, string>,
    readonly db: pg.Pool,
    readonly queue: Queue,
    readonly apiUrl: string,
  ) {}

  private placement: { api?: Placement; worker?: Placement } = {};
  private apiCount = 1;

  static async start(
    name: string,
    options: { workers?: number; env?: Record<string, string>; postgresUrl?: string; placement?: { api?: Placement; worker?: Placement } } = {},
  ): Promise<Stack> {
    for (const entry of ['apps/api/src/main.js', 'apps/worker/src/main.js']) {
      if (!existsSync(join(ROOT, 'dist', entry))) throw new Error(`dist/${entry} is missing: run \`npm run build\` (npm test does) first`);
    }
    // Per process, so two checkouts testing on one machine do not share a database or queue.
    const databaseUrl = await freshDatabase(`iopath_e2e_${name}_${process.pid}`, options.postgresUrl);
    const port = await freePort();
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `iopath-e2e-${name}-${process.pid}`,
      API_HOST: options.placement?.api?.host ?? '127.0.0.1',
      API_PORT: String(port),
      LOG_LEVEL: 'info',
      // Tests poll hard; the rate limit has its own test (limits.e2e.spec.ts).
      RATE_LIMIT_PER_MINUTE: '1000000',
      ...options.env,
    };
    const db = new pg.Pool({ connectionString: databaseUrl, max: 3 });
    // An idle connection cut by a Postgres restart (the fault tests do that) is not a test failure.
    db.on('error', () => undefined);
    const queue = new Queue('runs', { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX });
    const stack = new Stack(name, env, db, queue, `http://${env.API_HOST}:${port}`);
    stack.placement = options.placement ?? {};
    await stack.spawn('api', 'apps/api/src/main.js', /api ready/, {}, stack.placement.api);
    stack.token = stack.createProject(name).token;
    for (let i = 0; i < (options.workers ?? 1); i++) await stack.startWorker();
    return stack;
  }

  /** A new project and its first admin token, made as an operator would (`iopath admin`). */
  createProject(name: string): { projectId: string; token: string } {
    return JSON.parse(this.admin('create-project', name, '--json')) as { projectId: string; token: string };
  }

  createToken(project: string, scope: 'read' | 'submit' | 'admin'): string {
    return (JSON.parse(this.admin('create-token', project, '--scope', scope, '--json')) as { token: string }).token;
  }

  private admin(...args: string[]): string {
    return execFileSync(process.execPath, [join(ROOT, 'bin/iopath.js'), 'admin', ...args], { env: { ...process.env, ...this.env }, encoding: 'utf8' });
  }

  /** supertest against the API, with `token` (the stack's own by default; null: none). */
  http(token: string | null = this.token) {
    const api = request(this.apiUrl);
    const auth = (t: request.Test) => (token ? t.set('Authorization', `Bearer ${token}`) : t);
    return {
      get: (url: string) => auth(api.get(url)),
      post: (url: string) => auth(api.post(url)),
      put: (url: string) => auth(api.put(url)),
      delete: (url: string) => auth(api.delete(url)),
    };
  }

  /** POSTs a GraphQL operation; returns the response body ({ data, errors }). */
  async gql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, token: string | null = this.token) {
    const res = await this.http(token).post('/graphql').send({ query, variables });
    return res.body as { data?: T; errors?: { message: string; extensions?: { code?: string; problems?: { path: string; message: string }[] } }[] };
  }

  /** Another API process on its own port, sharing the stack's database and queue. */
  async startApi(): Promise<{ proc: Proc; url: string }> {
    const port = await freePort();
    const proc = await this.spawn(`api-${++this.apiCount}`, 'apps/api/src/main.js', /api ready/, { API_PORT: String(port) }, this.placement.api);
    return { proc, url: `http://${this.env.API_HOST}:${port}` };
  }

  async startWorker(env: Record<string, string> = {}): Promise<Proc> {
    const n = ++this.workerCount;
    return this.spawn(`worker-${n}`, 'apps/worker/src/main.js', /worker ready/, { WORKER_ID: `${this.name}-worker-${n}`, ...env }, this.placement.worker);
  }

  /** SIGKILL: no shutdown hooks, no lock release — what a crashed machine does. */
  async kill(proc: Proc): Promise<void> {
    if (!isAlive(proc)) return;
    const exited = new Promise((resolve) => proc.child.once('exit', resolve));
    proc.child.kill('SIGKILL');
    await exited;
  }

  async run(id: string) {
    const { rows } = await this.db.query('SELECT * FROM run WHERE id = $1', [id]);
    return rows[0] as { status: string; progress: number; attempts: number; result: unknown; error: string | null; worker_id: string | null; experiment_id: string } | undefined;
  }

  async metrics(runId: string): Promise<Record<string, number>> {
    const { rows } = await this.db.query<{ name: string; value: number }>('SELECT name, value FROM metric WHERE run_id = $1', [runId]);
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  async count(table: 'experiment' | 'run' | 'metric'): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(rows[0].n);
  }

  /** Polls the database until `check` holds (every 50 ms); fails with `what` and the process logs. */
  async waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.tailLogs()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  waitForStatus(runId: string, status: string, timeoutMs?: number) {
    return this.waitFor(`run ${runId} to be ${status}`, async () => {
      const run = await this.run(runId);
      return run?.status === status ? run : undefined;
    }, timeoutMs);
  }

  tailLogs(lines = 15): string {
    return this.processes
      .map((p) => `--- ${p.name} (${p.log})\n${readFileSync(p.log, 'utf8').trim().split('\n').slice(-lines).join('\n')}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes
        .filter(isAlive)
        .map((p) => new Promise((resolve) => {
          p.child.once('exit', resolve);
          p.child.kill('SIGTERM');
          // A worker finishes its current run before it exits; do not wait for a long one.
          setTimeout(() => p.child.kill('SIGKILL'), 10_000).unref();
        })),
    );
    await this.queue.close();
    await this.db.end();
    await deleteKeys(this.env.REDIS_URL, this.env.QUEUE_PREFIX);
    await dropDatabase(this.env.DATABASE_URL);
  }

  private async spawn(name: string, entry: string, ready: RegExp, env: Record<string, string> = {}, placement?: Placement): Promise<Proc> {
    mkdirSync(LOG_DIR, { recursive: true });
    const log = join(LOG_DIR, `${this.name}-${name}.log`);
    const fd = openSync(log, 'w');
    // Placed elsewhere (another network namespace), a process reaches the stores by another address.
    const via = (url: string) => {
      if (!placement) return url;
      const u = new URL(url);
      u.hostname = placement.storesVia;
      return u.toString();
    };
    const stores = { DATABASE_URL: via(this.env.DATABASE_URL), REDIS_URL: via(this.env.REDIS_URL) };
    const [command, ...args] = [...(placement?.wrap ?? []), process.execPath, join('dist', entry)];
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...this.env, ...stores, ...env }, stdio: ['ignore', fd, fd] });
    const proc = { name, child, log };
    this.processes.push(proc);
    await this.waitFor(`${name} to start`, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${readFileSync(log, 'utf8')}`);
      return ready.test(readFileSync(log, 'utf8'));
    }, 30_000);
    return proc;
  }
}

export function isAlive(proc: Proc): boolean {
  return proc.child.exitCode === null && proc.child.signalCode === null;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>, server?: string): Promise<T> {
  const url = new URL(server ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function freshDatabase(name: string, server?: string): Promise<string> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  }, server);
  const url = new URL(server ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const server = new URL(databaseUrl);
  server.pathname = '/postgres';
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`), server.toString());
}


async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
