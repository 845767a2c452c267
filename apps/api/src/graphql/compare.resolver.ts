import { Args, Context, Field, Float, ID, InputType, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { badInput, CompareRuns, type RunSelector } from '#experiments';
import { ProjectId, type AuthedRequest } from '../auth/caller.js';
import { ReportLinks } from '../reports/report-links.js';
import { selectorText } from '../rest/compare.controller.js';
import { ConfidenceIntervalModel } from './run.model.js';

@InputType({ description: 'A run, or the replications of an experiment (at one point, for a sweep).' })
export class RunSelectorInput {
  @Field(() => ID, { nullable: true }) runId?: string;
  @Field(() => ID, { nullable: true }) experimentId?: string;
  @Field(() => Int, { nullable: true }) point?: number;
  @Field({ nullable: true, description: 'A named baseline, e.g. main.' }) baseline?: string;
}

@ObjectType('MetricComparison')
export class MetricComparisonModel {
  @Field() name!: string;
  @Field({ description: 'lower-is-better | higher-is-better | neutral' }) direction!: string;
  @Field(() => ConfidenceIntervalModel) baseline!: ConfidenceIntervalModel;
  @Field(() => ConfidenceIntervalModel) candidate!: ConfidenceIntervalModel;
  @Field(() => Float) absoluteChange!: number;
  @Field(() => Float, { nullable: true }) relativeChange!: number | null;
  @Field(() => Float, { nullable: true, description: "Welch's two-sided t-test; null with fewer than two replications a side." })
  pValue!: number | null;
  @Field() significant!: boolean;
  @Field({ description: 'better | worse | changed | unchanged | inconclusive' }) verdict!: string;
}

@ObjectType('Comparison')
export class ComparisonModel {
  @Field({ description: 'The significance test used.' }) test!: string;
  @Field(() => [ID]) baselineRunIds!: string[];
  @Field(() => [ID]) candidateRunIds!: string[];
  @Field(() => [MetricComparisonModel]) metrics!: MetricComparisonModel[];
  @Field(() => String, { nullable: true, description: "The HTML report (a signed link): the change of each metric with its interval, coloured by verdict. Null for a baseline's point." })
  reportUrl!: string | null;
}

export function toSelector(input: RunSelectorInput, side: string): RunSelector {
  const given = [input.runId, input.experimentId, input.baseline].filter((x) => x !== undefined && x !== null).length;
  if (given === 1 && input.runId && input.point === undefined) return { runId: input.runId };
  if (given === 1 && input.experimentId) return { experimentId: input.experimentId, point: input.point ?? undefined };
  if (given === 1 && input.baseline) return { baseline: input.baseline, point: input.point ?? undefined };
  throw badInput([{ path: side, message: 'give one of runId, experimentId (with point for a sweep) or baseline' }]);
}

@Resolver()
export class CompareResolver {
  constructor(
    private readonly compareRuns: CompareRuns,
    private readonly links: ReportLinks,
  ) {}

  @Query(() => ComparisonModel, { description: 'Baseline against candidate, metric by metric, with confidence intervals and a significance test.' })
  async compare(
    @ProjectId() projectId: string,
    @Context('req') req: AuthedRequest,
    @Args('baseline') baseline: RunSelectorInput,
    @Args('candidate') candidate: RunSelectorInput,
    @Args('metrics', { type: () => [String], nullable: true }) metrics?: string[],
  ): Promise<ComparisonModel> {
    const [b, c] = [toSelector(baseline, 'baseline'), toSelector(candidate, 'candidate')];
    const result = await this.compareRuns.execute(projectId, b, c, metrics);
    const [bText, cText] = [selectorText(b), selectorText(c)];
    const reportUrl = bText && cText ? this.links.compare(req, projectId, bText, cText) : null;
    return { test: result.test, baselineRunIds: result.baseline.runIds, candidateRunIds: result.candidate.runIds, metrics: result.metrics, reportUrl };
  }
}
