import { Injectable, Logger } from '@nestjs/common';
import { ExperimentRepository, RunRepository, type ExperimentWithRuns, type NewExperiment, type NewRun } from '#persistence';
import { RunQueue } from './run-queue.js';
import { ExperimentCompletion } from './webhooks/experiment-completion.js';

/** Jobs per addBulk call when a sweep enqueues thousands of runs. */
const ENQUEUE_BATCH = 1000;

/**
 * Stores an experiment's runs and queues the ones to simulate; shared by experiments and sweeps.
 *
 * Runs whose reproducibility key already has a stored result are stored SUCCEEDED with a copy of
 * it (and linked to it) unless the caller asked for `cache: false`. Order matters for "nothing
 * lost": Redis is checked first when anything must be queued (down → 503, nothing stored); the
 * rows are committed before the jobs are added; if adding fails after the commit, the runs stay
 * QUEUED and the worker's reconciler enqueues them.
 */
@Injectable()
export class RunStore {
  private readonly logger = new Logger(RunStore.name);

  constructor(
    private readonly experiments: ExperimentRepository,
    private readonly runs: RunRepository,
    private readonly queue: RunQueue,
    private readonly completion: ExperimentCompletion,
  ) {}

  async store(experiment: Omit<NewExperiment, 'runs'>, runs: Omit<NewRun, 'cachedFrom'>[], useCache: boolean): Promise<ExperimentWithRuns> {
    const cached = useCache ? await this.runs.findCached(runs.map((r) => r.reproKey), experiment.projectId) : new Map();
    const toStore: NewRun[] = runs.map((r) => ({ ...r, cachedFrom: cached.get(r.reproKey) }));
    if (toStore.some((r) => !r.cachedFrom)) await this.queue.assertAvailable();

    const stored = await this.experiments.create({ ...experiment, runs: toStore });
    const queued = stored.runs.filter((r) => r.cachedFromId === null).map((r) => r.id);
    // Served whole from the cache: complete already, and no worker will say so.
    if (queued.length === 0) await this.completion.settle(stored.id);
    try {
      for (let i = 0; i < queued.length; i += ENQUEUE_BATCH) await this.queue.enqueue(queued.slice(i, i + ENQUEUE_BATCH));
    } catch (err) {
      this.logger.warn({ experimentId: stored.id }, `experiment ${stored.id} stored but not all enqueued (${(err as Error).message}); the reconciler will enqueue the rest`);
    }
    return stored;
  }
}
