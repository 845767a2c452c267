import type { NicPlan } from '../flexnic/plan.js';
import type { ResolvedSpec } from '../spec/resolve.js';

/**
 * KV GETs and SETs; web requests whose file is in the page cache (hit) or must be read (miss);
 * analytics tuples.
 */
export type Operation = 'get' | 'set' | 'hit' | 'miss' | 'tuple';
export const OPERATIONS: readonly Operation[] = ['get', 'set', 'hit', 'miss', 'tuple'];

export type ServerKind = ResolvedSpec['workload']['kv']['server'] | 'web' | 'analytics';

/** The server software the workload runs. */
export function serverOf(spec: ResolvedSpec): ServerKind {
  switch (spec.workload.kind) {
    case 'web':
      return 'web';
    case 'analytics':
      return 'analytics';
    case 'kv':
      return spec.workload.kv.server;
  }
}

/** Each operation with its share of the requests (shares sum to 1; zero shares included). */
export function operationMix(spec: ResolvedSpec): [Operation, number][] {
  switch (spec.workload.kind) {
    case 'web':
      return [
        ['hit', spec.workload.web.pageCacheHitRatio],
        ['miss', 1 - spec.workload.web.pageCacheHitRatio],
      ];
    case 'analytics':
      return [['tuple', 1]];
    case 'kv':
      return [
        ['get', spec.workload.kv.getRatio],
        ['set', 1 - spec.workload.kv.getRatio],
      ];
  }
}

/** The clients and how they load the server. */
export function clientLoad(spec: ResolvedSpec): Pick<ResolvedSpec['workload']['kv'], 'clients' | 'load'> {
  switch (spec.workload.kind) {
    case 'web':
      return spec.workload.web;
    case 'analytics':
      return { clients: spec.workload.analytics.sources, load: spec.workload.analytics.load };
    case 'kv':
      return spec.workload.kv;
  }
}

/** What one request carries and what the server must do for it, independent of the I/O path. */
export interface RequestShape {
  op: Operation;
  server: ServerKind;
  l4: 'tcp' | 'udp';
  requestBytes: number;
  replyBytes: number;
  keySize: number;
  valueSize: number;
  persist: boolean;
  /** Bytes appended to the persistent log (Redis AOF entry) per SET. */
  logBytes: number;
  /** Web: the file served, and whether it is read from the page cache or from the device. */
  fileBytes: number;
  fileRead?: 'cache' | 'device';
  /** What the NIC's program does to this request (set by buildPath; a plain NIC without one). */
  nic?: NicPlan;
}

const digits = (n: number) => String(n).length;

/**
 * Message sizes from the servers' wire protocols: Redis speaks RESP over TCP; memcached the text
 * protocol over UDP (8 B frame header); FlexKVS a binary protocol over UDP (24 B header).
 */
export function requestShape(spec: ResolvedSpec, op: Operation): RequestShape {
  if (spec.workload.kind === 'analytics') {
    const a = spec.workload.analytics;
    // A tuple in a UDP datagram with an 8 B sequence header; the ACK carries the sequence number.
    return { op, server: 'analytics', l4: 'udp', requestBytes: 8 + a.tupleBytes, replyBytes: 8, keySize: 8, valueSize: a.tupleBytes, persist: false, logBytes: 0, fileBytes: 0 };
  }
  if (spec.workload.kind === 'web') {
    const web = spec.workload.web;
    return {
      op,
      server: 'web',
      l4: 'tcp',
      requestBytes: web.requestBytes,
      replyBytes: web.replyHeaderBytes + web.fileBytes,
      keySize: 0,
      valueSize: web.fileBytes,
      persist: false,
      logBytes: 0,
      fileBytes: web.fileBytes,
      fileRead: op === 'miss' ? 'device' : 'cache',
    };
  }
  const kv = spec.workload.kv;
  const k = kv.keySize;
  const v = kv.valueSize;
  let requestBytes: number;
  let replyBytes: number;
  let l4: 'tcp' | 'udp';
  switch (kv.server) {
    case 'redis': {
      l4 = 'tcp';
      const bulk = (n: number) => 1 + digits(n) + 2 + n + 2; // $<n>\r\n<bytes>\r\n
      requestBytes = op === 'get' ? 4 + bulk(3) + bulk(k) : 4 + bulk(3) + bulk(k) + bulk(v);
      replyBytes = op === 'get' ? bulk(v) : 5; // bulk reply, or +OK\r\n
      break;
    }
    case 'memcached': {
      l4 = 'udp';
      requestBytes = 8 + (op === 'get' ? 4 + k + 2 : 4 + k + 5 + digits(v) + 2 + v + 2);
      replyBytes = 8 + (op === 'get' ? 6 + k + 3 + digits(v) + 2 + v + 2 + 5 : 8);
      break;
    }
    case 'flexkvs': {
      l4 = 'udp';
      requestBytes = 24 + k + (op === 'set' ? v : 0);
      replyBytes = 24 + (op === 'get' ? v : 0);
      break;
    }
  }
  const persist = op === 'set' && kv.persistence === 'fsync-per-set';
  return {
    op,
    server: kv.server,
    l4,
    requestBytes,
    replyBytes,
    keySize: k,
    valueSize: v,
    persist,
    logBytes: persist ? requestBytes : 0,
    fileBytes: 0,
  };
}
