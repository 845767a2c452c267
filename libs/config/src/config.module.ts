import { Global, Module } from '@nestjs/common';
import { loadConfig } from './config.js';

/** The injection token of the validated configuration (an AppConfig). */
export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({
  providers: [{ provide: APP_CONFIG, useFactory: loadConfig }],
  exports: [APP_CONFIG],
})
export class ConfigModule {}
