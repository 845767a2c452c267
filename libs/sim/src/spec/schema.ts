import { z } from 'zod';

/**
 * The experiment spec v1 (docs/EXPERIMENT-SPEC.md) as a zod schema: the single source of the
 * field names, their defaults and their limits. `{}` is a valid experiment. Unknown fields are
 * refused (a typo must not silently fall back to a default).
 */

const between = (lo: number, hi: number) =>
  z.number().refine((v) => v >= lo && v <= hi, { message: `must be between ${lo} and ${hi}` });
const intBetween = (lo: number, hi: number) =>
  z
    .number()
    .refine((v) => Number.isInteger(v), { message: 'must be a whole number', abort: true })
    .refine((v) => v >= lo && v <= hi, { message: `must be between ${lo} and ${hi}` });

export const PATHS = ['linux', 'vm', 'container', 'arrakis'] as const;
export const STORAGE_KINDS = ['raid-flash-cache', 'iodrive2', 'custom'] as const;
export const KV_SERVERS = ['redis', 'memcached', 'flexkvs'] as const;

const cpu = z.strictObject({ cores: intBetween(1, 256).default(6), ghz: between(0.5, 6).default(2.2) });
const nic = z.strictObject({
  gbps: between(0.1, 800).default(10),
  ports: intBetween(1, 8).default(1),
  queues: intBetween(1, 1024).default(64),
});
const pcie = z.strictObject({ gbps: between(1, 2048).default(32) });
const storage = z.strictObject({
  kind: z.enum(STORAGE_KINDS).default('raid-flash-cache'),
  /** Defaults follow `kind` (see calibration); required for `custom`. */
  writeLatencyUs: between(0.1, 1_000_000).optional(),
  readLatencyUs: between(0.1, 1_000_000).optional(),
  queueDepth: intBetween(1, 65_536).default(32),
});

const vm = z.strictObject({
  virtualization: z.enum(['hardware', 'trap-and-emulate']).default('hardware'),
  paging: z.enum(['nested', 'shadow']).default('nested'),
  io: z.enum(['virtio', 'emulated', 'sriov']).default('virtio'),
  /** Guest page-table entry writes per request (mmap/munmap, fork, demand faults): shadow paging traps each. */
  pageTableUpdatesPerRequest: between(0, 10_000).default(0),
});
/** Address translation: the TLB's reach against the workload's working set. */
const memory = z.strictObject({
  /** Second-level TLB entries (Sandy Bridge: 512 4 KB entries). */
  tlbEntries: intBetween(1, 1_000_000).default(512),
  pageKB: z.union([z.literal(4), z.literal(2048), z.literal(1_048_576)]).default(4),
  pageWalkCache: z.boolean().default(true),
});
const container = z.strictObject({ network: z.enum(['host', 'bridge']).default('bridge') });

const rule = z.strictObject({
  match: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  actions: z.array(z.record(z.string(), z.unknown())).max(64).default([]),
});

const distribution = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('uniform') }),
  z.strictObject({ kind: z.literal('zipf'), theta: between(0, 10).default(0.99) }),
]);
const load = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('closed'), outstanding: intBetween(1, 1024).default(1) }),
  z.strictObject({ kind: z.literal('open'), rateOpsPerSec: between(1, 1e9) }),
]);

const kv = z.strictObject({
  server: z.enum(KV_SERVERS).default('redis'),
  keys: intBetween(1, 1e9).default(100_000),
  keySize: intBetween(1, 250).default(32),
  valueSize: intBetween(1, 1_048_576).default(64),
  getRatio: between(0, 1).default(0.9),
  distribution: distribution.prefault({ kind: 'uniform' }),
  /** Default follows `server`: redis persists every SET, the others keep data in memory. */
  persistence: z.enum(['none', 'fsync-per-set']).optional(),
  clients: intBetween(1, 100_000).default(64),
  load: load.prefault({ kind: 'closed' }),
});

/**
 * A web server request (the lecture's path): the request arrives, is parsed, the file is read
 * from the page cache (or the device, on a miss), the reply is formatted and sent.
 */
const web = z.strictObject({
  fileBytes: intBetween(1, 16_777_216).default(4096),
  /** Distinct files served: with fileBytes, the working set the TLB must cover. */
  files: intBetween(1, 100_000_000).default(10_000),
  pageCacheHitRatio: between(0, 1).default(0.9),
  requestBytes: intBetween(16, 65_536).default(256),
  replyHeaderBytes: intBetween(0, 65_536).default(256),
  clients: intBetween(1, 100_000).default(64),
  load: load.prefault({ kind: 'closed' }),
});

/**
 * Real-time analytics (the FlexNIC paper's Storm-like pipeline): sources stream tuples; the server
 * demultiplexes each to the worker that owns its key, which counts it and keeps a top-k rank, and
 * acknowledges it to the source. A FlexNIC program can do the demultiplexing and the ACK on the NIC.
 */
const analytics = z.strictObject({
  tupleBytes: intBetween(8, 1400).default(64),
  /** Distinct keys counted (the counting table's size). */
  keys: intBetween(1, 1e9).default(100_000),
  topK: intBetween(1, 10_000).default(10),
  sources: intBetween(1, 100_000).default(64),
  load: load.prefault({ kind: 'closed' }),
});

export const experimentSpecSchema = z.strictObject({
  name: z.string().max(200).default('experiment'),
  seed: intBetween(0, 4_294_967_295).default(42),
  replications: intBetween(1, 100).default(1),
  duration: z
    .strictObject({
      warmupUs: between(0, 10_000_000).default(1000),
      measureUs: between(1, 100_000_000).default(100_000),
      requests: intBetween(1, 1e9).nullable().default(null),
    })
    .prefault({}),
  hardware: z
    .strictObject({
      cpu: cpu.prefault({}),
      nic: nic.prefault({}),
      pcie: pcie.prefault({}),
      storage: storage.prefault({}),
      memory: memory.prefault({}),
    })
    .prefault({}),
  system: z
    .strictObject({
      /** Defaults to arrakis for FlexKVS (a kernel-bypass server), else linux. */
      path: z.enum(PATHS).optional(),
      vm: vm.prefault({}),
      container: container.prefault({}),
      storagePath: z.enum(['ext4', 'arrakis-vsa']).optional(),
    })
    .prefault({}),
  nic: z
    .strictObject({
      steering: z.enum(['rss', 'flexnic']).default('rss'),
      program: z.array(rule).max(64).default([]),
      /** The FlexNIC match+action pipeline that runs `program`. */
      pipeline: z
        .strictObject({
          stages: intBetween(1, 32).default(4),
          /** Entries of a rule's state table (counters, small maps). */
          tableEntries: intBetween(1, 1_048_576).default(1024),
        })
        .prefault({}),
    })
    .prefault({}),
  workload: z
    .strictObject({
      kind: z.enum(['kv', 'web', 'analytics']).default('kv'),
      kv: kv.prefault({}),
      web: web.prefault({}),
      analytics: analytics.prefault({}),
    })
    .prefault({}),
});

export type ExperimentSpecInput = z.input<typeof experimentSpecSchema>;
export type ParsedSpec = z.output<typeof experimentSpecSchema>;
