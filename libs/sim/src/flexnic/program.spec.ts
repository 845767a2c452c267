import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../errors.js';
import { simulate } from '../simulate.js';
import { checkProgram } from './program.js';

const limits = { stages: 4, tableEntries: 1024 };
const KEY_STEERING = [
  { op: 'hash', fields: ['kvs.key'], into: 'h' },
  { op: 'steer', to: 'core', by: 'h % cores' },
  { op: 'dma', fields: ['h', 'kvs'], to: 'app:item-log' },
];

/** Problems of a one-rule program with these actions (and match). */
function problems(actions: Record<string, unknown>[], match: Record<string, string | number> = { 'udp.dstPort': 11211 }) {
  const r = checkProgram([{ match, actions }], limits);
  return Array.isArray(r) ? r : [];
}

describe('FlexNIC programs: what the pipeline accepts', () => {
  it('accepts key steering with custom DMA in two stages (the hash, then steer and DMA reading it)', () => {
    const r = checkProgram([{ match: { 'udp.dstPort': 11211 }, actions: KEY_STEERING }], limits);
    expect(Array.isArray(r)).toBe(false);
    expect(!Array.isArray(r) && r.stages).toBe(2);
  });

  it('accepts the ALU operations, flow steering, modify, bounded counters, replies and drops', () => {
    expect(
      problems([
        { op: 'checksum', fields: ['ip'], into: 'c' },
        { op: 'steer', to: 'queue', by: 'c >> 3 & 7' },
        { op: 'set', field: 'ip.dst', value: 'c' },
        { op: 'count', into: 'n', entries: 512 },
        { op: 'ack' },
      ]),
    ).toEqual([]);
    expect(problems([{ op: 'steer', to: 'core', by: 'flow' }, { op: 'drop' }])).toEqual([]);
  });
});

describe('FlexNIC programs: what the hardware could not run is refused with the rule, the action and the reason', () => {
  it('a loop or recursion', () => {
    for (const op of ['loop', 'while', 'recurse']) {
      expect(problems([{ op }])).toEqual([
        { path: 'nic.program.0.actions.0', message: expect.stringMatching(new RegExp(`rule 0, action 0 \\(${op}\\): loops and recursion cannot run at line rate`)) },
      ]);
    }
    const back = checkProgram([{ match: {}, actions: [] }, { match: {}, actions: [{ op: 'goto', rule: 0 }] }], limits);
    expect(back).toEqual([{ path: 'nic.program.1.actions.0', message: expect.stringMatching(/jumping back to rule 0 is a loop/) }]);
  });

  it('more stages than the pipeline has', () => {
    // Each hash reads the one before it: a chain of five dependent stages.
    const chain = [
      { op: 'hash', fields: ['kvs.key'], into: 'a' },
      { op: 'hash', fields: ['a'], into: 'b' },
      { op: 'hash', fields: ['b'], into: 'c' },
      { op: 'hash', fields: ['c'], into: 'd' },
      { op: 'steer', to: 'core', by: 'd % cores' },
    ];
    expect(problems(chain)).toEqual([{ path: 'nic.program.0', message: expect.stringMatching(/rule 0: needs 5 match\+action stages .* more than the pipeline's 4 \(nic.pipeline.stages\)/) }]);
    expect(checkProgram([{ match: {}, actions: chain }], { ...limits, stages: 5 })).not.toBeInstanceOf(Array);
  });

  it('state beyond a bounded per-rule table', () => {
    expect(problems([{ op: 'store', key: 'kvs.key', into: 's' }])[0].message).toMatch(/action 0 \(store\): state must be a table with a fixed number of entries .*unbounded state/);
    expect(problems([{ op: 'count', into: 'n', entries: 1_000_000 }])[0].message).toMatch(/a table of 1000000 entries is beyond the NIC's 1024 per rule/);
    const registers = ['a', 'b', 'c', 'd', 'e'].map((into) => ({ op: 'hash', fields: ['ip.src'], into }));
    expect(problems(registers)).toEqual([{ path: 'nic.program.0.actions.4', message: expect.stringMatching(/more than 4 metadata registers/) }]);
  });

  it('arithmetic beyond the action ALU', () => {
    const steer = (by: string) => problems([{ op: 'hash', fields: ['kvs.key'], into: 'h' }, { op: 'steer', to: 'core', by }]);
    expect(steer('h * 3 % cores')[0]).toEqual({ path: 'nic.program.0.actions.1', message: expect.stringMatching(/rule 0, action 1 \(steer\): 'h \* 3 % cores' uses '\*', which the action ALU cannot compute/) });
    expect(steer('h / 2')[0].message).toMatch(/uses '\/'/);
    expect(steer('sqrt(h)')[0].message).toMatch(/calls a function/);
    expect(problems([{ op: 'multiply', fields: ['ip.src'], into: 'x' }])[0].message).toMatch(/unknown action "multiply".*no multiplication, division or floating point/);
  });

  it('a field the parser does not know, in a match or an action, or a register read before it is written', () => {
    expect(problems([], { 'kvs.colour': 'red' })).toEqual([{ path: 'nic.program.0', message: expect.stringMatching(/rule 0: the parser does not extract 'kvs.colour' \(match\); it knows kvs.op, kvs.opaque/) }]);
    expect(problems([{ op: 'hash', fields: ['http.url'], into: 'h' }])[0].message).toMatch(/action 0 \(hash\): the parser does not extract 'http.url'/);
    expect(problems([{ op: 'steer', to: 'core', by: 'h % cores' }])[0].message).toMatch(/register 'h' is read before any action of this rule writes it/);
    expect(problems([{ op: 'dma', fields: ['kvs'], to: 'app:heap' }])[0].message).toMatch(/'to' must be one of core-queue, app:item-log, app:event-queue/);
  });

  it('lists every problem of a program at once, as simulate() refuses it', async () => {
    const spec = {
      nic: {
        steering: 'flexnic',
        program: [
          { match: { 'udp.dstPort': 11211 }, actions: [{ op: 'loop' }, { op: 'steer', to: 'core', by: 'h * 2' }] },
          { match: { 'kvs.colour': 1 }, actions: [] },
        ],
      },
      workload: { kind: 'kv', kv: { server: 'flexkvs' } },
    };
    const err = await simulate(spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidSpecError);
    expect((err as InvalidSpecError).problems.map((p) => p.path)).toEqual(['nic.program.0.actions.0', 'nic.program.0.actions.1', 'nic.program.1']);
  });

  it('refuses a program that reads KV fields of requests that do not carry them (Redis speaks RESP over TCP)', async () => {
    const spec = { nic: { steering: 'flexnic', program: [{ match: {}, actions: KEY_STEERING }] }, workload: { kind: 'kv', kv: { server: 'redis' } } };
    await expect(simulate(spec)).rejects.toThrow(/nic.program.0.actions.0: rule 0, action 0 \(hash\): reads kvs.key, which redis requests do not carry/);
  });
});
