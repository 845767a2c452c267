export { QueueName, jobOptions, redisConnection, type JobItem, type JobName } from './jobs.js';
export { QueueModule } from './queue.module.js';
