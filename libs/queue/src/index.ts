export { QueueName, jobOptions, webhookJobOptions, redisConnection, queuePrefix, type JobItem, type JobName, type WebhookJob } from './jobs.js';
export { QueueModule } from './queue.module.js';
