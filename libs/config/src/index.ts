export { parseConfig, loadConfig, ConfigError, type AppConfig } from './config.js';
export { ConfigModule, APP_CONFIG } from './config.module.js';
