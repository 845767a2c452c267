import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { loadConfig } from '#config';
import { PermanentRunError, RunSimulation, type RunOutcome } from '#experiments';
import { QueueName, type JobItem } from '#queue';

const config = loadConfig();

/** Takes jobs off the runs queue. Thin: unpack the job, call the use-case, map its errors. */
@Processor(QueueName.Runs, {
  concurrency: config.WORKER_CONCURRENCY,
  lockDuration: config.WORKER_LOCK_MS,
  stalledInterval: config.WORKER_STALLED_CHECK_MS,
  // A job whose worker died is retried once from the stalled check, then counted as failed.
  maxStalledCount: 1,
})
export class RunProcessor extends WorkerHost {
  private readonly logger = new Logger(RunProcessor.name);

  constructor(private readonly runSimulation: RunSimulation) {
    super();
  }

  async process(job: Job<JobItem['data'], unknown, JobItem['name']>): Promise<RunOutcome> {
    switch (job.name) {
      case 'simulate-run': {
        const started = performance.now();
        try {
          const { outcome, experimentId } = await this.runSimulation.execute(job.data.runId, {
            finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
            onProgress: (f) => job.updateProgress(Math.round(f * 1000) / 1000),
          });
          // Ids as fields, so a log search finds every line of a run, its job and its attempt.
          this.logger.log(
            { runId: job.data.runId, experimentId, jobId: job.id, jobAttempt: job.attemptsMade + 1, outcome, ms: Math.round(performance.now() - started) },
            `run ${job.data.runId} ${outcome}`,
          );
          return outcome;
        } catch (err) {
          if (err instanceof PermanentRunError) throw new UnrecoverableError(err.message);
          throw err;
        }
      }
      default:
        // The catalogue's union makes this unreachable for jobs this code enqueued.
        throw new UnrecoverableError(`no processor for job '${(job as Job).name}'; add it to RunProcessor and libs/queue/src/jobs.ts`);
    }
  }
}
