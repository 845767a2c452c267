import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from '../support/stack.js';

/**
 * A corpus of malformed input — generated from the spec's fields with fast-check, plus
 * hand-written nasty ones — sent as a user or a broken CI script would: every one is answered
 * 4xx naming what is wrong, never 500, and nothing is stored.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start('bad-input', { workers: 0, env: { MAX_BODY_BYTES: '1048576' } });
});
afterAll(async () => {
  await stack?.stop();
});

/** Spec fields with what would be valid there; each generated case breaks exactly one. */
const FIELDS: [string, 'int' | 'number' | 'ratio' | 'enum' | 'bool' | 'object'][] = [
  ['seed', 'int'],
  ['replications', 'int'],
  ['duration.warmupUs', 'number'],
  ['duration.measureUs', 'number'],
  ['duration.requests', 'int'],
  ['hardware.cpu.cores', 'int'],
  ['hardware.cpu.ghz', 'number'],
  ['hardware.nic.gbps', 'number'],
  ['hardware.nic.ports', 'int'],
  ['hardware.pcie.gbps', 'number'],
  ['hardware.storage.kind', 'enum'],
  ['hardware.storage.queueDepth', 'int'],
  ['hardware.memory.tlbEntries', 'int'],
  ['hardware.memory.pageWalkCache', 'bool'],
  ['system.path', 'enum'],
  ['system.vm.virtualization', 'enum'],
  ['system.vm.paging', 'enum'],
  ['system.container.network', 'enum'],
  ['nic.steering', 'enum'],
  ['workload.kind', 'enum'],
  ['workload.kv.server', 'enum'],
  ['workload.kv.keys', 'int'],
  ['workload.kv.getRatio', 'ratio'],
  ['workload.kv.clients', 'int'],
  ['workload.kv.distribution', 'object'],
  ['workload.web.fileBytes', 'int'],
  ['workload.web.pageCacheHitRatio', 'ratio'],
  ['workload.analytics.tupleBytes', 'int'],
];

/** A value that is wrong for a field of this kind. */
function wrongFor(kind: (typeof FIELDS)[number][1]): fc.Arbitrary<unknown> {
  const anyWrongType = fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }));
  switch (kind) {
    case 'int':
      return fc.oneof(anyWrongType, fc.double({ min: 0.1, max: 1e6, noNaN: true }).filter((x) => !Number.isInteger(x)), fc.integer({ max: -1 }), fc.constant(1e300), fc.boolean());
    case 'number':
      return fc.oneof(anyWrongType, fc.integer({ max: -1 }), fc.constant(1e308), fc.constant(-0.000001), fc.boolean());
    case 'ratio':
      return fc.oneof(anyWrongType, fc.double({ min: 1.000001, max: 1e9, noNaN: true }), fc.double({ min: -1e9, max: -0.000001, noNaN: true }));
    case 'enum':
      return fc.oneof(fc.string({ maxLength: 12 }).filter((s) => !['linux', 'vm', 'container', 'arrakis', 'kv', 'web', 'analytics', 'rss', 'flexnic', 'redis', 'memcached', 'flexkvs', 'hardware', 'trap-and-emulate', 'nested', 'shadow', 'host', 'bridge', 'raid-flash-cache', 'iodrive2'].includes(s)), fc.integer(), fc.constant(null), fc.boolean());
    case 'bool':
      return fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null));
    case 'object':
      return fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.record({ kind: fc.string({ maxLength: 6 }).filter((s) => s !== 'uniform' && s !== 'zipf') }));
  }
}

function setPath(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((acc, k) => ({ [k]: acc }), value) as Record<string, unknown>;
}

const brokenSpec = fc.constantFrom(...FIELDS).chain(([path, kind]) => wrongFor(kind).map((value) => ({ path, value })));
const unknownField = fc
  .tuple(fc.constantFrom('', 'hardware.', 'hardware.cpu.', 'workload.', 'workload.kv.', 'system.', 'duration.'), fc.stringMatching(/^[a-z][a-zA-Z]{2,10}$/))
  .filter(([, k]) => !['cpu', 'nic', 'pcie', 'storage', 'memory', 'vm', 'path', 'container', 'kind', 'kv', 'web', 'analytics', 'name', 'seed', 'replications', 'duration', 'hardware', 'system', 'workload', 'ghz', 'cores', 'server', 'keys', 'keySize', 'valueSize', 'getRatio', 'clients', 'load', 'distribution', 'persistence', 'storagePath', 'warmupUs', 'measureUs', 'requests', 'nic', 'steering', 'program', 'pipeline'].includes(k))
  .map(([prefix, key]) => ({ path: `${prefix}${key}`, value: 1 }));

describe('bad input', () => {
  it('answers every generated malformed spec 400 naming the broken field, and stores nothing', async () => {
    const before = await stack.count('experiment');
    const cases = [...fc.sample(brokenSpec, { numRuns: 420, seed: 1 }), ...fc.sample(unknownField, { numRuns: 100, seed: 2 })];
    expect(cases.length).toBeGreaterThanOrEqual(500);
    const misses: string[] = [];
    for (const { path, value } of cases) {
      const res = await stack.http().post('/v1/experiments').send({ spec: setPath(path, value) });
      if (res.status !== 400 || res.body.error?.code !== 'BAD_USER_INPUT') {
        misses.push(`${path} = ${JSON.stringify(value)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        continue;
      }
      const paths: string[] = res.body.error.problems.map((p: { path: string }) => p.path);
      // The problem is at the field, or (a wrong object, a cross-field rule) at a parent of it.
      if (!paths.some((p) => `spec.${path}`.startsWith(p) || p.startsWith(`spec.${path}`))) misses.push(`${path}: problems at ${paths.join(', ')}`);
    }
    expect(misses).toEqual([]);
    expect(await stack.count('experiment')).toBe(before);
  });

  it('answers hand-written nasty requests 4xx, never 500', async () => {
    const before = await stack.count('experiment');
    const deep = '{"spec":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + '}';
    const raw: [string, string, string][] = [
      ['application/json', deep, 'deep nesting'],
      ['application/json', '{"spec": {"seed": NaN}}', 'NaN'],
      ['application/json', '{"spec": {"seed": 1e999}}', 'a number JSON cannot hold'],
      ['application/json', '{"spec": ', 'truncated JSON'],
      ['application/json', '[]', 'an array'],
      ['application/json', '"spec"', 'a string'],
      ['application/json', 'null', 'null'],
      ['application/json', '', 'empty'],
      ['application/json', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).toString('latin1'), 'invalid UTF-8'],
      ['application/json', JSON.stringify({ spec: { name: 'x'.repeat(11 * 1024 * 1024) } }), '11 MB'],
      ['text/plain', 'spec: {}', 'not JSON at all'],
      ['application/json', JSON.stringify({ spec: { nic: { steering: 'flexnic', program: Array.from({ length: 1000 }, () => ({ match: {}, actions: [] })) } } }), '1000 rules'],
      ['application/json', JSON.stringify({ spec: { hardware: { cpu: { cores: 1e6 } } } }), 'a million cores'],
      ['application/json', JSON.stringify({ spec: { duration: { measureUs: 1e8 }, replications: 100 } }), 'over the work budget'],
      ['application/json', JSON.stringify({ spec: {}, tags: ['x'.repeat(1000)] }), 'a huge tag'],
      ['application/json', JSON.stringify({ spec: {}, name: 42 }), 'a number as the name'],
      ['application/json', JSON.stringify({ spec: { __proto__: { polluted: true }, constructor: { prototype: { bad: 1 } } } }), 'prototype pollution'],
    ];
    for (const [type, body, what] of raw) {
      const res = await stack.http().post('/v1/experiments').set('content-type', type).send(body);
      expect(res.status, `${what}: ${res.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${what}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
      if (type === 'application/json' || res.status !== 415) expect(res.body.error?.message, what).toBeTruthy();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await stack.count('experiment')).toBe(before);
  });

  it('answers malformed GraphQL documents with errors, never a 500', async () => {
    const docs = [
      '{',
      '{ nope }',
      'mutation { submitExperiment }',
      'mutation { submitExperiment(input: {spec: "not an object"}) { id } }',
      'query($id: ID!) { run(id: $id) { id } }',
      '{ run(id: 42) { id } }',
      '{ runs(first: -1) { totalCount } }',
      '{ runs(first: 1000000) { totalCount } }',
      '{ runs(after: "%%%") { totalCount } }',
      '{ runs(filter: {status: [NOPE]}) { totalCount } }',
      '{ runs(filter: {createdAfter: "yesterday"}) { totalCount } }',
      '{ compare(baseline: {}, candidate: {}) { test } }',
      'subscription { runs }',
      '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }',
      ...fc.sample(fc.string({ maxLength: 40 }), { numRuns: 40, seed: 3 }),
    ];
    for (const query of docs) {
      const res = await stack.http().post('/graphql').send({ query, variables: {} });
      expect(res.status, query).toBeLessThan(500);
      expect(res.body.errors?.length, query).toBeGreaterThan(0);
      expect(res.body.errors[0].extensions?.code, query).not.toBe('INTERNAL_SERVER_ERROR');
    }
  });
});
