export { ExperimentsModule } from './experiments.module.js';
export { SubmitExperiment } from './submit-experiment/submit-experiment.use-case.js';
export { CancelRun } from './cancel-run/cancel-run.use-case.js';
export { QueryRuns, encodeCursor, MAX_PAGE, DEFAULT_PAGE, type RunsQuery } from './query-runs/query-runs.use-case.js';
export { RunSimulation, PermanentRunError, type RunContext, type RunOutcome } from './run-simulation/run-simulation.use-case.js';
export { ReconcileQueue } from './reconcile-queue/reconcile-queue.use-case.js';
export { AppError, badInput, describeError, type AppErrorCode, type ErrorBody } from './errors.js';
export { RunQueue } from './run-queue.js';
