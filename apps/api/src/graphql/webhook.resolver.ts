import { Args, Field, ID, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { deliveryView, Webhooks, webhookView } from '#experiments';
import { ProjectId, RequiresScope } from '../auth/caller.js';

@ObjectType('WebhookDelivery', { description: 'One event for one webhook: PENDING while it is tried, then DELIVERED or FAILED.' })
export class WebhookDeliveryModel {
  @Field(() => ID) id!: string;
  @Field() event!: string;
  @Field() status!: string;
  @Field(() => Int) attempts!: number;
  @Field(() => Int, { nullable: true, description: "The receiver's last HTTP status; null when it did not answer." }) lastStatusCode!: number | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) deliveredAt!: Date | null;
  @Field(() => GraphQLJSON) payload!: unknown;
}

@ObjectType('Webhook', { description: 'A URL told of completions: POSTed JSON signed with HMAC-SHA256 (X-Iopath-Signature).' })
export class WebhookModel {
  @Field(() => ID) id!: string;
  @Field() url!: string;
  @Field(() => [String]) events!: string[];
  @Field() createdAt!: Date;
  @Field(() => String, { nullable: true, description: 'The signing secret: only in the answer to registerWebhook.' }) secret?: string | null;
}

@Resolver(() => WebhookModel)
export class WebhookResolver {
  constructor(private readonly hooks: Webhooks) {}

  @Query(() => [WebhookModel], { description: "The project's webhooks." })
  async webhooks(@ProjectId() projectId: string): Promise<WebhookModel[]> {
    return (await this.hooks.list(projectId)).map((w) => webhookView(w));
  }

  @Mutation(() => WebhookModel, { description: 'Registers a URL for run.completed, experiment.completed and check.completed (or the events given); the answer carries the secret, shown once.' })
  @RequiresScope('admin')
  async registerWebhook(@ProjectId() projectId: string, @Args('url') url: string, @Args('events', { type: () => [String], nullable: true }) events?: string[]): Promise<WebhookModel> {
    return webhookView(await this.hooks.register(projectId, { url, ...(events ? { events } : {}) }), true);
  }

  @Mutation(() => Boolean, { description: 'Deletes a webhook and its delivery history.' })
  @RequiresScope('admin')
  async deleteWebhook(@ProjectId() projectId: string, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    await this.hooks.remove(projectId, id);
    return true;
  }

  @ResolveField(() => [WebhookDeliveryModel], { description: 'Deliveries, newest first.' })
  async deliveries(@ProjectId() projectId: string, @Parent() w: WebhookModel, @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number): Promise<WebhookDeliveryModel[]> {
    return (await this.hooks.deliveries(projectId, w.id, limit)).map(deliveryView);
  }
}
