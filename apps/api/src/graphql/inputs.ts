import { Field, ID, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { RunStatus } from '#persistence';

@InputType()
export class SubmitExperimentInput {
  @Field({ nullable: true, description: "Defaults to the spec's name." }) name?: string;
  @Field(() => [String], { nullable: true, defaultValue: [] }) tags?: string[];
  @Field(() => GraphQLJSON, { nullable: true, description: 'An experiment spec (EXPERIMENT-SPEC.md); omitted or {} runs the defaults.' })
  spec?: unknown;
  @Field({ nullable: true, description: 'false: simulate even when a stored result has the same reproducibility key.' }) cache?: boolean;
}

@InputType()
export class SweepAxisInput {
  @Field({ description: 'A dotted spec path, e.g. hardware.cpu.cores.' }) path!: string;
  @Field(() => [GraphQLJSON]) values!: unknown[];
}

@InputType()
export class SubmitSweepInput {
  @Field({ nullable: true }) name?: string;
  @Field(() => [String], { nullable: true, defaultValue: [] }) tags?: string[];
  @Field(() => GraphQLJSON, { nullable: true, description: 'The spec every point starts from.' }) base?: unknown;
  @Field(() => [SweepAxisInput]) axes!: SweepAxisInput[];
  @Field(() => Int, { nullable: true, description: "Overrides the base's replications." }) replications?: number;
  @Field({ nullable: true, description: 'false: simulate every point even when a stored result has its key.' }) cache?: boolean;
}

@InputType()
export class RunsFilter {
  @Field(() => [RunStatus], { nullable: true }) status?: RunStatus[];
  @Field(() => [String], { nullable: true, description: 'Runs of experiments carrying every one of these tags.' }) tags?: string[];
  @Field({ nullable: true, description: 'linux | vm | container | arrakis' }) systemPath?: string;
  @Field({ nullable: true, description: 'kv | web | analytics' }) workloadKind?: string;
  @Field(() => ID, { nullable: true }) experimentId?: string;
  @Field({ nullable: true }) createdAfter?: Date;
  @Field({ nullable: true }) createdBefore?: Date;
  @Field(() => [String], { nullable: true, description: 'Metric ranges that must all hold, e.g. "latencyUs.get.p99 < 10".' }) where?: string[];
}

export enum RunOrderField {
  CREATED_AT = 'CREATED_AT',
  METRIC = 'METRIC',
}
export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(RunOrderField, { name: 'RunOrderField' });
registerEnumType(SortDirection, { name: 'SortDirection' });

@InputType()
export class RunsOrder {
  @Field(() => RunOrderField, { defaultValue: RunOrderField.CREATED_AT }) by!: RunOrderField;
  @Field({ nullable: true, description: "With METRIC: the metric's name, e.g. latencyUs.get.p99." }) metric?: string;
  @Field(() => SortDirection, { defaultValue: SortDirection.DESC }) direction!: SortDirection;
}

