import type { Experiment, ExperimentWithRuns, Run } from '#persistence';

/**
 * What a client sees of a run and an experiment — one shape for REST and GraphQL (whose object
 * types declare the same fields), so the two cannot drift.
 */
export type RunView = ReturnType<typeof runView>;
export type ExperimentView = ReturnType<typeof experimentView>;

export function runView(run: Run) {
  return {
    id: run.id,
    experimentId: run.experimentId,
    status: run.status,
    progress: run.progress,
    seed: Number(run.seed),
    point: run.point,
    pointValues: run.pointValues,
    replication: run.replication,
    attempts: run.attempts,
    workerId: run.workerId,
    errorCode: run.errorCode,
    error: run.error,
    modelVersion: run.modelVersion,
    /** Same key, same numbers (hash of the resolved spec, seed, replication and model version). */
    reproducibilityKey: run.reproKey,
    /** Set when the result was served from this earlier run's instead of simulated. */
    cachedFrom: run.cachedFromId,
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    spec: run.spec,
    /** The stored result, as EXPERIMENT-SPEC.md's Result: runId, spec, metrics, model. */
    result: run.result,
  };
}

export function experimentView(e: Experiment | ExperimentWithRuns) {
  return {
    id: e.id,
    name: e.name,
    tags: e.tags,
    spec: e.spec,
    /** A sweep's axes; null for a single experiment. */
    axes: e.axes,
    systemPath: e.systemPath,
    workloadKind: e.workloadKind,
    createdAt: e.createdAt,
    runs: 'runs' in e ? e.runs.map(runView) : [],
  };
}
