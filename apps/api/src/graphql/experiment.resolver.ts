import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { QueryRuns, SubmitExperiment } from '#experiments';
import { SubmitExperimentInput } from './inputs.js';
import { experimentView } from '../views.js';
import { ExperimentModel } from './run.model.js';

@Resolver(() => ExperimentModel)
export class ExperimentResolver {
  constructor(
    private readonly submit: SubmitExperiment,
    private readonly query: QueryRuns,
  ) {}

  @Mutation(() => ExperimentModel, { description: 'Validates, stores and queues an experiment: one run per replication.' })
  async submitExperiment(@Args('input') input: SubmitExperimentInput): Promise<ExperimentModel> {
    return experimentView(await this.submit.execute({ ...input }));
  }

  @Query(() => ExperimentModel)
  async experiment(@Args('id', { type: () => ID }) id: string): Promise<ExperimentModel> {
    return experimentView(await this.query.experiment(id));
  }
}
