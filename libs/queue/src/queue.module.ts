import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config';
import { queuePrefix, QueueName, redisConnection } from './jobs.js';

/** Registers the runs queue on the configured Redis, for the API (producer) or a worker. */
@Module({})
export class QueueModule {
  static register(role: 'producer' | 'worker'): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            connection: redisConnection(config, role === 'worker'),
            prefix: queuePrefix(config),
          }),
        }),
        BullModule.registerQueue({ name: QueueName.Runs }, { name: QueueName.Webhooks }),
      ],
      exports: [BullModule],
    };
  }
}
