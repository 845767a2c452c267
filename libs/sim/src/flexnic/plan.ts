import { InvalidSpecError, type SpecProblem } from '../errors.js';
import type { RequestShape } from '../model/workload.js';
import type { ResolvedSpec } from '../spec/resolve.js';
import { checkProgram, PARSER_FIELDS, type Action, type CheckedProgram, type Rule } from './program.js';

/**
 * What a NIC program does to one kind of request: which core receives it, what arrives with it,
 * and where the NIC writes it. The path builders turn this into stages; nothing here is a cost.
 */
export interface NicPlan {
  /** `flow`: a hash of the connection (RSS); `key`: a hash of the request's key. */
  steer: 'flow' | 'key';
  /** Key steering modulo the cores: each core owns one partition of the table. */
  partitioned: boolean;
  /** The key's hash arrives with the request (in the descriptor, or DMA'd with it). */
  hashDelivered: boolean;
  /** Custom DMA: the NIC writes the request's fields into the application's structures. */
  customDma?: { to: 'app:item-log' | 'app:event-queue'; bytes: number };
  /** The NIC acknowledges the request itself; the host sends nothing back. */
  nicAck: boolean;
  /** Match+action stages the packet goes through (0 without FlexNIC). */
  pipelineStages: number;
}

export const PLAIN_NIC: NicPlan = { steer: 'flow', partitioned: false, hashDelivered: false, nicAck: false, pipelineStages: 0 };

/** Header values of a request, as the parser would extract them. */
function headerOf(shape: RequestShape): Record<string, string | number> {
  const header: Record<string, string | number> = { 'eth.type': 0x0800, 'ip.proto': shape.l4 === 'udp' ? 17 : 6 };
  const port = { redis: 6379, memcached: 11211, flexkvs: 11211, web: 80, analytics: 5555 }[shape.server];
  header[`${shape.l4}.dstPort`] = port;
  for (const field of Object.keys(PARSER_FIELDS)) {
    const [proto] = field.split('.');
    if (proto === 'kvs' && carries(shape, 'kvs')) header[field] = field === 'kvs.op' ? shape.op : '*';
    if (proto === 'tuple' && carries(shape, 'tuple')) header[field] = '*';
  }
  return header;
}

/**
 * The parser reads application headers in UDP datagrams: the KV protocol (FlexKVS, memcached)
 * and the analytics tuples; not in a TCP byte stream (Redis, HTTP).
 */
function carries(shape: RequestShape, protocol: 'kvs' | 'tuple'): boolean {
  if (shape.l4 !== 'udp') return false;
  return protocol === 'kvs' ? shape.server === 'flexkvs' || shape.server === 'memcached' : shape.server === 'analytics';
}

/** Fields whose hash picks the core that owns the request's state. */
const KEY_FIELDS = ['kvs.key', 'tuple.key'];

/** The spec's program, checked (every problem at once, as InvalidSpecError). */
export function compileProgram(spec: ResolvedSpec): CheckedProgram {
  const checked = checkProgram(spec.nic.program as Parameters<typeof checkProgram>[0], spec.nic.pipeline);
  if (Array.isArray(checked)) throw new InvalidSpecError(checked);
  return checked;
}

/** The plan for requests of `shape`: the first rule whose match they meet decides. */
export function nicPlan(spec: ResolvedSpec, shape: RequestShape): NicPlan {
  if (spec.nic.steering !== 'flexnic') return PLAIN_NIC;
  const program = compileProgram(spec);
  const header = headerOf(shape);
  const index = program.rules.findIndex((rule) => Object.entries(rule.match).every(([f, v]) => String(header[f]) === String(v)));
  if (index === -1) return { ...PLAIN_NIC, pipelineStages: program.stages };
  return planOfRule(program.rules[index], index, shape, program.stages);
}

function planOfRule(rule: Rule, r: number, shape: RequestShape, stages: number): NicPlan {
  const problems: SpecProblem[] = [];
  const header = headerOf(shape);
  // Which header fields each register was computed from.
  const derived = new Map<string, Set<string>>();
  const sources = (names: string[]) => new Set(names.flatMap((n) => [...(derived.get(n) ?? expand(n))]));
  const plan: NicPlan = { ...PLAIN_NIC, pipelineStages: stages };

  rule.actions.forEach((a: Action, i) => {
    const missing = readsOf(a).flatMap((n) => [...expand(n)]).filter((f) => f in PARSER_FIELDS && !(f in header) && /^(kvs|tuple)\./.test(f));
    if (missing.length) {
      problems.push({
        path: `nic.program.${r}.actions.${i}`,
        message: `rule ${r}, action ${i} (${a.op}): reads ${missing[0]}, which ${shape.server} requests do not carry (the parser reads application headers in UDP datagrams: the KV protocol and analytics tuples; ${shape.server} speaks ${shape.l4.toUpperCase()})`,
      });
      return;
    }
    switch (a.op) {
      case 'hash':
      case 'checksum':
        derived.set(a.into, sources(a.fields));
        return;
      case 'count':
        derived.set(a.into, new Set());
        return;
      case 'steer': {
        const regs = a.by === 'flow' ? [] : (a.by.match(/[a-z][a-z0-9_]*/g) ?? []).filter((t) => derived.has(t));
        const byKey = regs.some((reg) => KEY_FIELDS.some((k) => derived.get(reg)!.has(k)));
        plan.steer = byKey ? 'key' : 'flow';
        plan.partitioned = byKey && /%\s*(cores|queues)\b/.test(a.by);
        plan.hashDelivered ||= byKey; // the steering hash is written into the receive descriptor, as RSS's is
        return;
      }
      case 'dma': {
        if (a.fields.some((f) => KEY_FIELDS.some((k) => derived.get(f)?.has(k)))) plan.hashDelivered = true;
        if (a.to === 'core-queue') return;
        const bytes = a.fields.reduce((sum, f) => sum + (derived.has(f) ? 4 : [...expand(f)].reduce((s, x) => s + fieldBytes(x, shape), 0)), 0);
        plan.customDma = { to: a.to, bytes };
        return;
      }
      case 'set':
        return;
      case 'ack':
      case 'reply':
        // An analytics tuple's reply is its acknowledgement: the NIC can send it. A KV reply
        // carries data the NIC does not have.
        if (shape.server === 'analytics') {
          plan.nicAck = true;
          return;
        }
        problems.push({
          path: `nic.program.${r}.actions.${i}`,
          message: `rule ${r}, action ${i} (${a.op}): a ${shape.server} reply carries data only the host has; NIC-generated replies are modelled for analytics acknowledgements`,
        });
        return;
      case 'drop':
        problems.push({
          path: `nic.program.${r}.actions.${i}`,
          message: `rule ${r}, action ${i} (drop): dropping requests is not modelled (closed-loop clients would wait forever; there is no retransmission)`,
        });
        return;
    }
  });
  if (problems.length) throw new InvalidSpecError(problems);
  return plan;
}

function readsOf(a: Action): string[] {
  switch (a.op) {
    case 'hash':
    case 'checksum':
    case 'dma':
      return a.fields;
    case 'set':
      return typeof a.value === 'string' ? [a.value] : [];
    case 'steer':
    case 'count':
    case 'reply':
    case 'ack':
    case 'drop':
      return [];
  }
}

/** A field group stands for its fields; a field or register for itself. */
function expand(name: string): Set<string> {
  if (name in PARSER_FIELDS) return new Set([name]);
  const group = Object.keys(PARSER_FIELDS).filter((f) => f.startsWith(`${name}.`));
  return new Set(group.length ? group : [name]);
}

function fieldBytes(field: string, shape: RequestShape): number {
  if (field === 'kvs.key') return shape.keySize;
  if (field === 'kvs.value') return shape.op === 'set' ? shape.valueSize : 0;
  if (field === 'tuple.value') return shape.valueSize;
  return PARSER_FIELDS[field] ?? 0;
}
