export { QueueName, jobOptions, redisConnection, queuePrefix, type JobItem, type JobName } from './jobs.js';
export { QueueModule } from './queue.module.js';
