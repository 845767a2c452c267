import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { HttpErrorFilter } from './errors/http-error.filter.js';
import { publishOpenApi } from './openapi.js';
import { mountQueueBoard } from './ops/queue-board.js';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '#config';
import { migrate } from '#persistence';
import { AppModule } from './app.module.js';

/** The API process: GraphQL at /graphql, REST for CI at /v1. It stores and enqueues; it never simulates. */
async function main(): Promise<void> {
  const config = loadConfig();
  await migrate(config.DATABASE_URL);
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: config.MAX_BODY_BYTES });
  app.useGlobalFilters(new HttpErrorFilter());
  // Security headers; the CSP is left to GraphiQL's page, which loads its own scripts.
  app.use(helmet({ contentSecurityPolicy: false }));
  const origins = config.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  app.enableCors({ origin: origins.length ? origins : false });
  app.enableShutdownHooks();
  publishOpenApi(app);
  mountQueueBoard(app);
  await app.listen(config.API_PORT, config.API_HOST);
  const shown = config.API_HOST === '0.0.0.0' ? '127.0.0.1' : config.API_HOST;
  app.get(Logger).log(`api ready: GraphQL at http://${shown}:${config.API_PORT}/graphql, REST at http://${shown}:${config.API_PORT}/v1`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
