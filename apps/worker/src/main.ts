import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '#config';
import { migrate } from '#persistence';
import { WorkerModule } from './worker.module.js';

/**
 * A worker process: a Nest application context (no HTTP) hosting the BullMQ processor. Start
 * as many as there are cores to use, on as many machines as share the Postgres and Redis.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  await migrate(config.DATABASE_URL);
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.get(Logger).log(`worker ready: id ${config.WORKER_ID}, concurrency ${config.WORKER_CONCURRENCY}, queue prefix ${config.QUEUE_PREFIX}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
