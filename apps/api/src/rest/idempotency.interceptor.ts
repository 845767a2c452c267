import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, of, type Observable } from 'rxjs';
import { AppError, badInput } from '#experiments';
import { IdempotencyRepository } from '#persistence';
import type { AuthedRequest } from '../auth/caller.js';

/**
 * `Idempotency-Key` on a POST: the first request with a key runs and its response is kept; a
 * retry with the same key and body gets that response again (header `Idempotent-Replayed: true`)
 * instead of running twice. The same key with another body is a 409; a request that failed is
 * forgotten, so its corrected retry runs.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly keys: IdempotencyRepository) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const key = req.header('idempotency-key');
    if (key === undefined) return next.handle();
    if (key.length === 0 || key.length > 255) {
      throw badInput([{ path: 'Idempotency-Key', message: 'must be 1–255 characters (a UUID, or your CI job id)' }]);
    }
    const endpoint = `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`;
    const hash = createHash('sha256').update(JSON.stringify({ body: req.body ?? null, query: req.query })).digest('hex');
    // The guard ran first: keys are the caller's project's own.
    return from(this.serve(req.caller!.projectId, endpoint, key, hash, res, next));
  }

  private async serve(projectId: string, endpoint: string, key: string, hash: string, res: Response, next: CallHandler): Promise<unknown> {
    const claim = await this.keys.claim(projectId, endpoint, key, hash);
    if (claim.state !== 'new' && claim.requestHash !== hash) {
      throw new AppError('CONFLICT', `Idempotency-Key '${key}' was first used with a different request; use a new key for a new request`);
    }
    if (claim.state === 'in-progress') throw new AppError('CONFLICT', `a request with Idempotency-Key '${key}' is still being served; retry in a moment`);
    if (claim.state === 'done') {
      res.status(claim.statusCode);
      res.setHeader('Idempotent-Replayed', 'true');
      return lastValueFrom(of(claim.response));
    }
    try {
      const response = await lastValueFrom(next.handle());
      await this.keys.complete(projectId, endpoint, key, res.statusCode, response);
      return response;
    } catch (err) {
      await this.keys.release(projectId, endpoint, key);
      throw err;
    }
  }
}
