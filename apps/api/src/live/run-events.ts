import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import { EventEmitter } from 'node:events';
import { APP_CONFIG, type AppConfig } from '#config';
import { QueueName, queuePrefix, redisConnection } from '#queue';

/** A run's job moved: started, made progress, finished, failed or was removed. */
export const RUN_EVENTS = ['active', 'progress', 'completed', 'failed', 'removed', 'retries-exhausted'] as const;

/**
 * The runs queue's events, read from Redis by each API process (BullMQ's QueueEvents reads the
 * queue's event stream), so a subscriber on any API process hears about a run simulated by any
 * worker. Events only say which run moved: subscribers read its state from Postgres.
 */
@Injectable()
export class RunEvents implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RunEvents.name);
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private events: QueueEvents | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    // Blocking reads that wait out a Redis restart, like a worker's.
    this.events = new QueueEvents(QueueName.Runs, { connection: redisConnection(this.config, true), prefix: queuePrefix(this.config) });
    this.events.on('error', (err) => this.logger.warn(`queue events: ${err.message}`));
    for (const name of RUN_EVENTS) this.events.on(name, ({ jobId }: { jobId: string }) => this.emitter.emit('run', jobId));
  }

  async onModuleDestroy(): Promise<void> {
    await this.events?.close();
  }

  /**
   * Watches the runs `matches` accepts. `changed(ms)` resolves when one of them has moved since
   * the last call (at once if it already has), or after `ms` — subscribers then read the state
   * again anyway, so a change no event reported (a cancellation in Postgres) shows up too.
   */
  watch(matches: (runId: string) => boolean): RunWatch {
    let moved = false;
    let wake: (() => void) | undefined;
    const listener = (runId: string) => {
      if (!matches(runId)) return;
      moved = true;
      wake?.();
    };
    this.emitter.on('run', listener);
    return {
      changed: async (ms: number) => {
        if (!moved) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, ms);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
        moved = false;
      },
      close: () => {
        this.emitter.off('run', listener);
        wake?.();
      },
    };
  }
}

export interface RunWatch {
  changed(ms: number): Promise<void>;
  close(): void;
}
