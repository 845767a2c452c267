import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '#experiments';
import { ProjectRepository, type Scope } from '#persistence';
import { PUBLIC_KEY, requestOf, SCOPE_KEY } from './caller.js';

/** Each scope includes the ones before it: admin can submit, submit can read. */
const RANK: Record<Scope, number> = { read: 0, submit: 1, admin: 2 };

/**
 * Every route and resolver needs a bearer token of the project it acts in. No token or an unknown
 * one: 401 UNAUTHENTICATED; a token without the scope: 403 FORBIDDEN. Which project's objects
 * are visible follows from the token alone; the use-cases take its project id.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly projects: ProjectRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const needed = this.reflector.getAllAndOverride<Scope>(SCOPE_KEY, targets) ?? 'read';
    const req = requestOf(context);
    const header = req.headers?.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) {
      throw new AppError('UNAUTHENTICATED', 'send an API token: Authorization: Bearer <token> (make one with `iopath admin create-project NAME`)');
    }
    const record = await this.projects.findToken(token);
    if (!record) throw new AppError('UNAUTHENTICATED', 'this API token is unknown or revoked');
    const scopes = record.scopes as Scope[];
    if (!scopes.some((s) => RANK[s] >= RANK[needed])) {
      throw new AppError('FORBIDDEN', `this token's scopes are [${scopes.join(', ')}]; this needs ${needed}`);
    }
    req.caller = { projectId: record.projectId, scopes, tokenId: record.id };
    return true;
  }
}
