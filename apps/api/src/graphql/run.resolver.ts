import { Args, Context, Float, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { badInput, CancelRun, encodeCursor, QueryRuns } from '#experiments';
import { RunOrderField, RunsFilter, RunsOrder, SortDirection } from './inputs.js';
import { experimentView, runView } from '../views.js';
import { ProjectId, RequiresScope, type AuthedRequest } from '../auth/caller.js';
import { experimentLoader } from './experiment-loader.js';
import { ExperimentModel, RunConnection, RunMetrics, RunModel } from './run.model.js';
import { ReportLinks } from '../reports/report-links.js';

@Resolver(() => RunModel)
export class RunResolver {
  constructor(
    private readonly query: QueryRuns,
    private readonly cancel: CancelRun,
    private readonly links: ReportLinks,
  ) {}

  @Query(() => RunModel)
  async run(@ProjectId() projectId: string, @Args('id', { type: () => ID }) id: string): Promise<RunModel> {
    return runView(await this.query.run(projectId, id));
  }

  @Query(() => RunConnection, { description: 'Runs, newest first or by a metric, as a Relay connection.' })
  async runs(
    @ProjectId() projectId: string,
    @Args('filter', { nullable: true }) filter?: RunsFilter,
    @Args('orderBy', { nullable: true }) orderBy?: RunsOrder,
    @Args('first', { type: () => Int, defaultValue: 20 }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<RunConnection> {
    if (orderBy?.by === RunOrderField.METRIC && !orderBy.metric) {
      throw badInput([{ path: 'orderBy.metric', message: 'is required with by: METRIC, e.g. "latencyUs.get.p99"' }]);
    }
    const page = await this.query.page(projectId, {
      ...filter,
      orderBy: orderBy?.by === RunOrderField.METRIC ? orderBy.metric : 'createdAt',
      direction: orderBy?.direction === SortDirection.ASC ? 'asc' : 'desc',
      first,
      after,
    });
    const edges = page.runs.map((run, i) => ({ cursor: encodeCursor(page.cursors[i]), node: runView(run) }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor }, totalCount: page.totalCount };
  }

  @Mutation(() => RunModel, { description: 'Cancels a QUEUED or RUNNING run.' })
  @RequiresScope('submit')
  async cancelRun(@ProjectId() projectId: string, @Args('id', { type: () => ID }) id: string): Promise<RunModel> {
    return runView(await this.cancel.execute(projectId, id));
  }

  @ResolveField(() => ExperimentModel)
  async experiment(@Context('req') req: AuthedRequest, @Parent() run: RunModel): Promise<ExperimentModel> {
    return experimentView(await experimentLoader(req, this.query).load(run.experimentId));
  }

  @ResolveField(() => String, { description: 'The HTML report of this run (a signed link a browser can open): breakdown, latency CDF, spec.' })
  reportUrl(@ProjectId() projectId: string, @Context('req') req: AuthedRequest, @Parent() run: RunModel): string {
    return this.links.run(req, projectId, run.id);
  }

  @ResolveField(() => RunMetrics, { nullable: true, description: 'The headline metrics, typed; null until the run succeeds.' })
  metrics(@Parent() run: RunModel): RunMetrics | null {
    return (run.result as { metrics?: RunMetrics } | null)?.metrics ?? null;
  }

  @ResolveField(() => Float, { nullable: true, description: 'Any stored metric by its dotted name, e.g. latencyUs.get.p99.' })
  metric(@Parent() run: RunModel, @Args('name') name: string): number | null {
    let value: unknown = this.metrics(run);
    for (const part of name.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    return typeof value === 'number' ? value : null;
  }
}
