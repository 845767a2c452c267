import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config';
import { RunRepository, type ClaimedRun } from '#persistence';
import { RunCheck } from '../run-check/run-check.use-case.js';
import { ExperimentCompletion } from '../webhooks/experiment-completion.js';
import { WebhookEvents } from '../webhooks/webhook-events.js';
import { CancelledError, flattenMetrics, SimError, simulate } from '#sim';

export interface RunContext {
  /** Which attempt this is counts from the job; on the last one a failure is final. */
  finalAttempt: boolean;
  /** Progress through the job (BullMQ), beside the Run row. */
  onProgress?: (fraction: number) => Promise<void>;
}

export type RunOutcome = 'succeeded' | 'cancelled' | 'failed' | 'skipped';

/**
 * Progress is for people watching a run, and each write costs a Postgres and a Redis round trip:
 * a run writes it at most this often, and a run shorter than this never does (a sweep of 1 ms runs
 * spent half its round trips on progress nobody could see).
 */
const PROGRESS_EVERY_MS = 250;

/** Thrown for a failure retrying cannot fix (the spec is refused): the worker does not retry it. */
export class PermanentRunError extends Error {}

/**
 * Runs one replication of an experiment: claims the run, simulates it with libs/sim, and writes
 * the result with its metrics. Safe to run twice for one run (a retried job after a worker
 * crash): a finished run is skipped, and the write replaces rather than adds.
 */
@Injectable()
export class RunSimulation {
  private readonly logger = new Logger(RunSimulation.name);

  constructor(
    private readonly runs: RunRepository,
    private readonly completion: ExperimentCompletion,
    private readonly checks: RunCheck,
    private readonly events: WebhookEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The outcome, and the run's experiment (for the worker's log lines) when the run was there to claim. */
  async execute(runId: string, ctx: RunContext): Promise<{ outcome: RunOutcome; experimentId?: string }> {
    const run = await this.runs.claim(runId, this.config.WORKER_ID);
    if (!run) return { outcome: 'skipped' }; // finished, cancelled or deleted meanwhile
    const { outcome, othersQueued } = await this.simulate(runId, run, ctx);
    await this.finished(runId, run, outcome === 'succeeded' ? 'SUCCEEDED' : 'CANCELLED', !othersQueued);
    return { outcome, experimentId: run.experimentId };
  }

  /**
   * After a run's last word (succeeded, cancelled, failed for good): its webhooks, and if it was
   * the experiment's last run, the experiment's and its waiting checks'.
   */
  private async finished(runId: string, run: ClaimedRun, status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED', maybeLast = true): Promise<void> {
    await this.events.emit(run.projectId, 'run.completed', { runId, experimentId: run.experimentId, status });
    // A run with others still QUEUED is not the last (they settle it), which spares a sweep a
    // round trip per run; a race among the last few is left to the reconciler's settle.
    if (maybeLast && (await this.completion.settle(run.experimentId))) await this.checks.evaluatePending(run.projectId, run.experimentId);
  }

  private async simulate(runId: string, run: ClaimedRun, ctx: RunContext): Promise<{ outcome: 'succeeded' | 'cancelled'; othersQueued: boolean }> {
    const abort = new AbortController();
    const progress = new ProgressWriter(PROGRESS_EVERY_MS, async (f) => {
      const stillRunning = await this.runs.reportProgress(runId, f);
      if (!stillRunning) abort.abort();
      await ctx.onProgress?.(f);
    });
    // Wall-clock limit per run: stop the simulation and fail the run with the limit named.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.config.RUN_TIMEOUT_MS);
    try {
      const result = await simulate(run.spec, {
        seed: Number(run.seed),
        replication: run.replication,
        signal: abort.signal,
        maxEvents: this.config.MAX_EVENTS_PER_RUN,
        // The end (1) is written with the result; only progress on the way is worth a write.
        onProgress: (f) => {
          if (f < 1) progress.offer(f);
        },
      });
      await progress.settle();
      const { stored, othersQueued } = await this.runs.succeed(runId, { runId, ...result }, flattenMetrics(result.metrics), result.model.version);
      return { outcome: stored ? 'succeeded' : 'cancelled', othersQueued };
    } catch (err) {
      await progress.settle();
      if (err instanceof CancelledError && timedOut) {
        const message = `stopped after ${this.config.RUN_TIMEOUT_MS / 1000} s of wall time (RUN_TIMEOUT_MS=${this.config.RUN_TIMEOUT_MS}); shorten duration.measureUs or raise the limit`;
        await this.runs.fail(runId, 'TIMEOUT', message, true);
        await this.finished(runId, run, 'FAILED');
        throw new PermanentRunError(message);
      }
      if (err instanceof CancelledError) return { outcome: 'cancelled', othersQueued: false };
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof SimError || err instanceof RangeError) {
        await this.runs.fail(runId, err instanceof SimError ? err.code : 'INVALID_RUN', message, true);
        await this.finished(runId, run, 'FAILED');
        throw new PermanentRunError(message);
      }
      this.logger.error({ runId, experimentId: run.experimentId, attempt: run.attempts, err }, `run ${runId} attempt ${run.attempts} failed: ${message}`);
      await this.runs.fail(
        runId,
        'INTERNAL',
        ctx.finalAttempt ? `failed after ${run.attempts} attempt(s): ${message}` : `attempt ${run.attempts} failed, retrying: ${message}`,
        ctx.finalAttempt,
      );
      if (ctx.finalAttempt) await this.finished(runId, run, 'FAILED');
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Writes progress at most every `everyMs` (the first after `everyMs`), one write at a time: a
 * fraction offered while a write is in flight or too soon waits for the next offer after it.
 * simulate() calls back synchronously, so this is where its callbacks become awaited writes.
 */
class ProgressWriter {
  private inFlight: Promise<void> | undefined;
  private pending: number | undefined;
  private lastWriteAt = performance.now();

  constructor(
    private readonly everyMs: number,
    private readonly write: (fraction: number) => Promise<void>,
  ) {}

  offer(fraction: number): void {
    this.pending = fraction;
    if (this.inFlight || performance.now() - this.lastWriteAt < this.everyMs) return;
    this.lastWriteAt = performance.now();
    this.inFlight = this.drain();
  }

  async settle(): Promise<void> {
    await this.inFlight;
  }

  private async drain(): Promise<void> {
    const f = this.pending!;
    this.pending = undefined;
    try {
      await this.write(f).catch(() => undefined); // progress is advisory; the result write is not
    } finally {
      this.inFlight = undefined;
    }
  }
}
