import { Environment, PS_PER_NS, PS_PER_US, type Time } from './engine/environment.js';
import { CancelledError } from './errors.js';
import { estimateWork, DEFAULT_MAX_EVENTS, type WorkEstimate } from './budget.js';
import { MetricsCollector, type Breakdown } from './model/collector.js';
import { buildPath } from './model/paths/index.js';
import { LoadGenerator, ServerModel } from './model/server.js';
import { translation, type Translation } from './model/translation.js';
import { crossingsPerEvent, type Crossings, type RequestPath, type StageEvent } from './model/stage.js';
import { findBottleneck, measureUtilization, type Bottleneck, type Utilization } from './model/utilization.js';
import { operationMix, requestShape, type Operation } from './model/workload.js';
import { StreamFactory } from './random/streams.js';
import { resolveSpec, type ResolvedSpec } from './spec/resolve.js';
import { confidenceInterval, type ConfidenceInterval } from './stats/confidence.js';
import type { LatencySummary } from './stats/latency-histogram.js';
import { round3 } from './stats/latency-histogram.js';
import { MODEL_VERSION, reproducibilityKey } from './version.js';

export interface Metrics {
  throughputOpsPerSec: number;
  latencyUs: Record<string, LatencySummary>;
  breakdown: Record<string, Breakdown>;
  crossings: Crossings;
  /** Extension: mean crossings of one interrupt and of one system call on this path. */
  crossingsPerEvent: Record<StageEvent, number>;
  /** Address translation: TLB miss rate and page-walk references per miss (mean and worst case). */
  tlb: Omit<Translation, 'missesPerRequest'>;
  utilization: Utilization;
  bottleneck: Bottleneck;
  /** Extension: core time the host spent per request (all cores, busy or spinning). */
  hostCpuNsPerRequest: number;
  /** Extension: requests measured and simulated time measured. */
  requests: number;
  measuredUs: number;
  eventsProcessed: number;
  wallMs: number;
}

export interface SimulationResult {
  spec: ResolvedSpec;
  /** Where replications > 1: pooled latency and breakdown, mean throughput and utilization. */
  metrics: Metrics;
  replications?: Metrics[];
  /** 95% confidence intervals of the headline metrics across replications (replications > 1). */
  confidence95?: Record<string, ConfidenceInterval>;
  model: { version: string };
  /** Same key, same numbers: a hash of the resolved spec, seed, replication(s) and model version. */
  reproducibilityKey: string;
}

export interface SimulateOptions {
  /** Overrides the spec's seed. */
  seed?: number;
  /** Called with the fraction done, at most every 1% and every 100 ms of wall time, and with 1 at the end. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Refuse specs whose estimated work exceeds this many events (default 200 M). */
  maxEvents?: number;
  /**
   * Run only this replication of the spec's seed (0-based, below `spec.replications`). The service
   * stores one run per replication, so each worker job simulates one of them; pooling the
   * replications of `simulate(spec)` and running them one by one give the same per-replication metrics.
   */
  replication?: number;
}

/** Events between checks of the clock, the abort signal and progress. */
const CHUNK_EVENTS = 100_000;

/**
 * Runs an experiment: `spec` as in EXPERIMENT-SPEC.md (defaults filled in), one simulation per
 * replication with its own random streams, and the result as in the spec's Result section.
 * Yields to the event loop between chunks, so an AbortSignal can stop it promptly.
 */
export async function simulate(input: unknown, options: SimulateOptions = {}): Promise<SimulationResult> {
  const only = options.replication;
  const { spec, paths } = prepare(input, options);
  if (only !== undefined && !(Number.isInteger(only) && only >= 0 && only < spec.replications)) {
    throw new RangeError(`replication must be an integer in [0, ${spec.replications}) for this spec (got ${only})`);
  }
  const replications = only === undefined ? [...Array(spec.replications).keys()] : [only];

  const progress = new ProgressReporter(options.onProgress);
  const pooled = new MetricsCollector();
  const runs: Metrics[] = [];
  for (const [i, r] of replications.entries()) {
    runs.push(
      await runReplication(spec, paths, r, pooled, options.signal, (f) => progress.report((i + f) / replications.length)),
    );
  }
  progress.finish();

  const result: SimulationResult = { spec, metrics: runs[0], model: { version: MODEL_VERSION }, // One replication is keyed as the service keys a run, so the CLI and the service agree.
    reproducibilityKey: reproducibilityKey(spec, only ?? (spec.replications === 1 ? 0 : undefined)),
  };
  if (runs.length > 1) {
    result.metrics = poolReplications(runs, pooled);
    result.replications = runs;
    result.confidence95 = headlineIntervals(runs);
  }
  return result;
}

/**
 * Refuses, without simulating, everything simulate() would refuse: spec problems (InvalidSpecError),
 * NIC programs the hardware or the workload cannot run (InvalidSpecError too) and work over the
 * budget (BudgetExceededError). The
 * service calls it before storing anything. Returns the resolved spec and the work estimate.
 */
export function checkSpec(input: unknown, options: Pick<SimulateOptions, 'seed' | 'maxEvents' | 'replication'> = {}): { spec: ResolvedSpec; estimate: WorkEstimate } {
  const { spec, estimate } = prepare(input, options);
  return { spec, estimate };
}

function prepare(input: unknown, options: Pick<SimulateOptions, 'seed' | 'maxEvents' | 'replication'>) {
  const spec = resolveSpec(input);
  if (options.seed !== undefined) spec.seed = options.seed;
  const paths = buildPaths(spec);
  // One replication on its own costs a replication's share of the budget.
  const counted = options.replication === undefined ? spec : { ...spec, replications: 1 };
  const estimate = estimateWork(counted, paths, options.maxEvents ?? DEFAULT_MAX_EVENTS);
  return { spec, paths, estimate };
}

function tlbMetrics(spec: ResolvedSpec): Metrics['tlb'] {
  const { missRate, walkRefsPerMiss, walkRefsWorstCase } = translation(spec);
  return { missRate, walkRefsPerMiss, walkRefsWorstCase };
}

export function buildPaths(spec: ResolvedSpec): Partial<Record<Operation, RequestPath>> {
  const paths: Partial<Record<Operation, RequestPath>> = {};
  for (const [op, share] of operationMix(spec)) if (share > 0) paths[op] = buildPath(spec, requestShape(spec, op));
  return paths;
}

async function runReplication(
  spec: ResolvedSpec,
  paths: Partial<Record<Operation, RequestPath>>,
  replication: number,
  pooled: MetricsCollector,
  signal: AbortSignal | undefined,
  onFraction: (f: number) => void,
): Promise<Metrics> {
  const started = performance.now();
  const env = new Environment();
  const streams = new StreamFactory(spec.seed, replication);
  const server = new ServerModel({ spec, paths, streams, env }, spec.duration.requests);
  server.pooled = pooled;
  const load = new LoadGenerator(server, streams);

  const warmupEnd: Time = Math.round(spec.duration.warmupUs * PS_PER_US);
  const limitedByCount = spec.duration.requests !== null;
  const end: Time = limitedByCount ? Infinity : warmupEnd + Math.round(spec.duration.measureUs * PS_PER_US);
  let done = false;
  server.onRequestLimit = () => {
    done = true;
    env.stop();
  };

  load.start();
  // Warm-up: run, then restart every statistic.
  await runChunks(env, warmupEnd, signal, () => onFraction(0));
  server.resetStats();
  server.measuring = true;
  await runChunks(env, end, signal, () => {
    const f = limitedByCount ? server.measuredCompletions / spec.duration.requests! : (env.now - warmupEnd) / (end - warmupEnd);
    onFraction(Math.min(1, f));
    return done;
  });

  const measuredPs = env.now - warmupEnd;
  const utilization = measureUtilization(server);
  return {
    throughputOpsPerSec: round3(measuredPs > 0 ? (server.measuredCompletions * 1e12) / measuredPs : 0),
    latencyUs: server.metrics.latencyUs(),
    breakdown: server.metrics.breakdown(),
    crossings: server.metrics.crossings(),
    tlb: tlbMetrics(spec),
    crossingsPerEvent: crossingsPerEvent(operationMix(spec).flatMap(([op, share]) => (paths[op] ? [{ path: paths[op], share }] : []))),
    utilization,
    bottleneck: findBottleneck(utilization),
    hostCpuNsPerRequest: round3(server.measuredCompletions > 0 ? server.cores.reduce((a, c) => a + c.utilization(), 0) * (measuredPs / PS_PER_NS) / server.measuredCompletions : 0),
    requests: server.measuredCompletions,
    measuredUs: round3(measuredPs / PS_PER_US),
    eventsProcessed: env.eventsProcessed,
    wallMs: round3(performance.now() - started),
  };
}

async function runChunks(env: Environment, until: Time, signal: AbortSignal | undefined, tick: () => boolean | void): Promise<void> {
  for (;;) {
    if (signal?.aborted) throw new CancelledError(until === Infinity ? 0 : env.now / until);
    const n = env.run({ until, maxEvents: CHUNK_EVENTS });
    if (tick() === true) return;
    if (n < CHUNK_EVENTS) return; // reached `until`, ran dry, or was stopped
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function poolReplications(runs: Metrics[], pooled: MetricsCollector): Metrics {
  const mean = (f: (m: Metrics) => number) => round3(runs.reduce((a, m) => a + f(m), 0) / runs.length);
  const first = runs[0];
  const utilization: Utilization = {
    cores: first.utilization.cores.map((_, i) => mean((m) => m.utilization.cores[i])),
    nic: mean((m) => m.utilization.nic),
    pcie: mean((m) => m.utilization.pcie),
    storage: mean((m) => m.utilization.storage),
    threads: mean((m) => m.utilization.threads),
    lockSpin: mean((m) => m.utilization.lockSpin),
  };
  return {
    throughputOpsPerSec: mean((m) => m.throughputOpsPerSec),
    latencyUs: pooled.latencyUs(),
    breakdown: pooled.breakdown(),
    crossings: pooled.crossings(),
    crossingsPerEvent: first.crossingsPerEvent,
    tlb: first.tlb,
    utilization,
    bottleneck: mostCommon(runs.map((m) => m.bottleneck)),
    hostCpuNsPerRequest: mean((m) => m.hostCpuNsPerRequest),
    requests: runs.reduce((a, m) => a + m.requests, 0),
    measuredUs: runs.reduce((a, m) => a + m.measuredUs, 0),
    eventsProcessed: runs.reduce((a, m) => a + m.eventsProcessed, 0),
    wallMs: round3(runs.reduce((a, m) => a + m.wallMs, 0)),
  };
}

/** The metrics a comparison usually looks at, each with its 95% CI across replications. */
function headlineIntervals(runs: Metrics[]): Record<string, ConfidenceInterval> {
  const out: Record<string, ConfidenceInterval> = {
    throughputOpsPerSec: confidenceInterval(runs.map((m) => m.throughputOpsPerSec)),
  };
  for (const op of Object.keys(runs[0].latencyUs)) {
    for (const q of ['mean', 'p50', 'p99', 'p999'] as const) {
      out[`latencyUs.${op}.${q}`] = confidenceInterval(runs.map((m) => m.latencyUs[op]?.[q] ?? 0));
    }
  }
  return out;
}

function mostCommon<T>(xs: T[]): T {
  const counts = new Map<T, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

class ProgressReporter {
  private last = -1;
  private lastAt = 0;
  constructor(private readonly sink?: (fraction: number) => void) {}
  report(fraction: number): void {
    if (!this.sink) return;
    const now = performance.now();
    if (fraction - this.last < 0.01 && now - this.lastAt < 100) return;
    if (fraction <= this.last) return;
    this.last = fraction;
    this.lastAt = now;
    this.sink(Math.min(fraction, 0.999));
  }
  finish(): void {
    this.sink?.(1);
  }
}
