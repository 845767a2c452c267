import { describe, expect, it } from 'vitest';
import { buildPath, requestShape, resolveSpec, simulate } from '../src/index.js';
import type { Metrics } from '../src/index.js';

/**
 * Specs nobody published: the same constants must behave sensibly away from the seed cases
 * (sizes, clocks, devices, paths), and the breakdown must follow from the stages.
 */
const redis = (over: Record<string, unknown>, kv: Record<string, unknown> = {}) => ({
  ...over,
  workload: { kind: 'kv', kv: { server: 'redis', clients: 1, getRatio: 1, valueSize: 1024, ...kv } },
});
const getMean = (m: Metrics) => m.latencyUs.get.mean;

describe('the model away from the published points', () => {
  it('GET latency grows with the value size on every path, and Arrakis is always faster', async () => {
    for (const path of ['linux', 'arrakis', 'container', 'vm'] as const) {
      let prev = 0;
      for (const valueSize of [64, 1024, 8192]) {
        const m = (await simulate(redis({ system: { path } }, { valueSize }))).metrics;
        expect(getMean(m), `${path} at ${valueSize} B`).toBeGreaterThan(prev);
        prev = getMean(m);
      }
    }
    for (const valueSize of [64, 4096]) {
      const linux = (await simulate(redis({ system: { path: 'linux' } }, { valueSize }))).metrics;
      const arrakis = (await simulate(redis({ system: { path: 'arrakis' } }, { valueSize }))).metrics;
      expect(getMean(arrakis)).toBeLessThan(getMean(linux));
    }
  });

  it('a faster clock shortens the software parts and leaves the hardware time alone', async () => {
    const slow = (await simulate(redis({ hardware: { cpu: { ghz: 2.2 } } }))).metrics.breakdown.get;
    const fast = (await simulate(redis({ hardware: { cpu: { ghz: 3.3 } } }))).metrics.breakdown.get;
    expect(fast.kernelNs / slow.kernelNs).toBeCloseTo(2.2 / 3.3, 1);
    expect(fast.appNs / slow.appNs).toBeCloseTo(2.2 / 3.3, 1);
    expect(Math.abs(fast.hardwareNs - slow.hardwareNs) / slow.hardwareNs).toBeLessThan(0.02);
  });

  it('a faster storage device shortens persistent SETs on Linux by its latency difference', async () => {
    const set = (kind: string) =>
      simulate({
        hardware: { storage: { kind } },
        workload: { kind: 'kv', kv: { server: 'redis', clients: 1, getRatio: 0, valueSize: 1024 } },
      });
    const raid = (await set('raid-flash-cache')).metrics.latencyUs.set.mean;
    const iodrive = (await set('iodrive2')).metrics.latencyUs.set.mean;
    // ext4 writes three blocks per fsync (data, journal, commit), each 10 µs faster.
    expect(raid - iodrive).toBeGreaterThan(25);
    expect(raid - iodrive).toBeLessThan(35);
  });

  it('containers on a bridge pay per-packet hops, VMs pay exits; neither beats native Linux', async () => {
    const lat = async (system: Record<string, unknown>) => getMean((await simulate(redis({ system }))).metrics);
    const linux = await lat({ path: 'linux' });
    const host = await lat({ path: 'container', container: { network: 'host' } });
    const bridge = await lat({ path: 'container', container: { network: 'bridge' } });
    const virtio = await lat({ path: 'vm' });
    const emulated = await lat({ path: 'vm', vm: { io: 'emulated' } });
    expect(host).toBeGreaterThan(linux);
    expect(bridge).toBeGreaterThan(host + 2);
    expect(virtio).toBeGreaterThan(linux);
    expect(emulated).toBeGreaterThan(virtio);
  });

  it('Arrakis has no kernel time and no crossings; Linux counts its system calls and interrupt', async () => {
    const arrakis = (await simulate(redis({ system: { path: 'arrakis' } }))).metrics;
    expect(arrakis.breakdown.get.kernelNs).toBe(0);
    expect(arrakis.crossings).toEqual({ userKernel: 0, guestHost: 0, vmExits: 0 });
    const linux = (await simulate(redis({ system: { path: 'linux' } }))).metrics;
    // interrupt (2) + epoll_wait (2) + read (2) + write (2)
    expect(linux.crossings.userKernel).toBe(8);
    expect(linux.breakdown.get.libioNs).toBe(0);
  });

  it('the breakdown is the sum of the path stages (no queueing with one client)', async () => {
    const spec = resolveSpec(redis({ system: { path: 'arrakis' } }));
    const path = buildPath(spec, requestShape(spec, 'get'));
    const libioCycles = path.stages.reduce((a, s) => a + (s.kind === 'cpu' && s.domain === 'libio' ? s.cycles : 0), 0);
    const m = (await simulate(spec)).metrics;
    // Stage costs carry ±10% jitter around their mean; the mean over many requests converges.
    expect(m.breakdown.get.libioNs / (libioCycles / 2.2)).toBeCloseTo(1, 1);
    expect(m.breakdown.get.queueNs).toBeLessThan(1);
  });

  it('keys that fit in the cache make lookups cheaper than keys that do not', async () => {
    const app = async (keys: number) =>
      (await simulate(redis({ system: { path: 'arrakis' } }, { keys, valueSize: 1024 }))).metrics.breakdown.get.appNs;
    expect(await app(1_000)).toBeLessThan((await app(10_000_000)) - 40);
  });

  it('open load below capacity is served at the offered rate; above it the queue grows', async () => {
    const open = (rate: number) =>
      simulate({
        duration: { measureUs: 50_000 },
        system: { path: 'arrakis' },
        workload: { kind: 'kv', kv: { server: 'memcached', load: { kind: 'open', rateOpsPerSec: rate } } },
        hardware: { cpu: { cores: 1 } },
      });
    const light = (await open(50_000)).metrics;
    expect(Math.abs(light.throughputOpsPerSec - 50_000) / 50_000).toBeLessThan(0.05);
    const heavy = (await open(400_000)).metrics;
    expect(heavy.throughputOpsPerSec).toBeLessThan(250_000);
    expect(heavy.latencyUs.all.p99).toBeGreaterThan(10 * light.latencyUs.all.p99);
    expect(heavy.bottleneck).toBe('cpu');
  });

  it('Linux persistent SETs are limited by synchronous storage; Arrakis by the device itself', async () => {
    const run = (path: string) =>
      simulate({ system: { path }, workload: { kind: 'kv', kv: { server: 'redis', getRatio: 0, valueSize: 1024 } } });
    expect((await run('linux')).metrics.bottleneck).toBe('storage');
    const arrakis = (await run('arrakis')).metrics;
    expect(arrakis.bottleneck).toBe('storage');
    expect(arrakis.utilization.storage).toBeGreaterThan(0.9);
  });
});
