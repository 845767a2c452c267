import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config';
import { ExperimentRepository, type ExperimentWithRuns } from '#persistence';
import { checkSpec, SimError } from '#sim';
import { specRefused } from '../errors.js';
import { RunQueue } from '../run-queue.js';
import { parseSubmitInput } from './submit-experiment.input.js';

/**
 * Validates an experiment, stores it with one QUEUED run per replication, then enqueues the runs.
 *
 * Order matters for "nothing lost": Redis is checked first (down → 503, nothing stored); the rows
 * are committed before the jobs are added; if adding fails after the commit, the runs stay QUEUED
 * and the worker's reconciler enqueues them.
 */
@Injectable()
export class SubmitExperiment {
  private readonly logger = new Logger(SubmitExperiment.name);

  constructor(
    private readonly experiments: ExperimentRepository,
    private readonly queue: RunQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(input: unknown): Promise<ExperimentWithRuns> {
    const { name, tags, spec: submitted } = parseSubmitInput(input);
    let spec;
    try {
      // Each run simulates one replication, so the budget applies per replication.
      spec = checkSpec(submitted, { maxEvents: this.config.MAX_EVENTS_PER_RUN, replication: 0 }).spec;
    } catch (err) {
      if (err instanceof SimError) throw specRefused(err);
      throw err;
    }
    await this.queue.assertAvailable();

    const experiment = await this.experiments.create({
      name: name ?? spec.name,
      tags,
      spec: submitted,
      systemPath: spec.system.path,
      workloadKind: spec.workload.kind,
      runs: Array.from({ length: spec.replications }, (_, replication) => ({ spec, seed: spec.seed, replication })),
    });
    try {
      await this.queue.enqueue(experiment.runs.map((r) => r.id));
    } catch (err) {
      this.logger.warn(`experiment ${experiment.id} stored but not enqueued (${(err as Error).message}); the reconciler will enqueue it`);
    }
    return experiment;
  }
}
