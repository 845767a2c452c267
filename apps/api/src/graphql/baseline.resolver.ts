import { Args, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Baselines } from '#experiments';
import { ProjectId, RequiresScope } from '../auth/caller.js';

@ObjectType('Baseline', { description: 'A named pointer to the experiment (or sweep point) whose results CI checks compare with.' })
export class BaselineModel {
  @Field() name!: string;
  @Field(() => ID) experimentId!: string;
  @Field(() => Int, { nullable: true }) point!: number | null;
  @Field() updatedAt!: Date;
}

@Resolver(() => BaselineModel)
export class BaselineResolver {
  constructor(private readonly baselines: Baselines) {}

  @Mutation(() => BaselineModel, { description: 'Points (or moves) a baseline at an experiment, or one point of a sweep.' })
  @RequiresScope('submit')
  setBaseline(
    @ProjectId() projectId: string,
    @Args('name') name: string,
    @Args('experimentId', { type: () => ID }) experimentId: string,
    @Args('point', { type: () => Int, nullable: true }) point?: number,
  ): Promise<BaselineModel> {
    return this.baselines.set(projectId, name, experimentId, point);
  }

  @Query(() => BaselineModel)
  baseline(@ProjectId() projectId: string, @Args('name') name: string): Promise<BaselineModel> {
    return this.baselines.get(projectId, name);
  }
}
