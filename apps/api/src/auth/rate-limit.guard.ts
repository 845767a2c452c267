import { Injectable, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { AppError } from '#experiments';

/**
 * RATE_LIMIT_PER_MINUTE per API token (per client address for requests without one), over REST
 * and GraphQL alike. A refusal is a 429 that names the limit and when to retry.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getRequestResponse(context: ExecutionContext) {
    if (context.getType<string>() === 'graphql') {
      const req = GqlExecutionContext.create(context).getContext<{ req: { res: unknown } & Record<string, unknown> }>().req;
      return { req, res: req.res as Record<string, unknown> };
    }
    return super.getRequestResponse(context);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const auth = (req.headers as Record<string, string | undefined>)?.authorization;
    // The token's hash, never the token: trackers may end up in logs or stores.
    return auth ? `token:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}` : `ip:${String(req.ip)}`;
  }

  /** One budget per token across every route and resolver (the default counts per handler). */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new AppError(
      'RATE_LIMITED',
      `rate limit: ${detail.limit} requests per ${detail.ttl / 1000} s per token (RATE_LIMIT_PER_MINUTE); retry in ${Math.ceil(detail.timeToBlockExpire ?? detail.timeToExpire)} s`,
    );
  }
}
