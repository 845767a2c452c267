import { Module, type DynamicModule } from '@nestjs/common';
import { QueueModule } from '#queue';
import { CancelRun } from './cancel-run/cancel-run.use-case.js';
import { QueryRuns } from './query-runs/query-runs.use-case.js';
import { ReconcileQueue } from './reconcile-queue/reconcile-queue.use-case.js';
import { RunQueue } from './run-queue.js';
import { RunStore } from './run-store.js';
import { RunSimulation } from './run-simulation/run-simulation.use-case.js';
import { SubmitExperiment } from './submit-experiment/submit-experiment.use-case.js';
import { SubmitSweep } from './submit-sweep/submit-sweep.use-case.js';
import { QuerySweep } from './query-sweep/query-sweep.use-case.js';
import { CompareRuns } from './compare-runs/compare-runs.use-case.js';
import { Baselines } from './baselines/baselines.use-case.js';
import { RunCheck } from './run-check/run-check.use-case.js';
import { DeliverWebhook } from './webhooks/deliver-webhook.use-case.js';
import { ExperimentCompletion } from './webhooks/experiment-completion.js';
import { WebhookEvents } from './webhooks/webhook-events.js';
import { Webhooks } from './webhooks/webhooks.use-case.js';

const useCases = [SubmitExperiment, SubmitSweep, QuerySweep, CompareRuns, Baselines, RunCheck, CancelRun, QueryRuns, RunSimulation, ReconcileQueue, Webhooks, DeliverWebhook];

/** The use-cases, shared by the API and the worker; `role` picks the queue connection's behaviour. */
@Module({})
export class ExperimentsModule {
  static register(role: 'producer' | 'worker'): DynamicModule {
    return {
      module: ExperimentsModule,
      imports: [QueueModule.register(role)],
      providers: [RunQueue, RunStore, WebhookEvents, ExperimentCompletion, ...useCases],
      exports: [QueueModule, RunQueue, ...useCases],
    };
  }
}
