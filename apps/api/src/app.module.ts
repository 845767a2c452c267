import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuthGuard } from './auth/auth.guard.js';
import { RateLimitGuard } from './auth/rate-limit.guard.js';
import { graphqlLimits } from './graphql/limits.js';
import { GraphQLModule } from '@nestjs/graphql';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule, loadConfig } from '#config';
import { ExperimentsModule } from '#experiments';
import { PersistenceModule } from '#persistence';
import { formatGraphQLError } from './errors/graphql-errors.js';
import { ExperimentResolver } from './graphql/experiment.resolver.js';
import { RunResolver } from './graphql/run.resolver.js';
import { ExperimentsController } from './rest/experiments.controller.js';
import { HealthController } from './ops/health.controller.js';
import { MetricsController } from './ops/metrics.controller.js';
import { TerminusModule } from '@nestjs/terminus';
import { RunsController } from './rest/runs.controller.js';
import { SweepsController } from './rest/sweeps.controller.js';
import { CompareController } from './rest/compare.controller.js';
import { ChecksController } from './rest/checks.controller.js';
import { BaselinesController } from './rest/baselines.controller.js';
import { WebhooksController } from './rest/webhooks.controller.js';
import { CompareResolver } from './graphql/compare.resolver.js';
import { BaselineResolver } from './graphql/baseline.resolver.js';
import { graphqlContext } from './graphql/context.js';
import { LiveResolver } from './graphql/live.resolver.js';
import { WebhookResolver } from './graphql/webhook.resolver.js';
import { RunEvents } from './live/run-events.js';
import { ReportLinks } from './reports/report-links.js';
import { ReportsController } from './reports/reports.controller.js';

/**
 * The schema is generated from the code and committed (apps/api/schema.gql), so a schema change
 * shows up in review. Started outside the repository (an image), it stays in memory.
 */
const SCHEMA_FILE = existsSync(join(process.cwd(), 'apps/api')) ? join(process.cwd(), 'apps/api/schema.gql') : true;

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRoot({
      pinoHttp: {
        level: loadConfig().LOG_LEVEL,
        base: { role: 'api' },
        autoLogging: { ignore: (req) => req.url === '/v1/health' || req.url === '/health' },
        // Tokens never reach the log.
        redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
      },
    }),
    PersistenceModule,
    ExperimentsModule.register('producer'),
    TerminusModule,
    ThrottlerModule.forRoot([{ ttl: 60_000, limit: loadConfig().RATE_LIMIT_PER_MINUTE }]),
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      autoSchemaFile: SCHEMA_FILE,
      sortSchema: true,
      graphiql: true,
      formatError: formatGraphQLError,
      // Stack traces stay in the log, never in a response.
      includeStacktraceInErrorResponses: false,
      plugins: [graphqlLimits(loadConfig())],
      context: graphqlContext,
      // Live progress: subscriptions over the graphql-ws protocol, on the same /graphql path.
      subscriptions: {
        'graphql-ws': {
          path: '/graphql',
          // Errors on the socket get the same codes and messages as over HTTP.
          onNext: (_ctx, _id, _payload, _args, result) =>
            result.errors?.length ? { ...result, errors: result.errors.map((e) => formatGraphQLError(e.toJSON(), e)) } : undefined,
        },
      },
    }),
  ],
  controllers: [ExperimentsController, SweepsController, RunsController, CompareController, BaselinesController, ChecksController, WebhooksController, ReportsController, HealthController, MetricsController],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }, { provide: APP_GUARD, useClass: AuthGuard }, ExperimentResolver, RunResolver, CompareResolver, BaselineResolver, LiveResolver, WebhookResolver, RunEvents, ReportLinks],
})
export class AppModule {}
