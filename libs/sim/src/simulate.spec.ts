import { describe, expect, it } from 'vitest';
import { BudgetExceededError, CancelledError, InvalidSpecError } from './errors.js';
import { flattenMetrics } from './metric-names.js';
import { checkSpec, simulate } from './simulate.js';

const withoutWallTime = (r: unknown) => JSON.stringify(r, (k, v) => (k === 'wallMs' ? undefined : v));

describe('simulate', () => {
  it('{} is a valid experiment and resolves every default', async () => {
    const r = await simulate({}, { }); // default: Linux, Redis, 64 clients, 100 ms
    expect(r.spec.system.path).toBe('linux');
    expect(r.spec.workload.kv.persistence).toBe('fsync-per-set');
    expect(r.spec.hardware.storage.writeLatencyUs).toBe(25);
    expect(r.metrics.throughputOpsPerSec).toBeGreaterThan(0);
    expect(r.metrics.latencyUs.get.p99).toBeGreaterThanOrEqual(r.metrics.latencyUs.get.p50);
    expect(r.model.version).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
  });

  it('is deterministic: same spec and seed give identical results, another seed differs', async () => {
    const spec = { duration: { measureUs: 20_000 }, workload: { kind: 'kv', kv: { server: 'memcached', distribution: { kind: 'zipf' } } } };
    const a = await simulate(spec);
    const b = await simulate(spec);
    expect(withoutWallTime(a)).toBe(withoutWallTime(b));
    const c = await simulate(spec, { seed: 7 });
    expect(withoutWallTime(c)).not.toBe(withoutWallTime(a));
  });

  it('replications give per-replication metrics and 95% confidence intervals', async () => {
    const r = await simulate({ replications: 4, duration: { measureUs: 10_000 }, workload: { kind: 'kv', kv: { server: 'memcached' } } });
    expect(r.replications).toHaveLength(4);
    const ci = r.confidence95!.throughputOpsPerSec;
    expect(ci.n).toBe(4);
    expect(ci.lo).toBeLessThanOrEqual(ci.mean);
    expect(ci.hi).toBeGreaterThanOrEqual(ci.mean);
    expect(ci.halfWidth).toBeGreaterThan(0);
    expect(new Set(r.replications!.map((m) => m.throughputOpsPerSec)).size).toBeGreaterThan(1);
    expect(r.confidence95!['latencyUs.get.p99']).toBeDefined();
  });

  it('runs one replication on its own with the same metrics it has inside the whole experiment', async () => {
    const spec = { replications: 3, duration: { measureUs: 5_000 }, workload: { kind: 'kv', kv: { server: 'memcached' } } };
    const all = await simulate(spec);
    const third = await simulate(spec, { replication: 2 });
    const { wallMs: _a, ...expected } = all.replications![2];
    const { wallMs: _b, ...actual } = third.metrics;
    expect(actual).toEqual(expected);
    expect(third.replications).toBeUndefined();
    await expect(simulate(spec, { replication: 3 })).rejects.toThrow(/replication must be an integer in \[0, 3\)/);
  });

  it('names every number of a result for history queries, and checks a spec without running it', async () => {
    const spec = { duration: { measureUs: 2_000 } };
    const { metrics } = await simulate(spec);
    const flat = flattenMetrics(metrics);
    expect(flat['latencyUs.get.p99']).toBe(metrics.latencyUs.get.p99);
    expect(flat['breakdown.all.kernelPct']).toBe(metrics.breakdown.all.kernelPct);
    expect(flat['utilization.cores.0']).toBe(metrics.utilization.cores[0]);
    expect(flat.throughputOpsPerSec).toBe(metrics.throughputOpsPerSec);
    expect(Object.values(flat).every(Number.isFinite)).toBe(true);
    expect('bottleneck' in flat).toBe(false);

    expect(checkSpec(spec).spec.duration.measureUs).toBe(2_000);
    expect(() => checkSpec({ nic: { steering: 'flexnic', program: [{ match: {}, actions: [{ op: 'hash', fields: ['kvs.key'], into: 'h' }] }] } })).toThrow(
      /reads kvs.key, which redis requests do not carry/,
    );
    expect(() => checkSpec({ duration: { measureUs: 1e7 } }, { maxEvents: 1e6 })).toThrow(BudgetExceededError);
  });

  it('keys a result by what decides its numbers: spec, seed, replication and model, not the name', async () => {
    const spec = { duration: { measureUs: 2_000 } };
    const a = await simulate(spec);
    expect(a.reproducibilityKey).toMatch(/^[0-9a-f]{32}$/);
    expect((await simulate({ ...spec, name: 'renamed' })).reproducibilityKey).toBe(a.reproducibilityKey);
    expect((await simulate(spec, { seed: 7 })).reproducibilityKey).not.toBe(a.reproducibilityKey);
    expect((await simulate({ ...spec, hardware: { cpu: { cores: 4 } } })).reproducibilityKey).not.toBe(a.reproducibilityKey);
    // One replication of a larger experiment is keyed like a one-replication experiment.
    expect((await simulate({ ...spec, replications: 3 }, { replication: 0 })).reproducibilityKey).toBe(a.reproducibilityKey);
    expect((await simulate({ ...spec, replications: 3 }, { replication: 1 })).reproducibilityKey).not.toBe(a.reproducibilityKey);
  });

  it('lists every spec problem at once, each with its field path', async () => {
    const bad = { workload: { kv: { getRatio: 1.5, clients: 0, server: 'mongodb' } }, hardware: { cpu: { cores: 2.5 } }, typo: 1 };
    const err = await simulate(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidSpecError);
    const problems = (err as InvalidSpecError).problems;
    expect(problems.map((p) => p.path).sort()).toEqual(
      ['hardware.cpu.cores', 'typo', 'workload.kv.clients', 'workload.kv.getRatio', 'workload.kv.server'].sort(),
    );
    expect((err as Error).message).toContain('workload.kv.getRatio: must be between 0 and 1 (got 1.5)');
  });

  it('refuses combinations that make no sense, saying how to fix them', async () => {
    await expect(simulate({ system: { path: 'linux', storagePath: 'arrakis-vsa' } })).rejects.toThrow(/system.storagePath: .*only on system.path: arrakis/);
    await expect(simulate({ nic: { program: [{ match: {}, actions: [] }] } })).rejects.toThrow(/nic.program: .*steering: flexnic/);
    await expect(simulate({ nic: { steering: 'flexnic', program: [{ match: {}, actions: [{ op: 'ack' }] }] } })).rejects.toThrow(
      /nic.program.0.actions.0: .*a redis reply carries data only the host has/,
    );
  });

  it('refuses work over the budget with the estimate and the limit', async () => {
    const err = await simulate(
      { duration: { measureUs: 100_000_000 }, system: { path: 'arrakis' }, workload: { kind: 'kv', kv: { server: 'memcached', clients: 1000 } } },
      { maxEvents: 10_000_000 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as BudgetExceededError).estimatedEvents).toBeGreaterThan(10_000_000);
    expect((err as Error).message).toMatch(/over the limit of 10\.0 M/);
  });

  it('stops promptly on abort with a cancellation error, and reports progress up to 1', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const spec = { duration: { measureUs: 2_000_000 }, system: { path: 'arrakis' }, workload: { kind: 'kv', kv: { server: 'memcached' } } };
    const run = simulate(spec, {
      signal: controller.signal,
      onProgress: (f) => {
        seen.push(f);
        if (f > 0.05) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen.at(-1)!).toBeLessThan(0.5);

    const progress: number[] = [];
    await simulate({ duration: { measureUs: 50_000 } }, { onProgress: (f) => progress.push(f) });
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBeLessThanOrEqual(102);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('duration.requests stops after that many measured requests', async () => {
    const r = await simulate({ duration: { requests: 500 }, workload: { kind: 'kv', kv: { server: 'memcached' } } });
    expect(r.metrics.requests).toBe(500);
  });
});
