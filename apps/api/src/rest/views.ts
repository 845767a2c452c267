import type { ExperimentWithRuns, Run } from '#persistence';

/** The JSON shape of a run over REST: the Run row, with the stored result as EXPERIMENT-SPEC.md's Result. */
export function runView(run: Run) {
  return {
    id: run.id,
    experimentId: run.experimentId,
    status: run.status,
    progress: run.progress,
    seed: Number(run.seed),
    replication: run.replication,
    attempts: run.attempts,
    workerId: run.workerId,
    error: run.error === null ? null : { code: run.errorCode, message: run.error },
    modelVersion: run.modelVersion,
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    spec: run.spec,
    result: run.result,
  };
}

export function experimentView(e: ExperimentWithRuns) {
  return {
    id: e.id,
    name: e.name,
    tags: e.tags,
    spec: e.spec,
    systemPath: e.systemPath,
    workloadKind: e.workloadKind,
    createdAt: e.createdAt,
    runs: e.runs.map(runView),
  };
}
