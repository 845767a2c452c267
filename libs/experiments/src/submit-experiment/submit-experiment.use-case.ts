import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config';
import type { ExperimentWithRuns } from '#persistence';
import { checkSpec, reproducibilityKey, SimError } from '#sim';
import { specRefused } from '../errors.js';
import { RunStore } from '../run-store.js';
import { parseSubmitInput } from './submit-experiment.input.js';

/** Validates an experiment and stores it with one run per replication (see RunStore for the order). */
@Injectable()
export class SubmitExperiment {
  constructor(
    private readonly store: RunStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(projectId: string, input: unknown): Promise<ExperimentWithRuns> {
    const { name, tags, spec: submitted, cache } = parseSubmitInput(input);
    let spec;
    try {
      // Each run simulates one replication, so the budget applies per replication.
      spec = checkSpec(submitted, { maxEvents: this.config.MAX_EVENTS_PER_RUN, replication: 0 }).spec;
    } catch (err) {
      if (err instanceof SimError) throw specRefused(err);
      throw err;
    }
    return this.store.store(
      { projectId, name: name ?? spec.name, tags, spec: submitted, systemPath: spec.system.path, workloadKind: spec.workload.kind },
      Array.from({ length: spec.replications }, (_, replication) => ({ spec, seed: spec.seed, replication, reproKey: reproducibilityKey(spec, replication) })),
      cache,
    );
  }
}
