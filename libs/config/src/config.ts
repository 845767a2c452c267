import { hostname } from 'node:os';
import { z } from 'zod';

/**
 * The service's configuration: environment variables with defaults, validated once at start.
 * A wrong value stops the process with the variable's name, what it expects and what it got.
 */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/iopath'),
  /** Connections each process keeps to Postgres. */
  DB_POOL_SIZE: int(1, 500).default(20),
  /**
   * The planner's cost of a random page read, set on every connection. Postgres's 4.0 assumes
   * spinning disks and, with it, walks a metric index hoping to meet a history filter's runs
   * (50 ms) instead of looking up the filter's runs by index (under 10 ms). 1.1 suits SSDs and
   * data that fits in memory; set 4 for spinning disks.
   */
  DB_RANDOM_PAGE_COST: z.coerce.number().min(0.1).max(100).default(1.1),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  /**
   * A Redis Cluster instead of REDIS_URL: its nodes as host:port, comma-separated. The queue's
   * keys then carry a hash tag ({QUEUE_PREFIX}) so each queue's keys share one slot.
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^$|^[\w.-]+:\d+(,[\w.-]+:\d+)*$/, 'must be host:port,host:port,...')
    .default(''),
  /** Keeps one deployment's (or one test's) queues apart from another's on a shared Redis. */
  QUEUE_PREFIX: z.string().regex(/^[\w-]+$/, 'must be letters, digits, _ or -').default('iopath'),
  API_HOST: z.string().min(1).default('0.0.0.0'),
  API_PORT: int(0, 65535).default(3000),
  /** Simulations are CPU-bound: one per process is the default; add processes to use more cores. */
  WORKER_CONCURRENCY: int(1, 64).default(1),
  WORKER_ID: z.string().min(1).default(`${hostname()}:${process.pid}`),
  /** How long a worker's claim on a job lasts without renewal; a killed worker's job is retried after it. */
  WORKER_LOCK_MS: int(1000, 3_600_000).default(30_000),
  WORKER_STALLED_CHECK_MS: int(500, 3_600_000).default(30_000),
  RUN_ATTEMPTS: int(1, 20).default(3),
  RUN_BACKOFF_MS: int(0, 600_000).default(2_000),
  /** Tries of a webhook delivery, the first retry after WEBHOOK_BACKOFF_MS, then doubling. */
  WEBHOOK_ATTEMPTS: int(1, 30).default(8),
  WEBHOOK_BACKOFF_MS: int(10, 3_600_000).default(1_000),
  /** A receiver that has not answered after this long counts as a failed attempt. */
  WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** How often a worker looks for runs that Postgres has queued and Redis does not know. */
  RECONCILE_INTERVAL_MS: int(1000, 3_600_000).default(30_000),
  /** A run left QUEUED this long without a job is re-enqueued (the API enqueues right after commit). */
  RECONCILE_GRACE_MS: int(0, 3_600_000).default(10_000),
  /** A run still simulating after this much wall time is stopped and marked FAILED. */
  RUN_TIMEOUT_MS: int(1000, 86_400_000).default(600_000),
  /**
   * How long the API keeps a token it has looked up, so a burst of requests does not look up the
   * same token each time. A token revoked in the database stops working within this time.
   */
  TOKEN_CACHE_MS: int(0, 3_600_000).default(10_000),
  /** Requests per minute per API token (per address without one). */
  RATE_LIMIT_PER_MINUTE: int(1, 10_000_000).default(1200),
  /** Largest request body accepted. */
  MAX_BODY_BYTES: int(1024, 100_000_000).default(1_048_576),
  /** GraphQL documents deeper or costlier than this are refused before they run. */
  GRAPHQL_MAX_DEPTH: int(2, 100).default(12),
  GRAPHQL_MAX_COMPLEXITY: int(10, 1_000_000).default(5000),
  /**
   * The API's address as people reach it, for the report links it hands out (reportUrl); unset,
   * links use the address each request came in on.
   */
  PUBLIC_URL: z.string().regex(/^$|^https?:\/\/[^/]+$/, 'must be http(s)://host[:port], without a path').default(''),
  /** How long a report link works (they are signed: anyone holding one can open it meanwhile). */
  REPORT_LINK_TTL_S: int(60, 31_536_000).default(30 * 24 * 3600),
  /** Browser origins allowed by CORS (comma-separated); none by default. */
  CORS_ORIGINS: z.string().default(''),
  /** Sweeps with more runs (points × replications) than this are refused at submission. */
  MAX_SWEEP_RUNS: int(1, 1_000_000).default(10_000),
  /** Specs whose estimated work is over this many events are refused at submission. */
  MAX_EVENTS_PER_RUN: int(1000, 10_000_000_000).default(200_000_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type AppConfig = z.infer<typeof schema>;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present, { reportInput: true });
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const name = String(i.path[0]);
    return `  ${name}: ${i.message} (got ${JSON.stringify(env[name])})`;
  });
  throw new ConfigError(`invalid configuration; fix these environment variables:\n${lines.join('\n')}`);
}

let cached: AppConfig | undefined;

/** The process's configuration, read from the environment on first use. */
export function loadConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
