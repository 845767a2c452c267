import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config';
import { ReconcileQueue } from '#experiments';

/** Runs the reconciler when the worker starts and then every RECONCILE_INTERVAL_MS. */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcilerService.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly reconcile: ReconcileQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    try {
      await this.reconcile.execute();
    } catch (err) {
      // Postgres or Redis away: the next tick tries again.
      this.logger.warn(`reconcile failed: ${(err as Error).message}`);
    }
  }
}
