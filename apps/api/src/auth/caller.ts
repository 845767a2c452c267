import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import type { Scope } from '#persistence';

/** Who is calling: the token's project and scopes (set by AuthGuard). */
export interface Caller {
  projectId: string;
  scopes: Scope[];
  tokenId: string;
}

export type AuthedRequest = Request & { caller?: Caller };

export const SCOPE_KEY = 'iopath:scope';
export const PUBLIC_KEY = 'iopath:public';

/** The scope a route or resolver needs (read unless marked). */
export const RequiresScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);
/** No token needed (health). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Each scope includes the ones before it: admin can submit, submit can read. */
const RANK: Record<Scope, number> = { read: 0, submit: 1, admin: 2 };

export function grants(scopes: readonly string[], needed: Scope): boolean {
  return scopes.some((s) => s in RANK && RANK[s as Scope] >= RANK[needed]);
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

export function requestOf(context: ExecutionContext): AuthedRequest {
  return context.getType<string>() === 'graphql'
    ? GqlExecutionContext.create(context).getContext<{ req: AuthedRequest }>().req
    : context.switchToHttp().getRequest<AuthedRequest>();
}

/** The caller's project id, for a controller or resolver parameter. */
export const ProjectId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const caller = requestOf(context).caller;
  if (!caller) throw new Error('ProjectId used on a route that AuthGuard did not authenticate');
  return caller.projectId;
});
