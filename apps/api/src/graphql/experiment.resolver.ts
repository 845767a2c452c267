import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { QueryRuns, QuerySweep, SubmitExperiment, SubmitSweep } from '#experiments';
import { experimentView } from '../views.js';
import { ProjectId, RequiresScope, type AuthedRequest } from '../auth/caller.js';
import { ReportLinks } from '../reports/report-links.js';
import { SubmitExperimentInput, SubmitSweepInput } from './inputs.js';
import { ExperimentModel, ExperimentStatus, SweepRow } from './run.model.js';

@Resolver(() => ExperimentModel)
export class ExperimentResolver {
  constructor(
    private readonly submit: SubmitExperiment,
    private readonly sweep: SubmitSweep,
    private readonly query: QueryRuns,
    private readonly sweeps: QuerySweep,
    private readonly links: ReportLinks,
  ) {}

  @Mutation(() => ExperimentModel, { description: 'Validates, stores and queues an experiment: one run per replication.' })
  @RequiresScope('submit')
  async submitExperiment(@ProjectId() projectId: string, @Args('input') input: SubmitExperimentInput): Promise<ExperimentModel> {
    return experimentView(await this.submit.execute(projectId, { ...input }));
  }

  @Mutation(() => ExperimentModel, { description: 'The cartesian product of the axes over a base spec: one run per point and replication.' })
  @RequiresScope('submit')
  async submitSweep(@ProjectId() projectId: string, @Args('input') input: SubmitSweepInput): Promise<ExperimentModel> {
    const { axes, ...rest } = input;
    return experimentView(await this.sweep.execute(projectId, { ...rest, axes: axes.map((a) => ({ path: a.path, values: a.values })) }));
  }

  @Query(() => ExperimentModel)
  async experiment(@ProjectId() projectId: string, @Args('id', { type: () => ID }) id: string): Promise<ExperimentModel> {
    return experimentView(await this.query.experiment(projectId, id));
  }

  @ResolveField(() => String, { description: 'The HTML report (a signed link a browser can open): breakdown per point, metrics against the sweep axis, latency CDFs, spec.' })
  reportUrl(@ProjectId() projectId: string, @Context('req') req: AuthedRequest, @Parent() e: ExperimentModel): string {
    return this.links.experiment(req, projectId, e.id);
  }

  @ResolveField(() => ExperimentStatus, { description: 'Runs per status, progress and an estimate of the time left.' })
  status(@ProjectId() projectId: string, @Parent() e: ExperimentModel): Promise<ExperimentStatus> {
    return this.sweeps.status(projectId, e.id);
  }

  @ResolveField(() => [SweepRow], { description: 'One row per point, replications aggregated (default metrics: throughput, mean and p99 latency).' })
  table(
    @ProjectId() projectId: string,
    @Parent() e: ExperimentModel,
    @Args('metrics', { type: () => [String], nullable: true }) metrics?: string[],
  ): Promise<SweepRow[]> {
    return this.sweeps.table(projectId, e.id, metrics);
  }
}
