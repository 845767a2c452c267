import { Injectable } from '@nestjs/common';
import { RunRepository, RunStatus, type Run } from '#persistence';
import { AppError, assertId, badInput, notFound } from '../errors.js';
import { DEFAULT_TABLE_METRICS } from '../query-sweep/query-sweep.use-case.js';
import { compareMetric, TEST_NAME, type MetricComparison } from './compare-metric.js';
import { Baselines } from '../baselines/baselines.use-case.js';

/** What to compare: one run, or the replications of an experiment (at one point of a sweep). */
export type RunSelector = { runId: string } | { experimentId: string; point?: number } | { baseline: string; point?: number };

export interface Comparison {
  test: string;
  baseline: { runIds: string[] };
  candidate: { runIds: string[] };
  metrics: MetricComparison[];
}

/** Compares two selections of runs metric by metric, telling a change from noise. */
@Injectable()
export class CompareRuns {
  constructor(
    private readonly runs: RunRepository,
    private readonly baselines: Baselines,
  ) {}

  async execute(projectId: string, baseline: RunSelector, candidate: RunSelector, metrics: readonly string[] = DEFAULT_TABLE_METRICS): Promise<Comparison> {
    if (metrics.length === 0 || metrics.length > 50) throw badInput([{ path: 'metrics', message: 'give between 1 and 50 metric names' }]);
    const [b, c] = await Promise.all([this.select(projectId, baseline, 'baseline'), this.select(projectId, candidate, 'candidate')]);
    const rows = await this.runs.metricRows([...b, ...c].map((r) => r.id), metrics);
    const values = (runs: Run[], name: string) => {
      const ids = new Set(runs.map((r) => r.id));
      return rows.filter((r) => r.name === name && ids.has(r.runId)).map((r) => r.value);
    };
    const problems = [];
    const out: MetricComparison[] = [];
    for (const name of metrics) {
      const [bv, cv] = [values(b, name), values(c, name)];
      if (bv.length === 0 || cv.length === 0) {
        problems.push({ path: 'metrics', message: `${name} is not stored for the ${bv.length === 0 ? 'baseline' : 'candidate'} (names as in latencyUs.get.p99; GET /v1/runs/:id shows a run's result)` });
        continue;
      }
      out.push(compareMetric(name, bv, cv));
    }
    if (problems.length) throw badInput(problems);
    return { test: TEST_NAME, baseline: { runIds: b.map((r) => r.id) }, candidate: { runIds: c.map((r) => r.id) }, metrics: out };
  }

  private async select(projectId: string, selector: RunSelector, side: 'baseline' | 'candidate'): Promise<Run[]> {
    if ('baseline' in selector) {
      const b = await this.baselines.get(projectId, selector.baseline);
      return this.select(projectId, { experimentId: b.experimentId, point: selector.point ?? b.point ?? undefined }, side);
    }
    let runs: Run[];
    if ('runId' in selector) {
      assertId(selector.runId, 'run');
      const run = await this.runs.findInProject(selector.runId, projectId);
      if (!run) throw notFound('run', selector.runId);
      runs = [run];
    } else {
      assertId(selector.experimentId, 'experiment');
      runs = await this.runs.findByExperiment(selector.experimentId, projectId, selector.point);
      if (runs.length === 0 && selector.point === undefined) throw notFound('experiment', selector.experimentId);
      if (runs.length === 0) throw badInput([{ path: `${side}.point`, message: `experiment ${selector.experimentId} has no point ${selector.point}` }]);
      const points = new Set(runs.map((r) => r.point));
      if (points.size > 1) {
        throw badInput([{ path: `${side}.point`, message: `experiment ${selector.experimentId} is a sweep of ${points.size} points; say which point to compare` }]);
      }
    }
    const unfinished = runs.filter((r) => r.status !== RunStatus.SUCCEEDED);
    if (unfinished.length) {
      throw new AppError('CONFLICT', `the ${side} has ${unfinished.length} run(s) not SUCCEEDED (e.g. ${unfinished[0].id} is ${unfinished[0].status}); compare once they have succeeded`);
    }
    return runs;
  }
}
