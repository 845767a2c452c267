import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import { QueryRuns, QuerySweep, type SweepStatus } from '#experiments';
import type { Run } from '#persistence';
import { ProjectId } from '../auth/caller.js';
import { RunEvents } from '../live/run-events.js';
import { runView } from '../views.js';
import { ExperimentStatus, RunModel } from './run.model.js';

/** Read the state again at least this often, even when no queue event arrives. */
const RECHECK_MS = 5_000;
/** Events closer together than this make one update: a sweep's runs finish by the hundred. */
const COALESCE_MS = 200;

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * Live progress over graphql-ws. Each subscription first sends the state as it is, then a new
 * state whenever a queue event says one of its runs moved, and completes when nothing is left to
 * run. The state always comes from Postgres; events only say when to read it.
 */
@Resolver()
export class LiveResolver {
  constructor(
    private readonly runs: QueryRuns,
    private readonly sweeps: QuerySweep,
    private readonly events: RunEvents,
  ) {}

  @Subscription(() => RunModel, { description: 'The run now and at every change of status or progress, until it finishes.', resolve: (run: RunModel) => run })
  async runUpdated(@ProjectId() projectId: string, @Args('id', { type: () => ID }) id: string): Promise<AsyncGenerator<RunModel>> {
    const first = await this.runs.run(projectId, id); // NOT_FOUND before the stream starts
    return this.follow(first, (runId) => runId === id, () => this.runs.run(projectId, id), runKey, (r) => FINISHED.has(r.status), runView);
  }

  @Subscription(() => ExperimentStatus, {
    description: "An experiment's (or sweep's) runs per status, progress and time left, now and as runs finish, until none is left to run.",
    resolve: (status: ExperimentStatus) => status,
  })
  async experimentProgress(@ProjectId() projectId: string, @Args('id', { type: () => ID }) id: string): Promise<AsyncGenerator<ExperimentStatus>> {
    const ids = new Set(await this.sweeps.runIds(projectId, id)); // NOT_FOUND before the stream starts
    const first = await this.sweeps.status(projectId, id);
    return this.follow(first, (runId) => ids.has(runId), () => this.sweeps.status(projectId, id), statusKey, (s) => s.counts.QUEUED + s.counts.RUNNING === 0, (s) => s);
  }

  /** Yields `first`, then each state that differs from the last, until `done`. */
  private async *follow<T, V>(
    first: T,
    matches: (runId: string) => boolean,
    read: () => Promise<T>,
    key: (state: T) => string,
    done: (state: T) => boolean,
    view: (state: T) => V,
  ): AsyncGenerator<V> {
    const watch = this.events.watch(matches);
    try {
      let state = first;
      yield view(state);
      while (!done(state)) {
        await watch.changed(RECHECK_MS);
        await new Promise((r) => setTimeout(r, COALESCE_MS));
        const next = await read();
        if (key(next) !== key(state)) yield view(next);
        state = next;
      }
    } finally {
      watch.close();
    }
  }
}

function runKey(r: Run): string {
  return `${r.status}|${r.progress}|${r.attempts}`;
}

function statusKey(s: SweepStatus): string {
  return `${JSON.stringify(s.counts)}|${s.progress.toFixed(3)}`;
}
