import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PrismaService } from '#persistence';
import { RunQueue } from '#experiments';
import { Public } from '../auth/caller.js';

/** Whether this API can serve: 200 when Postgres and Redis answer, 503 (naming which) when not. */
@Controller('v1/health')
@Public()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: RunQueue,
  ) {}

  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const [database, queue] = await Promise.all([
      this.prisma.$queryRaw`SELECT 1`.then(() => 'up' as const, () => 'down' as const),
      this.queue.assertAvailable().then(() => 'up' as const, () => 'down' as const),
    ]);
    const ok = database === 'up' && queue === 'up';
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'unavailable', database, queue };
  }
}
