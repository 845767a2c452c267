import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule, loadConfig } from '#config';
import { ExperimentsModule } from '#experiments';
import { PersistenceModule } from '#persistence';
import { ReconcilerService } from './reconciler.service.js';
import { RunProcessor } from './run.processor.js';
import { WebhookProcessor } from './webhook.processor.js';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRoot({ pinoHttp: { level: loadConfig().LOG_LEVEL, base: { role: 'worker', workerId: loadConfig().WORKER_ID } } }),
    PersistenceModule,
    ExperimentsModule.register('worker'),
  ],
  providers: [RunProcessor, WebhookProcessor, ReconcilerService],
})
export class WorkerModule {}
