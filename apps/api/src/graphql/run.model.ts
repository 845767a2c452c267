import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON, GraphQLSafeInt } from 'graphql-scalars';
import { RunStatus } from '#persistence';
import type { ExperimentView, RunView } from '../views.js';

registerEnumType(RunStatus, { name: 'RunStatus', description: 'QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED' });

@ObjectType({ description: 'Latency of one operation kind in microseconds (HDR histogram, 3 significant digits).' })
export class LatencySummary {
  @Field(() => Float) mean!: number;
  @Field(() => Float) p50!: number;
  @Field(() => Float) p90!: number;
  @Field(() => Float) p99!: number;
  @Field(() => Float) p999!: number;
  @Field(() => Float) max!: number;
}

@ObjectType({ description: 'Per operation kind: KV get/set, web hit/miss (page cache), analytics tuple, and all requests.' })
export class LatencyByOperation {
  @Field(() => LatencySummary) all!: LatencySummary;
  @Field(() => LatencySummary, { nullable: true }) get?: LatencySummary;
  @Field(() => LatencySummary, { nullable: true }) set?: LatencySummary;
  @Field(() => LatencySummary, { nullable: true }) hit?: LatencySummary;
  @Field(() => LatencySummary, { nullable: true }) miss?: LatencySummary;
  @Field(() => LatencySummary, { nullable: true }) tuple?: LatencySummary;
}

@ObjectType({ description: 'Mean time per request by domain, in ns and % of the service time.' })
export class Breakdown {
  @Field(() => Float) hardwareNs!: number;
  @Field(() => Float) kernelNs!: number;
  @Field(() => Float) libioNs!: number;
  @Field(() => Float) appNs!: number;
  @Field(() => Float) hardwarePct!: number;
  @Field(() => Float) kernelPct!: number;
  @Field(() => Float) libioPct!: number;
  @Field(() => Float) appPct!: number;
  @Field(() => Float, { description: 'Mean wait for a busy core, thread, link, lock or device.' }) queueNs!: number;
}

@ObjectType()
export class BreakdownByOperation {
  @Field(() => Breakdown) all!: Breakdown;
  @Field(() => Breakdown, { nullable: true }) get?: Breakdown;
  @Field(() => Breakdown, { nullable: true }) set?: Breakdown;
  @Field(() => Breakdown, { nullable: true }) hit?: Breakdown;
  @Field(() => Breakdown, { nullable: true }) miss?: Breakdown;
  @Field(() => Breakdown, { nullable: true }) tuple?: Breakdown;
}

@ObjectType({ description: 'Mean crossings per request.' })
export class Crossings {
  @Field(() => Float) userKernel!: number;
  @Field(() => Float) guestHost!: number;
  @Field(() => Float) vmExits!: number;
}

@ObjectType({ description: 'Mean crossings (user↔kernel plus guest↔host) of one interrupt and of one system call.' })
export class CrossingsPerEvent {
  @Field(() => Float) interrupt!: number;
  @Field(() => Float) syscall!: number;
}

@ObjectType({ description: 'Address translation: TLB miss rate and page-table references per miss.' })
export class Tlb {
  @Field(() => Float) missRate!: number;
  @Field(() => Float, { description: 'Mean, after the page-walk caches.' }) walkRefsPerMiss!: number;
  @Field(() => Float, { description: 'With every walk cache missing: 4 native or shadow, 24 nested.' }) walkRefsWorstCase!: number;
}

@ObjectType({ description: 'Busy fraction (0–1) of each resource over the measured time.' })
export class Utilization {
  @Field(() => [Float]) cores!: number[];
  @Field(() => Float) nic!: number;
  @Field(() => Float) pcie!: number;
  @Field(() => Float) storage!: number;
  @Field(() => Float) threads!: number;
  @Field(() => Float) lockSpin!: number;
}

@ObjectType({ description: 'The headline metrics of a run, as in EXPERIMENT-SPEC.md (result.metrics).' })
export class RunMetrics {
  @Field(() => Float) throughputOpsPerSec!: number;
  @Field(() => LatencyByOperation) latencyUs!: LatencyByOperation;
  @Field(() => BreakdownByOperation) breakdown!: BreakdownByOperation;
  @Field(() => Crossings) crossings!: Crossings;
  @Field(() => CrossingsPerEvent) crossingsPerEvent!: CrossingsPerEvent;
  @Field(() => Tlb) tlb!: Tlb;
  @Field(() => Utilization) utilization!: Utilization;
  @Field({ description: 'cpu | nic | pcie | storage | locks | none' }) bottleneck!: string;
  @Field(() => Float, { description: 'Core time the host spent per request, over all cores.' }) hostCpuNsPerRequest!: number;
  @Field(() => Float) requests!: number;
  @Field(() => Float) measuredUs!: number;
  @Field(() => Float) eventsProcessed!: number;
  @Field(() => Float) wallMs!: number;
}

@ObjectType('Run', { description: 'One replication of an experiment, simulated by a worker.' })
export class RunModel implements RunView {
  @Field(() => ID) id!: string;
  @Field(() => ID) experimentId!: string;
  @Field(() => RunStatus) status!: RunStatus;
  @Field(() => Float, { description: '0–1, updated while RUNNING.' }) progress!: number;
  @Field(() => GraphQLSafeInt) seed!: number;
  @Field(() => Int, { description: "A sweep's point (0 for a single experiment)." }) point!: number;
  @Field(() => GraphQLJSON, { nullable: true, description: "The sweep axes' values at this run's point, by path." }) pointValues!: RunView['pointValues'];
  @Field(() => Int) replication!: number;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true }) workerId!: string | null;
  @Field(() => String, { nullable: true, description: 'Why the run failed (or why its last attempt failed, while a retry waits).' })
  error!: string | null;
  @Field(() => String, { nullable: true }) errorCode!: string | null;
  @Field(() => String, { nullable: true, description: 'libs/sim version and calibration hash the result came from.' })
  modelVersion!: string | null;
  @Field(() => String, { nullable: true, description: 'Same key, same numbers: hash of the resolved spec, seed, replication and model version.' })
  reproducibilityKey!: string | null;
  @Field(() => ID, { nullable: true, description: "The earlier run whose stored result this one was served from (the result cache)." })
  cachedFrom!: string | null;
  @Field() queuedAt!: Date;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => GraphQLJSON, { description: 'The resolved spec, every default filled in.' }) spec!: RunView['spec'];
  @Field(() => GraphQLJSON, { nullable: true, description: 'The full result as stored: runId, spec, metrics, model.' })
  result!: RunView['result'];
}

@ObjectType('Experiment', { description: 'A submitted experiment: the spec as written, and one run per replication.' })
export class ExperimentModel implements ExperimentView {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => [String]) tags!: string[];
  @Field(() => GraphQLJSON, { description: "The spec as submitted (a sweep's base)." }) spec!: ExperimentView['spec'];
  @Field(() => GraphQLJSON, { nullable: true, description: "A sweep's axes: [{path, values}]." }) axes!: ExperimentView['axes'];
  @Field() systemPath!: string;
  @Field() workloadKind!: string;
  @Field() createdAt!: Date;
  @Field(() => [RunModel]) runs!: RunModel[];
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field({ nullable: true }) endCursor?: string;
}

@ObjectType()
export class RunEdge {
  @Field() cursor!: string;
  @Field(() => RunModel) node!: RunModel;
}

@ObjectType()
export class RunConnection {
  @Field(() => [RunEdge]) edges!: RunEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'Runs matching the filter, on every page.' }) totalCount!: number;
}

@ObjectType({ description: 'Runs of an experiment per status.' })
export class StatusCounts {
  @Field(() => Int) QUEUED!: number;
  @Field(() => Int) RUNNING!: number;
  @Field(() => Int) SUCCEEDED!: number;
  @Field(() => Int) FAILED!: number;
  @Field(() => Int) CANCELLED!: number;
}

@ObjectType()
export class ExperimentStatus {
  @Field(() => StatusCounts) counts!: StatusCounts;
  @Field(() => Int) total!: number;
  @Field(() => Float, { description: '0–1 over every run.' }) progress!: number;
  @Field(() => Float, { nullable: true, description: 'From the mean time of the runs done so far; null until one is done.' })
  estimatedSecondsLeft!: number | null;
}

@ObjectType('ConfidenceInterval', { description: 'Mean over replications with a 95% Student-t interval.' })
export class ConfidenceIntervalModel {
  @Field(() => Float) mean!: number;
  @Field(() => Float) stddev!: number;
  @Field(() => Float) lo!: number;
  @Field(() => Float) hi!: number;
  @Field(() => Float) halfWidth!: number;
  @Field(() => Int) n!: number;
}

@ObjectType({ description: "A metric over a point's replications: mean, standard deviation, 95% CI (Student t)." })
export class MetricSummary extends ConfidenceIntervalModel {
  @Field() name!: string;
}

@ObjectType({ description: 'One point of a sweep with its replications aggregated.' })
export class SweepRow {
  @Field(() => Int) point!: number;
  @Field(() => GraphQLJSON, { description: 'The axes\' values at this point, by path.' }) values!: Record<string, unknown>;
  @Field(() => [MetricSummary]) metrics!: MetricSummary[];
}
