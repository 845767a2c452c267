/**
 * Errors the library throws, each with a stable code that the service maps once to GraphQL
 * `extensions.code` and HTTP statuses.
 */
export type SimErrorCode = 'INVALID_SPEC' | 'BUDGET_EXCEEDED' | 'CANCELLED';

export class SimError extends Error {
  constructor(
    readonly code: SimErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One offending field: its dotted path and what is wrong with it, including the fix. */
export interface SpecProblem {
  path: string;
  message: string;
}

export class InvalidSpecError extends SimError {
  constructor(readonly problems: SpecProblem[]) {
    super('INVALID_SPEC', `invalid experiment spec:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  }
}

export class BudgetExceededError extends SimError {
  constructor(
    readonly estimatedEvents: number,
    readonly limit: number,
    detail: string,
  ) {
    super(
      'BUDGET_EXCEEDED',
      `the experiment would process about ${fmt(estimatedEvents)} events (${detail}), over the limit of ${fmt(limit)}: ` +
        'shorten duration.measureUs, set duration.requests, or lower replications',
    );
  }
}

export class CancelledError extends SimError {
  constructor(atFraction: number) {
    super('CANCELLED', `simulation cancelled at ${(atFraction * 100).toFixed(0)}% of its simulated time`);
  }
}


function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : `${Math.round(n)}`;
}
