import type { Experiment, ExperimentWithRuns, Run } from '#persistence';
import type { ExperimentModel, RunMetrics, RunModel } from './run.model.js';

export function toRunModel(run: Run): RunModel {
  const result = run.result as { metrics?: RunMetrics } | null;
  return {
    id: run.id,
    experimentId: run.experimentId,
    status: run.status,
    progress: run.progress,
    seed: Number(run.seed),
    replication: run.replication,
    attempts: run.attempts,
    workerId: run.workerId ?? undefined,
    error: run.error ?? undefined,
    errorCode: run.errorCode ?? undefined,
    modelVersion: run.modelVersion ?? undefined,
    queuedAt: run.queuedAt,
    startedAt: run.startedAt ?? undefined,
    finishedAt: run.finishedAt ?? undefined,
    spec: run.spec,
    metrics: result?.metrics,
    result: run.result ?? undefined,
  };
}

export function toExperimentModel(e: Experiment | ExperimentWithRuns): ExperimentModel {
  return {
    id: e.id,
    name: e.name,
    tags: e.tags,
    spec: e.spec,
    systemPath: e.systemPath,
    workloadKind: e.workloadKind,
    createdAt: e.createdAt,
    runs: 'runs' in e ? e.runs.map(toRunModel) : [],
  };
}
