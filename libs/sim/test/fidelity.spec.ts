import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { frameTimeNs, simulate } from '../src/index.js';
import { at, fromDotted, loadSeedCases, merge, range, type SeedCase } from './seed-cases.js';

/**
 * The lecture's figures (seed-cases.json), run through the model as a user would: each case's
 * spec on top of the defaults, each expectation checked against its published range.
 */
const cases = loadSeedCases();
const seed = (id: string): SeedCase => {
  const c = cases.get(id);
  if (!c) throw new Error(`seed case ${id} is missing from seed-cases.json`);
  return c;
};

function expectIn(value: number, [lo, hi]: [number, number], what: string): void {
  expect(value, `${what} = ${value}, published range [${lo}, ${hi}]`).toBeGreaterThanOrEqual(lo);
  expect(value, `${what} = ${value}, published range [${lo}, ${hi}]`).toBeLessThanOrEqual(hi);
}

describe('fidelity: Arrakis Redis latency and breakdown', () => {
  it.each(['redis-get-linux', 'redis-get-arrakis', 'redis-set-linux-ext4', 'redis-set-arrakis'])('%s', async (id) => {
    const c = seed(id);
    const result = await simulate(c.spec);
    for (const [metric, r] of Object.entries(c.expect ?? {})) {
      expectIn(at(result, metric), r as [number, number], `${id}: ${metric}`);
    }
  });

  it('Arrakis cuts GET latency by more than half and SET latency by about 80% (lecture: 65%, 81%)', async () => {
    const lat = async (id: string, op: string) => at(await simulate(seed(id).spec), `metrics.latencyUs.${op}.mean`);
    const getCut = 1 - (await lat('redis-get-arrakis', 'get')) / (await lat('redis-get-linux', 'get'));
    const setCut = 1 - (await lat('redis-set-arrakis', 'set')) / (await lat('redis-set-linux-ext4', 'set'));
    expect(getCut).toBeGreaterThan(0.5);
    expect(setCut).toBeGreaterThan(0.75);
    expect(setCut).toBeLessThan(0.85);
  });
});

describe('fidelity: throughput', () => {
  it('redis-set-throughput-ratio: Arrakis SET throughput over Linux, and a faster device helps Arrakis', async () => {
    const c = seed('redis-set-throughput-ratio');
    const tput: Record<string, number> = {};
    for (const [name, spec] of Object.entries(c.runs ?? {})) tput[name] = at(await simulate(spec), c.compare!.metric);
    expectIn(tput[c.compare!.numerator] / tput[c.compare!.denominator], c.compare!.range, 'SET throughput ratio');
    expect(tput['redis-set-arrakis-iodrive2']).toBeGreaterThan(tput['redis-set-arrakis-tput']);
  });

  it('memcached-scaling: the Arrakis/Linux ratio grows with cores as published; Arrakis stays under line rate', async () => {
    const c = seed('memcached-scaling');
    const ranges: Record<number, [number, number]> = {
      1: range(c, 'ratio arrakis/linux at 1 core'),
      2: range(c, 'ratio at 2 cores'),
      4: range(c, 'ratio at 4 cores'),
    };
    const cores = c.sweep!.axes['hardware.cpu.cores'] as number[];
    for (const n of cores) {
      const run = (path: string) =>
        simulate(merge(merge(c.sweep!.base, fromDotted('hardware.cpu.cores', n)), fromDotted('system.path', path)));
      const linux = await run('linux');
      const arrakis = await run('arrakis');
      expectIn(arrakis.metrics.throughputOpsPerSec / linux.metrics.throughputOpsPerSec, ranges[n], `ratio at ${n} cores`);
      // "below the 10 Gb/s line rate for the request and reply sizes": no port direction is saturated.
      expect(arrakis.metrics.utilization.nic).toBeLessThan(1);
      expect(arrakis.metrics.bottleneck).not.toBe('nic');
    }
  });
});

describe('fidelity: the wire', () => {
  it('nic-packet-time: a 64 B frame every ~50 ns at 10 Gb/s, ~12 ns at 40 Gb/s', () => {
    const c = seed('nic-packet-time');
    expectIn(frameTimeNs(64, 10), range(c, '64B frame time at 10 Gb/s ns'), '64 B on the wire at 10 Gb/s');
    expectIn(frameTimeNs(64, 40), range(c, 'at 40 Gb/s ns'), '64 B on the wire at 40 Gb/s');
    // The lecture's convention (frame alone) is the other figure the model can state.
    expect(frameTimeNs(64, 10, { onWire: false })).toBeCloseTo(51.2, 6);
    expect(frameTimeNs(64, 10)).toBeCloseTo(67.2, 6);
  });
});

describe('fidelity: virtualization', () => {
  const short = { duration: { measureUs: 5_000 } };

  it('vm-crossings: an interrupt plus a read system call cross 8 times in a trap-and-emulate VM, 4 natively', async () => {
    const c = seed('vm-crossings');
    const perPair = async (run: string) => {
      const { crossingsPerEvent } = (await simulate(merge(c.runs![run], short))).metrics;
      return crossingsPerEvent.interrupt + crossingsPerEvent.syscall;
    };
    expect(await perPair('vm')).toBe(c.expect!['crossings per (interrupt + read syscall), vm']);
    expect(await perPair('native')).toBe(c.expect!.native);
  });

  it('nested-page-walk: a TLB miss walks up to 24 references with nested paging, 4 natively and with shadow tables', async () => {
    const c = seed('nested-page-walk');
    // The worst case is the walk with no page-walk cache to help.
    const tlb = async (system: Record<string, unknown>, pageWalkCache: boolean) =>
      (await simulate({ system, hardware: { memory: { pageWalkCache } }, ...short })).metrics.tlb;
    const nested = await tlb({ path: 'vm', vm: { paging: 'nested' } }, false);
    expect(nested.walkRefsPerMiss).toBe(c.expect!['walkRefsPerMiss nested worst case']);
    expect(nested.walkRefsWorstCase).toBe(c.expect!['walkRefsPerMiss nested worst case']);
    expect((await tlb({ path: 'linux' }, false)).walkRefsPerMiss).toBe(c.expect!.native);
    expect((await tlb({ path: 'vm', vm: { paging: 'shadow' } }, false)).walkRefsPerMiss).toBe(c.expect!.shadow);
    // Page-walk caches cut the nested walk far below its worst case, and it stays above native.
    const cached = await tlb({ path: 'vm', vm: { paging: 'nested' } }, true);
    expect(cached.walkRefsPerMiss).toBeLessThan(nested.walkRefsPerMiss / 3);
    expect(cached.walkRefsPerMiss).toBeGreaterThan((await tlb({ path: 'linux' }, true)).walkRefsPerMiss);
  });
});

describe('fidelity: FlexNIC', () => {
  /** The sweep's NIC axis, as the programs in examples/ express each mode. */
  const programs: Record<string, string> = {
    'rss (flow steering)': 'flexkvs-flow-steering.yaml',
    'flexnic key steering': 'flexkvs-key-steering.yaml',
    'flexnic key steering + custom DMA': 'flexkvs-key-steering-custom-dma.yaml',
  };
  const nicOf = (label: string) => {
    const file = programs[label];
    if (!file) throw new Error(`no program for the axis value "${label}"`);
    return { nic: (parse(readFileSync(path.resolve(import.meta.dirname, '../../../examples', file), 'utf8')) as { nic: unknown }).nic };
  };

  it('flexkvs-key-steering: per-request processing, the throughput gain of key steering, and PCIe as the limit from 4 cores', async () => {
    const c = seed('flexkvs-key-steering');
    const [flow, key, keyDma] = Object.keys(programs);
    expect(c.sweep!.axes.nic).toEqual([flow, key, keyDma]);
    const run = async (cores: number, label: string) =>
      (await simulate(merge(merge(merge(c.sweep!.base, nicOf(label)), fromDotted('hardware.cpu.cores', cores)), { duration: { measureUs: 10_000 } }))).metrics;
    for (const cores of c.sweep!.axes['hardware.cpu.cores'] as number[]) {
      const [f, k, d] = [await run(cores, flow), await run(cores, key), await run(cores, keyDma)];
      expectIn(f.breakdown.all.appNs, range(c, 'app processing ns per request, flow'), `flow, ${cores} cores: app ns`);
      expectIn(k.breakdown.all.appNs, range(c, 'key'), `key, ${cores} cores: app ns`);
      expectIn(d.breakdown.all.appNs, range(c, 'key + custom DMA'), `key + custom DMA, ${cores} cores: app ns`);
      if (cores <= 3) expectIn(k.throughputOpsPerSec / f.throughputOpsPerSec, range(c, 'throughput gain key vs flow, cores 1-3'), `gain at ${cores} cores`);
      if (cores >= 4) expect(k.bottleneck, `key steering at ${cores} cores`).toBe(c.expect!['bottleneck at >= 4 cores with key steering']);
      else expect(k.bottleneck, `key steering at ${cores} cores`).toBe('cpu');
    }
  });
});
