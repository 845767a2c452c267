export { PrismaService } from './prisma.service.js';
export { PersistenceModule } from './persistence.module.js';
export { ExperimentRepository, type ExperimentWithRuns, type NewExperiment, type NewRun, type CachedResult } from './experiment.repository.js';
export { RunRepository, RunStatus, type Run, type RunFilter, type ClaimedRun, type MetricCondition, type RunOrder, type RunCursor, type RunPage, type CancelOutcome, type ExperimentProgress, type PointMetric } from './run.repository.js';
export type { Experiment } from './generated/prisma/client.js';
export { migrate, migrationsDir, type MigrationReport } from './migrate.js';
export { CiRepository, IdempotencyRepository, CheckStatus, type Baseline, type Check, type IdempotencyClaim } from './ci.repository.js';
export { ProjectRepository, hashToken, type Project, type ApiToken, type Scope } from './project.repository.js';
export { SigningKeyRepository } from './signing-key.repository.js';
