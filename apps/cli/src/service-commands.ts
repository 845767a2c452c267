import { randomUUID } from 'node:crypto';
import Table from 'cli-table3';
import { Command, InvalidArgumentError } from 'commander';
import { readSpec } from './spec-file.js';
import { watchProgress } from './watch.js';

/**
 * `iopath check` and `iopath baseline set`: the CI side of the service, over its REST API.
 * Exit codes of `check`: 0 pass, 1 a threshold failed (a regression), 2 anything that kept the
 * check from giving a verdict (bad input, the API unreachable, a failed run, the time limit).
 */

interface ServiceOptions {
  api: string;
  token?: string;
}

class ServiceError extends Error {}

/** A JSON request to the API; a non-2xx answer becomes a ServiceError with its message and problems. */
async function call<T>(opts: ServiceOptions, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T; text: string }> {
  const url = new URL(path, opts.api.endsWith('/') ? opts.api : `${opts.api}/`);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ServiceError(`cannot reach the iopath API at ${url.origin} (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}); check --api`);
  }
  const text = await res.text();
  const parsed = (() => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  })();
  if (!res.ok) {
    const error = (parsed as { error?: { message?: string; problems?: { path: string; message: string }[] } }).error;
    const problems = error?.problems?.map((p) => `\n  ${p.path}: ${p.message}`).join('') ?? '';
    throw new ServiceError(`${method} ${url.pathname} → ${res.status}: ${error?.message ?? text}${problems}`);
  }
  return { status: res.status, body: parsed as T, text };
}

const thresholdArg = (value: string, previous: Record<string, string> = {}) => {
  const m = /^([A-Za-z][\w.]*)=(\+?\d+(\.\d+)?%?)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected METRIC=+N%, e.g. latencyUs.all.p99=+5% (got ${value})`);
  return { ...previous, [m[1]]: m[2] };
};
const collect = (value: string, previous: string[] = []) => [...previous, value];
const seconds = (value: string) => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
};

interface CheckJson {
  id: string;
  status: 'PENDING' | 'PASS' | 'FAIL' | 'ERROR';
  experimentId: string;
  baseline: { name: string };
  verdict: null | {
    failures: string[];
    error?: string;
    test: string;
    points: {
      values: Record<string, unknown>;
      metrics: { name: string; baseline: { mean: number; halfWidth: number }; candidate: { mean: number; halfWidth: number }; relativeChange: number | null; pValue: number | null; verdict: string; failed: boolean; threshold?: { maxRegressionPct?: number } }[];
    }[];
  };
}

export function addCheckCommand(program: Command, exit: (code: number) => void): void {
  program
    .command('check')
    .description('run a spec (or a sweep) on an iopath service and compare it with a baseline: exit 0 pass, 1 regression, 2 error')
    .argument('<file>', 'spec file (YAML or JSON), or a sweep {base, axes}; - reads standard input')
    .requiredOption('--api <url>', 'the iopath API, e.g. http://127.0.0.1:3000')
    .requiredOption('--baseline <name>', 'the baseline to compare with, e.g. main')
    .option('--token <token>', 'API token, sent as a bearer token')
    .option('--threshold <metric=+N%>', 'largest regression allowed for a metric (repeatable); default: mean and p99 latency and throughput at 5%', thresholdArg)
    .option('--metric <name>', 'also report this metric (repeatable)', collect)
    .option('--format <format>', 'table, json, junit or markdown', 'table')
    .option('--timeout <seconds>', 'give up waiting after this long', seconds, 1800)
    .option('--idempotency-key <key>', 'send this Idempotency-Key, so a retried CI job does not run twice (e.g. the CI job id)')
    .option('--no-cache', 'simulate even where a stored result has the same reproducibility key')
    .option('--watch', 'follow the runs live (graphql-ws) with a progress bar on standard error')
    .action(async (file: string, o: ServiceOptions & { baseline: string; threshold?: Record<string, string>; metric?: string[]; format: string; timeout: number; idempotencyKey?: string; cache: boolean; watch?: boolean }) => {
      try {
        if (!['table', 'json', 'junit', 'markdown'].includes(o.format)) throw new ServiceError(`--format must be table, json, junit or markdown (got ${o.format})`);
        const spec = readSpec(file) as Record<string, unknown>;
        const candidate = spec && typeof spec === 'object' && 'axes' in spec ? { sweep: { base: spec.base ?? {}, axes: spec.axes, ...(spec.replications ? { replications: spec.replications } : {}) } } : { spec };
        const body = { ...candidate, baseline: o.baseline, thresholds: o.threshold, metrics: o.metric, cache: o.cache, wait: false };
        const created = await call<CheckJson>(o, 'POST', 'v1/checks', body, { 'idempotency-key': o.idempotencyKey ?? randomUUID() });
        if (o.watch && created.body.status === 'PENDING') await withDeadline(watchProgress(o.api, o.token, created.body.experimentId, `check ${created.body.id}`), o.timeout * 1000, created.body.id);
        const check = await waitForVerdict(o, created.body, o.timeout * 1000, !o.watch);
        if (o.format === 'junit' || o.format === 'markdown') {
          process.stdout.write((await call<string>(o, 'GET', `v1/checks/${check.id}?format=${o.format}`)).text);
        } else if (o.format === 'json') {
          process.stdout.write(`${JSON.stringify(check, null, 2)}\n`);
        } else {
          process.stdout.write(`${checkTable(check)}\n`);
        }
        exit(check.status === 'PASS' ? 0 : check.status === 'FAIL' ? 1 : 2);
      } catch (err) {
        if (!(err instanceof ServiceError) && !(err instanceof Error && 'code' in err)) throw err;
        process.stderr.write(`iopath check: ${err.message}\n`);
        exit(2);
      }
    });
}

async function withDeadline<T>(work: Promise<T>, ms: number, checkId: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ServiceError(`no verdict after ${ms / 1000} s; the check goes on: GET /v1/checks/${checkId}`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } catch (err) {
    throw err instanceof ServiceError ? err : new ServiceError((err as Error).message);
  } finally {
    clearTimeout(timer);
  }
}

async function waitForVerdict(o: ServiceOptions, check: CheckJson, timeoutMs: number, report: boolean): Promise<CheckJson> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (check.status === 'PENDING') {
    if (Date.now() > deadline) throw new ServiceError(`no verdict after ${timeoutMs / 1000} s; the check goes on: GET /v1/checks/${check.id}`);
    const { body: sweep } = await call<{ status: { counts: Record<string, number>; total: number; estimatedSecondsLeft: number | null } }>(o, 'GET', `v1/sweeps/${check.experimentId}`);
    const done = sweep.status.counts.SUCCEEDED + sweep.status.counts.FAILED + sweep.status.counts.CANCELLED;
    const line = `check ${check.id}: ${done}/${sweep.status.total} runs done${sweep.status.estimatedSecondsLeft ? `, ~${Math.ceil(sweep.status.estimatedSecondsLeft)} s left` : ''}`;
    if (report && line !== last) process.stderr.write(`${line}\n`);
    last = line;
    await new Promise((r) => setTimeout(r, 1000));
    check = (await call<CheckJson>(o, 'GET', `v1/checks/${check.id}`)).body;
  }
  return check;
}

function checkTable(check: CheckJson): string {
  const v = check.verdict!;
  const lines = [`${check.status} against baseline ${check.baseline.name} (check ${check.id})`];
  if (v.error) lines.push(`error: ${v.error}`);
  const table = new Table({ head: ['point', 'metric', 'baseline', 'candidate', 'change', 'p', 'verdict', 'limit'] });
  const num = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(4));
  for (const point of v.points) {
    const label = Object.entries(point.values).map(([k, val]) => `${k}=${typeof val === 'object' ? JSON.stringify(val) : String(val)}`).join(', ') || '–';
    for (const m of point.metrics) {
      table.push([
        label,
        m.name,
        `${num(m.baseline.mean)} ± ${num(m.baseline.halfWidth)}`,
        `${num(m.candidate.mean)} ± ${num(m.candidate.halfWidth)}`,
        m.relativeChange === null ? '–' : `${m.relativeChange >= 0 ? '+' : ''}${(100 * m.relativeChange).toFixed(2)}%`,
        m.pValue === null ? '–' : m.pValue.toPrecision(2),
        m.failed ? 'REGRESSED' : m.verdict,
        m.threshold?.maxRegressionPct === undefined ? '' : `${m.threshold.maxRegressionPct}%`,
      ]);
    }
  }
  if (v.points.length) lines.push(table.toString());
  for (const f of v.failures) lines.push(`✗ ${f}`);
  lines.push(v.test);
  return lines.join('\n');
}

export function addWatchCommand(program: Command, exit: (code: number) => void): void {
  program
    .command('watch')
    .description('follow an experiment or sweep live until its runs are done: exit 0 all succeeded, 1 some failed or were cancelled, 2 error')
    .argument('<experiment>', 'the experiment (or sweep) id the API returned')
    .requiredOption('--api <url>', 'the iopath API, e.g. http://127.0.0.1:3000')
    .option('--token <token>', 'API token')
    .action(async (id: string, o: ServiceOptions) => {
      try {
        const s = await watchProgress(o.api, o.token, id, `experiment ${id.slice(0, 8)}`);
        process.stdout.write(`${s.counts.SUCCEEDED} succeeded, ${s.counts.FAILED} failed, ${s.counts.CANCELLED} cancelled of ${s.total}\n`);
        exit(s.counts.SUCCEEDED === s.total ? 0 : 1);
      } catch (err) {
        process.stderr.write(`iopath watch: ${(err as Error).message}\n`);
        exit(2);
      }
    });
}

export function addBaselineCommand(program: Command, exit: (code: number) => void): void {
  const baseline = program.command('baseline').description('named baselines on an iopath service');
  baseline
    .command('set')
    .description('point a baseline at an experiment, or run a spec and point it at the result')
    .argument('<name>', 'the baseline, e.g. main')
    .argument('[file]', 'a spec (or sweep) to run first')
    .requiredOption('--api <url>', 'the iopath API')
    .option('--token <token>', 'API token')
    .option('--experiment <id>', 'an experiment that has finished')
    .option('--point <n>', "one point of a sweep", (v) => Number.parseInt(v, 10))
    .action(async (name: string, file: string | undefined, o: ServiceOptions & { experiment?: string; point?: number }) => {
      try {
        let experimentId = o.experiment;
        if (!experimentId === !file) throw new ServiceError('give a spec file or --experiment ID (one of them)');
        if (file) {
          const spec = readSpec(file) as Record<string, unknown>;
          const isSweep = spec && typeof spec === 'object' && 'axes' in spec;
          const { body } = await call<{ id: string }>(o, 'POST', isSweep ? 'v1/sweeps' : 'v1/experiments', isSweep ? spec : { spec });
          experimentId = body.id;
          for (;;) {
            const { body: s } = await call<{ status: { counts: Record<string, number>; total: number } }>(o, 'GET', `v1/sweeps/${experimentId}`);
            if (s.status.counts.FAILED || s.status.counts.CANCELLED) throw new ServiceError(`experiment ${experimentId} has failed runs; not a baseline`);
            if (s.status.counts.SUCCEEDED === s.status.total) break;
            await new Promise((r) => setTimeout(r, 1000));
          }
        }
        const { body } = await call<{ name: string; experimentId: string }>(o, 'PUT', `v1/baselines/${encodeURIComponent(name)}`, { experimentId, point: o.point });
        process.stdout.write(`baseline ${body.name} → experiment ${body.experimentId}\n`);
        exit(0);
      } catch (err) {
        if (!(err instanceof ServiceError)) throw err;
        process.stderr.write(`iopath baseline: ${err.message}\n`);
        exit(2);
      }
    });
}
