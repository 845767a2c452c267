import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { Command } from 'commander';
import { loadConfig } from '#config';
import { PrismaService, ProjectRepository } from '#persistence';

/**
 * `npm run demo`: starts an API and two workers on the configured Postgres and Redis, submits the
 * lecture's reference experiments over GraphQL — Redis 1 KB GET and persistent SET on Linux and
 * on Arrakis, latency with one client and throughput with 64 — and prints the comparison. Then it
 * leaves the API running (Ctrl-C stops it), or exits with --once.
 */
const program = new Command()
  .name('demo')
  .option('--once', 'exit after printing the table instead of leaving the API running')
  .option('--workers <n>', 'worker processes to start', (v) => Number.parseInt(v, 10), 2)
  .parse();
const opts = program.opts<{ once?: boolean; workers: number }>();

const config = loadConfig();
const host = config.API_HOST === '0.0.0.0' ? '127.0.0.1' : config.API_HOST;
const base = `http://${host}:${config.API_PORT}`;
const logDir = join(process.cwd(), '.iopath/logs');
const children: ChildProcess[] = [];

function start(name: string, entry: string): void {
  mkdirSync(logDir, { recursive: true });
  const fd = openSync(join(logDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, [entry], { stdio: ['ignore', fd, fd], env: process.env });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} stopped (${signal ?? `exit ${code}`}); see .iopath/logs/${name}.log`);
      shutdown(1);
    }
  });
  children.push(child);
}

let stopping = false;
function shutdown(code: number): void {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  process.exitCode = code;
}

let token = '';

/** The demo's own project ('demo', made on first use) and a fresh submit token for this run. */
async function demoToken(): Promise<string> {
  const prisma = new PrismaService(config);
  try {
    const projects = new ProjectRepository(prisma);
    const project = (await projects.findProjectByName('demo')) ?? (await projects.createProject('demo'));
    return (await projects.createToken(project.id, 'npm run demo', ['submit'])).token;
  } finally {
    await prisma.$disconnect();
  }
}

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data!;
}

async function waitForApi(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${base}/v1/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (stopping) throw new Error('stopped before the API answered');
    if (Date.now() > deadline) throw new Error(`the API did not answer at ${base}/v1/health within 60 s; see .iopath/logs/api.log`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const redis = (path: string, op: 'get' | 'set', clients: number) => ({
  name: `redis-${op}-${path}-${clients}c`,
  system: { path },
  hardware: { storage: { kind: 'raid-flash-cache' } },
  workload: { kind: 'kv', kv: { server: 'redis', valueSize: 1024, getRatio: op === 'get' ? 1 : 0, clients } },
});

const RUN = `query($id: ID!) { run(id: $id) { status error reportUrl
  metrics { throughputOpsPerSec bottleneck latencyUs { get { mean } set { mean } }
            breakdown { get { hardwarePct kernelPct libioPct appPct } set { hardwarePct kernelPct libioPct appPct } } } } }`;
type RunResult = {
  status: string;
  reportUrl: string;
  error: string | null;
  metrics: {
    throughputOpsPerSec: number;
    bottleneck: string;
    latencyUs: Record<'get' | 'set', { mean: number } | null>;
    breakdown: Record<'get' | 'set', { hardwarePct: number; kernelPct: number; libioPct: number; appPct: number } | null>;
  };
};

async function result(runId: string): Promise<RunResult> {
  for (;;) {
    const { run } = await gql<{ run: RunResult }>(RUN, { id: runId });
    if (run.status === 'SUCCEEDED') return run;
    if (run.status === 'FAILED' || run.status === 'CANCELLED') throw new Error(`run ${runId} ${run.status}: ${run.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  start('api', 'dist/apps/api/src/main.js');
  for (let i = 1; i <= opts.workers; i++) start(`worker-${i}`, 'dist/apps/worker/src/main.js');
  await waitForApi();
  token = await demoToken();

  const cases = (['get', 'set'] as const).flatMap((op) => ['linux', 'arrakis'].map((path) => ({ op, path })));
  const submitted = await Promise.all(
    cases.flatMap(({ op, path }) =>
      [1, 64].map(async (clients) => {
        const { submitExperiment } = await gql<{ submitExperiment: { runs: { id: string }[] } }>(
          'mutation($input: SubmitExperimentInput!) { submitExperiment(input: $input) { runs { id } } }',
          { input: { tags: ['demo'], spec: redis(path, op, clients) } },
        );
        return submitExperiment.runs[0].id;
      }),
    ),
  );
  const results = await Promise.all(submitted.map(result));

  const table = new Table({ head: ['experiment', 'path', 'latency µs', 'hw %', 'kernel %', 'libIO %', 'app %', 'tput (64 clients)', 'bottleneck'] });
  cases.forEach(({ op, path }, i) => {
    const one = results[2 * i].metrics;
    const many = results[2 * i + 1].metrics;
    const b = one.breakdown[op]!;
    table.push([
      `Redis 1 KB ${op.toUpperCase()}`,
      path,
      one.latencyUs[op]!.mean.toFixed(2),
      b.hardwarePct.toFixed(0),
      b.kernelPct.toFixed(0),
      b.libioPct.toFixed(0),
      b.appPct.toFixed(0),
      `${Math.round(many.throughputOpsPerSec).toLocaleString('en-US')} ops/s`,
      many.bottleneck,
    ]);
  });
  console.log(table.toString());
  // The lecture's comparison as a page with charts: Linux against Arrakis, Redis GET, one client.
  const { compare } = await gql<{ compare: { reportUrl: string } }>('query($b: ID!, $c: ID!) { compare(baseline: {runId: $b}, candidate: {runId: $c}) { reportUrl } }', {
    b: submitted[0],
    c: submitted[2],
  });
  console.log(`Reports with charts (open in a browser): ${results[0].reportUrl}`);
  console.log(`  Linux → Arrakis, Redis GET: ${compare.reportUrl}`);
  console.log(`${submitted.length} runs stored in project demo; list them with the token made for this demo:`);
  console.log(`  curl -H 'Authorization: Bearer ${token}' '${base}/v1/runs?tag=demo&limit=8'`);
  console.log('Your own project and admin token: npx iopath admin create-project NAME (then create-token NAME --scope read|submit|admin).');
  if (opts.once) {
    shutdown(0);
    return;
  }
  console.log(`GraphQL: ${base}/graphql (GraphiQL in a browser) · REST: ${base}/v1 · logs: .iopath/logs/ · Ctrl-C stops`);
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  shutdown(1);
});
