import type { SpecProblem } from '../errors.js';

/**
 * A FlexNIC program (Kaufmann et al., ASPLOS'16): match+action rules run by a pipeline that
 * keeps line rate — a parser that extracts header fields, a fixed number of match+action stages
 * and an action ALU. `checkProgram` refuses, before anything runs, what that hardware could not
 * do: loops or recursion, more stages than the pipeline has, state beyond a bounded table,
 * arithmetic the ALU lacks, fields the parser does not know. Each problem names the rule, the
 * action and the reason.
 */

/** Header fields the parser extracts, with their size in bytes (what a DMA of them moves). */
export const PARSER_FIELDS: Readonly<Record<string, number>> = {
  'eth.src': 6,
  'eth.dst': 6,
  'eth.type': 2,
  'ip.src': 4,
  'ip.dst': 4,
  'ip.proto': 1,
  'ip.len': 2,
  'udp.srcPort': 2,
  'udp.dstPort': 2,
  'udp.len': 2,
  'tcp.srcPort': 2,
  'tcp.dstPort': 2,
  'tcp.flags': 1,
  'tcp.seq': 4,
  // The KV protocol's header (FlexKVS's binary protocol over UDP): opcode, key, value, opaque id.
  'kvs.op': 1,
  'kvs.opaque': 4,
  'kvs.keyLen': 2,
  'kvs.key': 0, // sized by the workload
  'kvs.value': 0,
  // The analytics protocol: a sequence number and a tuple whose key decides its worker.
  'tuple.seq': 4,
  'tuple.key': 8,
  'tuple.value': 0,
};

/** Names that stand for every field under them (`kvs` = kvs.op, kvs.key, ...). */
const GROUPS = ['eth', 'ip', 'udp', 'tcp', 'kvs', 'tuple'] as const;

export const ALU_OPERATORS = ['+', '-', '&', '|', '^', '<<', '>>', '%'] as const;
const LOOP_OPS = ['loop', 'while', 'for', 'repeat', 'recurse', 'call', 'foreach'];
const DMA_TARGETS = ['core-queue', 'app:item-log', 'app:event-queue'] as const;
const STEER_TARGETS = ['core', 'queue'] as const;
/** Metadata registers: a few words per packet, as the pipeline's PHV holds them. */
const MAX_REGISTERS = 4;

export interface PipelineLimits {
  stages: number;
  tableEntries: number;
}

export type Action =
  | { op: 'hash' | 'checksum'; fields: string[]; into: string }
  | { op: 'steer'; to: 'core' | 'queue'; by: string }
  | { op: 'dma'; fields: string[]; to: (typeof DMA_TARGETS)[number] }
  | { op: 'set'; field: string; value: string | number }
  | { op: 'count'; into: string; entries: number }
  | { op: 'reply' | 'ack' | 'drop' };

export interface Rule {
  match: Record<string, string | number>;
  actions: Action[];
}

export interface CheckedProgram {
  rules: Rule[];
  /** Match+action stages the longest rule needs (at most the pipeline's). */
  stages: number;
}

/** Validates a program; returns it typed, or the list of problems (paths under `nic.program`). */
export function checkProgram(raw: { match: Record<string, string | number>; actions: Record<string, unknown>[] }[], limits: PipelineLimits): CheckedProgram | SpecProblem[] {
  const problems: SpecProblem[] = [];
  const rules: Rule[] = [];
  let stagesNeeded = 0;
  raw.forEach((rule, r) => {
    const where = (a?: number) => (a === undefined ? `nic.program.${r}` : `nic.program.${r}.actions.${a}`);
    const say = (a: number | undefined, op: string | undefined, reason: string) =>
      problems.push({ path: where(a), message: `rule ${r}${a === undefined ? '' : `, action ${a}${op ? ` (${op})` : ''}`}: ${reason}` });

    for (const field of Object.keys(rule.match)) {
      if (!(field in PARSER_FIELDS)) say(undefined, undefined, unknownField(field, 'match'));
    }
    // Registers written so far in this rule, with the stage that writes them.
    const written = new Map<string, number>();
    const actions: Action[] = [];
    let ruleStages = 1;
    rule.actions.forEach((a, i) => {
      const op = typeof a.op === 'string' ? a.op : undefined;
      const fail = (reason: string) => say(i, op, reason);
      // The stage an action can run in: after every stage that wrote a register it reads.
      const stageAfter = (reads: string[]) => 1 + Math.max(0, ...reads.map((x) => written.get(x) ?? 0));
      const readable = (names: unknown, what: string): string[] | undefined => {
        if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string')) {
          fail(`${what} must be a non-empty list of field names`);
          return undefined;
        }
        const bad = names.filter((n) => !(n in PARSER_FIELDS) && !(GROUPS as readonly string[]).includes(n) && !written.has(n));
        for (const n of bad) fail(isRegisterName(n) ? `register '${n}' is read before any action of this rule writes it` : unknownField(n, what));
        return bad.length ? undefined : (names as string[]);
      };
      const register = (name: unknown): string | undefined => {
        if (typeof name !== 'string' || !isRegisterName(name)) {
          fail(`'into' must name a metadata register (a short lower-case name such as h; got ${JSON.stringify(name)})`);
          return undefined;
        }
        if (!written.has(name) && written.size >= MAX_REGISTERS) {
          fail(`more than ${MAX_REGISTERS} metadata registers: the pipeline carries only ${MAX_REGISTERS} words of per-packet state`);
          return undefined;
        }
        return name;
      };

      if (op !== undefined && LOOP_OPS.includes(op)) {
        fail('loops and recursion cannot run at line rate: a FlexNIC pipeline passes each packet through its stages once');
        return;
      }
      switch (op) {
        case 'goto': {
          const target = a.rule;
          if (typeof target === 'number' && target <= r) fail(`jumping back to rule ${target} is a loop: a packet passes each stage once`);
          else fail('rules are matched in order by the match tables; there is no goto (use a more specific match)');
          return;
        }
        case 'hash':
        case 'checksum': {
          const fields = readable(a.fields, 'fields');
          const into = register(a.into);
          if (!fields || !into) return;
          const stage = stageAfter(fields);
          written.set(into, stage);
          ruleStages = Math.max(ruleStages, stage);
          actions.push({ op, fields, into });
          return;
        }
        case 'steer': {
          if (!(STEER_TARGETS as readonly string[]).includes(a.to as string)) {
            fail(`'to' must be one of ${STEER_TARGETS.join(', ')} (got ${JSON.stringify(a.to)})`);
            return;
          }
          const by = typeof a.by === 'string' ? a.by : String(a.by);
          const reads = checkExpression(by, written, fail);
          if (!reads) return;
          ruleStages = Math.max(ruleStages, stageAfter(reads));
          actions.push({ op, to: a.to as 'core' | 'queue', by });
          return;
        }
        case 'dma': {
          if (!(DMA_TARGETS as readonly string[]).includes(a.to as string)) {
            fail(`'to' must be one of ${DMA_TARGETS.join(', ')} (got ${JSON.stringify(a.to)})`);
            return;
          }
          const fields = readable(a.fields, 'fields');
          if (!fields) return;
          ruleStages = Math.max(ruleStages, stageAfter(fields));
          actions.push({ op, fields, to: a.to as (typeof DMA_TARGETS)[number] });
          return;
        }
        case 'set': {
          if (typeof a.field !== 'string' || !(a.field in PARSER_FIELDS)) {
            fail(typeof a.field === 'string' ? unknownField(a.field, 'set') : "'field' must name a header field");
            return;
          }
          const value = a.value;
          if (typeof value === 'string' && isRegisterName(value) && !written.has(value)) {
            fail(`register '${value}' is read before any action of this rule writes it`);
            return;
          }
          if (typeof value !== 'string' && typeof value !== 'number') {
            fail("'value' must be a number or a register");
            return;
          }
          ruleStages = Math.max(ruleStages, stageAfter(typeof value === 'string' ? [value] : []));
          actions.push({ op, field: a.field, value });
          return;
        }
        case 'count':
        case 'table':
        case 'store': {
          const entries = a.entries;
          if (typeof entries !== 'number' || !Number.isInteger(entries) || entries < 1) {
            fail(`state must be a table with a fixed number of entries ('entries', at most ${limits.tableEntries}); unbounded state does not fit on the NIC`);
            return;
          }
          if (entries > limits.tableEntries) {
            fail(`a table of ${entries} entries is beyond the NIC's ${limits.tableEntries} per rule (nic.pipeline.tableEntries)`);
            return;
          }
          const into = register(a.into ?? 'count');
          if (!into) return;
          written.set(into, 1);
          actions.push({ op: 'count', into, entries });
          return;
        }
        case 'reply':
        case 'ack':
        case 'drop':
          actions.push({ op });
          return;
        default:
          fail(
            `unknown action ${JSON.stringify(a.op)}; the ALU runs hash, checksum, steer, dma, set, count, reply, ack and drop` +
              (op && /^(mul|div|sqrt|pow|exp|log|float)/.test(op) ? ' — no multiplication, division or floating point' : ''),
          );
      }
    });
    if (ruleStages > limits.stages) {
      say(
        undefined,
        undefined,
        `needs ${ruleStages} match+action stages (its actions depend on each other in a chain that long), more than the pipeline's ${limits.stages} (nic.pipeline.stages)`,
      );
    }
    stagesNeeded = Math.max(stagesNeeded, ruleStages);
    rules.push({ match: rule.match, actions });
  });
  return problems.length ? problems : { rules, stages: stagesNeeded };
}

function isRegisterName(n: string): boolean {
  return /^[a-z][a-z0-9_]{0,15}$/.test(n) && !n.includes('.') && !(GROUPS as readonly string[]).includes(n) && n !== 'cores' && n !== 'queues';
}

function unknownField(field: string, where: string): string {
  const known = Object.keys(PARSER_FIELDS);
  const near = known.filter((k) => k.split('.')[0] === field.split('.')[0]);
  return `the parser does not extract '${field}' (${where}); it knows ${(near.length ? near : known).join(', ')}`;
}

/**
 * A steering expression: registers, integers, `cores` and `queues` joined by the ALU's operators;
 * `x % cores` is a redirection-table lookup, as RSS does it. Returns the registers it reads.
 */
function checkExpression(expr: string, written: Map<string, number>, fail: (reason: string) => void): string[] | undefined {
  if (expr === 'flow') return []; // the connection's RSS hash, as a plain NIC steers
  if (/[()]/.test(expr)) {
    fail(`'${expr}' calls a function; the action ALU only combines values with ${ALU_OPERATORS.join(' ')}`);
    return undefined;
  }
  const tokens = expr.match(/<<|>>|\*\*|[A-Za-z_][\w.]*|\d+|\S/g) ?? [];
  const reads: string[] = [];
  let expectOperand = true;
  for (const t of tokens) {
    if (expectOperand) {
      if (/^\d+$/.test(t) || t === 'cores' || t === 'queues') {
        // a constant
      } else if (written.has(t)) {
        reads.push(t);
      } else if (isRegisterName(t)) {
        fail(`register '${t}' is read before any action of this rule writes it`);
        return undefined;
      } else {
        fail(`'${t}' in '${expr}' is not a register, a number, cores or queues`);
        return undefined;
      }
    } else if (!(ALU_OPERATORS as readonly string[]).includes(t)) {
      fail(`'${expr}' uses '${t}', which the action ALU cannot compute: it has ${ALU_OPERATORS.join(' ')} (% by a redirection table) — no multiplication, division or floating point`);
      return undefined;
    }
    expectOperand = !expectOperand;
  }
  if (tokens.length === 0 || expectOperand) {
    fail(`'${expr}' is not a complete expression (e.g. "h % cores")`);
    return undefined;
  }
  return reads;
}
