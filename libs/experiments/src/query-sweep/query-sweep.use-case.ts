import { Injectable } from '@nestjs/common';
import { ExperimentRepository, RunRepository, type ExperimentProgress } from '#persistence';
import { confidenceInterval, type ConfidenceInterval } from '#sim';
import { assertId, notFound } from '../errors.js';

export const DEFAULT_TABLE_METRICS = ['throughputOpsPerSec', 'latencyUs.all.mean', 'latencyUs.all.p99'];

export interface SweepStatus extends ExperimentProgress {
  /** 0–1 over every run of the experiment. */
  progress: number;
  /** From the mean time of the runs done so far and the runs in flight; null until one is done. */
  estimatedSecondsLeft: number | null;
}

export interface SweepRow {
  point: number;
  values: Record<string, unknown>;
  metrics: ({ name: string } & ConfidenceInterval)[];
}

/** A sweep's (or any experiment's) progress, and its results as one row per point. */
@Injectable()
export class QuerySweep {
  constructor(
    private readonly runs: RunRepository,
    private readonly experiments: ExperimentRepository,
  ) {}

  private async owned(projectId: string, experimentId: string): Promise<void> {
    assertId(experimentId, 'experiment');
    if (!(await this.experiments.exists(experimentId, projectId))) throw notFound('experiment', experimentId);
  }

  async status(projectId: string, experimentId: string): Promise<SweepStatus> {
    await this.owned(projectId, experimentId);
    const p = await this.runs.progressOf(experimentId);
    const remaining = p.total - p.done;
    const inFlight = Math.max(1, p.counts.RUNNING);
    return {
      ...p,
      progress: p.total ? p.done / p.total : 0,
      estimatedSecondsLeft: p.meanRunMs === null ? null : remaining === 0 ? 0 : Math.round((remaining * p.meanRunMs) / inFlight / 100) / 10,
    };
  }

  /** The ids of the experiment's runs (NOT_FOUND unless the project's): what a live subscriber listens for. */
  async runIds(projectId: string, experimentId: string): Promise<string[]> {
    await this.owned(projectId, experimentId);
    return this.runs.idsOf(experimentId);
  }

  /** Replications aggregated per point: mean, standard deviation and 95% CI (Student t) of each metric. */
  async table(projectId: string, experimentId: string, metrics: readonly string[] = DEFAULT_TABLE_METRICS): Promise<SweepRow[]> {
    await this.owned(projectId, experimentId);
    const rows = new Map<number, SweepRow>();
    for (const m of await this.runs.pointMetrics(experimentId, metrics)) {
      const row = rows.get(m.point) ?? { point: m.point, values: (m.pointValues ?? {}) as Record<string, unknown>, metrics: [] };
      row.metrics.push({ name: m.name, ...confidenceInterval(m.values) });
      rows.set(m.point, row);
    }
    return [...rows.values()];
  }
}
