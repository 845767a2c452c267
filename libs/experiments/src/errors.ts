import { SimError, InvalidSpecError, type SpecProblem } from '#sim';

/**
 * Coded errors of the use-cases. One mapper (`describeError`) turns any error into a GraphQL
 * `extensions.code` and an HTTP status; anything unrecognised becomes a generic internal error
 * whose details stay in the log.
 */
export type AppErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'PAYLOAD_TOO_LARGE' | 'RATE_LIMITED' | 'UNAVAILABLE';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** For BAD_USER_INPUT: every offending field, with its path and how to fix it. */
    readonly problems: SpecProblem[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function badInput(problems: SpecProblem[]): AppError {
  const list = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  return new AppError('BAD_USER_INPUT', `invalid input (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${list}`, problems);
}

/** A request body its schema refused: every issue under its dotted path, `(body)` for the whole. */
export function badBody(issues: readonly { path: readonly PropertyKey[]; message: string }[]): AppError {
  return badInput(issues.map((i) => ({ path: i.path.length ? i.path.map(String).join('.') : '(body)', message: i.message })));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` has the form of the ids this service gives out. */
export function isId(id: string): boolean {
  return UUID.test(id);
}

/** An id that cannot exist is as unknown as one that does not: NOT_FOUND, never a database error. */
export type Entity = 'run' | 'experiment' | 'check' | 'webhook';

export function assertId(id: string, what: Entity): void {
  if (!isId(id)) throw notFound(what, id);
}

export function notFound(what: Entity, id: string): AppError {
  return new AppError('NOT_FOUND', `no ${what} with id '${id}'; ids are UUIDs, as the API returned them when the ${what} was created`);
}

/** A spec the simulator refuses, as field problems under `spec.`. */
export function specRefused(err: SimError): AppError {
  if (err instanceof InvalidSpecError) return badInput(err.problems.map((p) => ({ path: `spec.${p.path}`, message: p.message })));
  return badInput([{ path: 'spec.duration', message: err.message }]);
}

export interface ErrorBody {
  code: AppErrorCode | 'INTERNAL_SERVER_ERROR';
  message: string;
  problems?: SpecProblem[];
}

const STATUS: Record<AppErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

/** Error codes of a database or Redis that is not answering (pg, Prisma, Node sockets). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'P1001', 'P1002', 'P1017', '57P01', '57P03']);

export function describeError(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (err instanceof AppError) {
    const body: ErrorBody = { code: err.code, message: err.message };
    if (err.problems.length > 0) body.problems = err.problems;
    return { status: STATUS[err.code], body, internal: false };
  }
  if (err instanceof SimError) return describeError(specRefused(err));
  if ((err as { code?: string } | null)?.code === 'P2028') {
    return { status: 503, body: { code: 'UNAVAILABLE', message: 'the database is too busy to start the transaction; nothing was stored — retry in a few seconds' }, internal: true };
  }
  if (isUnreachable(err)) {
    return {
      status: 503,
      body: { code: 'UNAVAILABLE', message: 'the database is not answering; nothing was changed — retry in a few seconds' },
      internal: true,
    };
  }
  return { status: 500, body: { code: 'INTERNAL_SERVER_ERROR', message: 'internal error; it has been logged' }, internal: true };
}

function isUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown; errorCode?: unknown }).code ?? (e as { errorCode?: unknown }).errorCode;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return true;
    if (/Can't reach database server|Connection terminated|connect ECONNREFUSED/.test(e.message)) return true;
  }
  return false;
}
