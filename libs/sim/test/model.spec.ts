import { describe, expect, it } from 'vitest';
import { buildPath, CAL, requestShape, resolveSpec, simulate } from '../src/index.js';
import { merge } from './seed-cases.js';
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

describe('the web request path', () => {
  const web = (over: Record<string, unknown> = {}) => merge({ workload: { kind: 'web', web: { clients: 1 } }, duration: { measureUs: 20_000 } }, over);

  it('a page-cache miss costs the device read on top of a hit, on every path; Arrakis serves hits fastest', async () => {
    const hits: Record<string, number> = {};
    for (const path of ['linux', 'container', 'vm', 'arrakis']) {
      const m = (await simulate(web({ system: { path } }))).metrics;
      const readUs = CAL.storage['raid-flash-cache'].readLatencyUs;
      expect(m.latencyUs.miss.mean - m.latencyUs.hit.mean, path).toBeGreaterThan(readUs);
      expect(m.latencyUs.miss.mean - m.latencyUs.hit.mean, path).toBeLessThan(readUs + 30);
      hits[path] = m.latencyUs.hit.mean;
    }
    expect(hits.arrakis).toBeLessThan(hits.linux);
    expect(hits.linux).toBeLessThan(hits.container);
    expect(hits.linux).toBeLessThan(hits.vm);
  });

  it('counts its crossings from the stages: an interrupt and four system calls natively, none on Arrakis', async () => {
    const linux = (await simulate(web())).metrics;
    expect(linux.crossings).toEqual({ userKernel: 10, guestHost: 0, vmExits: 0 }); // interrupt, epoll, recv, read, send
    expect(linux.crossingsPerEvent).toEqual({ interrupt: 2, syscall: 2 });
    const arrakis = (await simulate(web({ system: { path: 'arrakis' } }))).metrics;
    expect(arrakis.crossings).toEqual({ userKernel: 0, guestHost: 0, vmExits: 0 });
  });

  it('hardware-assisted VMs exit for interrupts only; SR-IOV not even for those', async () => {
    const per = async (vm: Record<string, unknown>) => (await simulate(web({ system: { path: 'vm', vm } }))).metrics.crossingsPerEvent;
    expect(await per({ virtualization: 'hardware' })).toEqual({ interrupt: 4, syscall: 2 });
    expect(await per({ virtualization: 'hardware', io: 'sriov' })).toEqual({ interrupt: 2, syscall: 2 });
    expect(await per({ virtualization: 'trap-and-emulate' })).toEqual({ interrupt: 4, syscall: 4 });
  });

  it('large files fill the wire: 64 KB replies make the NIC the bottleneck', async () => {
    const m = (await simulate(web({ workload: { web: { fileBytes: 65_536, clients: 64, pageCacheHitRatio: 1 } } }))).metrics;
    expect(m.bottleneck).toBe('nic');
    expect(m.throughputOpsPerSec * 65_536 * 8).toBeLessThan(10e9);
    expect(m.throughputOpsPerSec * 65_536 * 8).toBeGreaterThan(0.9e9 * 9);
  });
});

describe('guest memory', () => {
  const kv = (system: Record<string, unknown>, memory: Record<string, unknown> = {}) =>
    simulate({
      system,
      hardware: { memory },
      workload: { kind: 'kv', kv: { server: 'memcached', keys: 1_000_000, clients: 1 } },
      duration: { measureUs: 20_000 },
    });

  it('the TLB misses only when the working set exceeds its reach; huge pages extend the reach', async () => {
    expect((await kv({ path: 'linux' })).metrics.tlb.missRate).toBeGreaterThan(0.9); // 160 MB over 2 MB of reach
    expect((await kv({ path: 'linux' }, { pageKB: 2048 })).metrics.tlb.missRate).toBe(0); // 1 GB of reach
  });

  it('nested paging pays its longer walks in time; shadow paging pays exits when the guest updates page tables', async () => {
    const lat = async (vm: Record<string, unknown>, memory: Record<string, unknown> = {}) =>
      (await kv({ path: 'vm', vm }, memory)).metrics;
    const nested = await lat({ paging: 'nested' }, { pageWalkCache: false });
    const shadow = await lat({ paging: 'shadow' }, { pageWalkCache: false });
    expect(nested.latencyUs.get.mean - shadow.latencyUs.get.mean).toBeGreaterThan(0.4); // ~2 misses × 20 refs × 15 ns
    const updating = await lat({ paging: 'shadow', pageTableUpdatesPerRequest: 2 });
    const baseline = await lat({ paging: 'shadow' });
    expect(updating.crossings.vmExits - baseline.crossings.vmExits).toBe(2);
    expect(updating.latencyUs.get.mean).toBeGreaterThan(baseline.latencyUs.get.mean + 5); // 2 × 12,733 P4 cycles
    const nestedUpdating = await lat({ paging: 'nested', pageTableUpdatesPerRequest: 2 });
    expect(nestedUpdating.crossings.vmExits).toBe(baseline.crossings.vmExits); // nested paging lets the guest write its tables
  });
});

describe('FlexNIC mechanisms', () => {
  const flexkvs = (cores: number, nic: Record<string, unknown>, kv: Record<string, unknown> = {}) =>
    simulate({
      hardware: { cpu: { cores }, nic: { ports: 2 } },
      nic,
      workload: { kind: 'kv', kv: { server: 'flexkvs', clients: 256, ...kv } },
      duration: { measureUs: 5_000 },
    });
  const keySteering = {
    steering: 'flexnic',
    program: [{ match: { 'udp.dstPort': 11211 }, actions: [{ op: 'hash', fields: ['kvs.key'], into: 'h' }, { op: 'steer', to: 'core', by: 'h % cores' }] }],
  };

  it('key steering helps even on one core: no software hash and no lock, though nothing is shared', async () => {
    const flow = (await flexkvs(1, { steering: 'rss' })).metrics;
    const key = (await flexkvs(1, keySteering)).metrics;
    const F = CAL.flexkvs;
    const saved = ((F.hashFixed + F.hashPerKeyByte * 32 + F.bucketLock) / 2.2); // cycles → ns at 2.2 GHz
    expect(flow.breakdown.all.appNs - key.breakdown.all.appNs).toBeCloseTo(saved, -1);
    expect(key.throughputOpsPerSec).toBeGreaterThan(flow.throughputOpsPerSec * 1.2);
  });

  it('with skewed keys, key steering loads the owners of hot keys; flow steering spreads clients evenly', async () => {
    const zipf = { distribution: { kind: 'zipf', theta: 1.2 } };
    const spread = (cores: number[]) => Math.max(...cores) - Math.min(...cores);
    const open = { load: { kind: 'open', rateOpsPerSec: 2_000_000 } };
    const flow = (await flexkvs(4, { steering: 'rss' }, { ...zipf, ...open })).metrics.utilization.cores;
    const key = (await flexkvs(4, keySteering, { ...zipf, ...open })).metrics.utilization.cores;
    expect(spread(key)).toBeGreaterThan(spread(flow) + 0.1);
  });

  it('memcached can be steered by key too; only its receive core changes', async () => {
    const m = (await simulate({ nic: keySteering, system: { path: 'arrakis' }, workload: { kind: 'kv', kv: { server: 'memcached' } }, duration: { measureUs: 5_000 } })).metrics;
    expect(m.throughputOpsPerSec).toBeGreaterThan(0);
    expect(m.utilization.cores.filter((u) => u > 0.05).length).toBeGreaterThan(1);
  });
});

describe('real-time analytics', () => {
  const analytics = (nic: Record<string, unknown>) =>
    simulate({ system: { path: 'arrakis' }, hardware: { cpu: { cores: 4 }, nic: { ports: 2 } }, nic, workload: { kind: 'analytics', analytics: { sources: 256 } }, duration: { measureUs: 5_000 } });
  const steer = [{ op: 'hash', fields: ['tuple.key'], into: 'h' }, { op: 'steer', to: 'core', by: 'h % cores' }];
  const program = (actions: unknown[]) => ({ steering: 'flexnic', program: [{ match: { 'udp.dstPort': 5555 }, actions }] });

  it('offloading demultiplexing and ACKs to the NIC saves host CPU per tuple and raises throughput', async () => {
    const host = (await analytics({ steering: 'rss' })).metrics;
    const demux = (await analytics(program(steer))).metrics;
    const both = (await analytics(program([...steer, { op: 'ack' }]))).metrics;
    const A = CAL.analytics;
    // Key steering removes the software demultiplexing (and its hand-off) from every tuple.
    expect(host.hostCpuNsPerRequest - demux.hostCpuNsPerRequest).toBeGreaterThan((A.demuxHash + A.enqueue) / 2.2);
    // NIC ACKs remove building and sending the acknowledgement too.
    expect(demux.hostCpuNsPerRequest - both.hostCpuNsPerRequest).toBeGreaterThan((A.ackBuild + CAL.arrakis.netstackOut) / 2.2);
    expect(both.throughputOpsPerSec).toBeGreaterThan(demux.throughputOpsPerSec);
    expect(demux.throughputOpsPerSec).toBeGreaterThan(host.throughputOpsPerSec);
    // The source hears back from the NIC, before the host has touched the tuple.
    expect(both.latencyUs.tuple.mean).toBeLessThan(1);
    expect(both.breakdown.tuple.kernelNs + both.breakdown.tuple.libioNs + both.breakdown.tuple.appNs).toBe(0);
  });
});
