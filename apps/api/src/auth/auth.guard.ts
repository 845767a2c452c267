import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, type AppConfig } from '#config';
import { AppError } from '#experiments';
import { hashToken, ProjectRepository, type ApiToken, type Scope } from '#persistence';
import { bearerToken, grants, PUBLIC_KEY, requestOf, SCOPE_KEY } from './caller.js';


/**
 * Every route and resolver needs a bearer token of the project it acts in. No token or an unknown
 * one: 401 UNAUTHENTICATED; a token without the scope: 403 FORBIDDEN. Which project's objects
 * are visible follows from the token alone; the use-cases take its project id.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /** Known live tokens by their hash, for TOKEN_CACHE_MS: a burst looks each one up once. */
  private readonly known: LRUCache<string, ApiToken> | null;

  constructor(
    private readonly reflector: Reflector,
    private readonly projects: ProjectRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.known = config.TOKEN_CACHE_MS > 0 ? new LRUCache({ max: 10_000, ttl: config.TOKEN_CACHE_MS }) : null;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const needed = this.reflector.getAllAndOverride<Scope>(SCOPE_KEY, targets) ?? 'read';
    const req = requestOf(context);
    const token = bearerToken(req.headers?.authorization);
    if (!token) {
      throw new AppError('UNAUTHENTICATED', 'send an API token: Authorization: Bearer <token> (make one with `iopath admin create-project NAME`)');
    }
    const record = await this.lookUp(token);
    if (!record) throw new AppError('UNAUTHENTICATED', 'this API token is unknown or revoked');
    const scopes = record.scopes as Scope[];
    if (!grants(scopes, needed)) {
      throw new AppError('FORBIDDEN', `this token's scopes are [${scopes.join(', ')}]; this needs ${needed}`);
    }
    req.caller = { projectId: record.projectId, scopes, tokenId: record.id };
    return true;
  }

  /** Unknown tokens are not kept: one made a moment ago must work at once. */
  private async lookUp(token: string): Promise<ApiToken | null> {
    const key = hashToken(token);
    const hit = this.known?.get(key);
    if (hit) return hit;
    const record = await this.projects.findToken(token);
    if (record) this.known?.set(key, record);
    return record;
  }
}
