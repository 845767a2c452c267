import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../errors.js';
import { expandSweep, setPath, sweepSize } from './sweep.js';

describe('sweeps', () => {
  it('expand to the cartesian product, the first axis varying slowest', () => {
    const points = expandSweep({ workload: { kind: 'kv', kv: { server: 'memcached' } } }, [
      { path: 'hardware.cpu.cores', values: [1, 2, 4] },
      { path: 'system.path', values: ['linux', 'arrakis'] },
    ]);
    expect(points).toHaveLength(6);
    expect(points.map((p) => p.values)).toEqual([
      { 'hardware.cpu.cores': 1, 'system.path': 'linux' },
      { 'hardware.cpu.cores': 1, 'system.path': 'arrakis' },
      { 'hardware.cpu.cores': 2, 'system.path': 'linux' },
      { 'hardware.cpu.cores': 2, 'system.path': 'arrakis' },
      { 'hardware.cpu.cores': 4, 'system.path': 'linux' },
      { 'hardware.cpu.cores': 4, 'system.path': 'arrakis' },
    ]);
    expect(points[5].spec).toEqual({ workload: { kind: 'kv', kv: { server: 'memcached' } }, hardware: { cpu: { cores: 4 } }, system: { path: 'arrakis' } });
    expect(sweepSize([{ path: 'a', values: [1, 2, 3] }, { path: 'b', values: [1, 2] }], 5)).toEqual({ points: 6, runs: 30 });
  });

  it('refuses paths that are not spec fields and values that are not valid there, naming axis and value', () => {
    const err = (() => {
      try {
        expandSweep({}, [
          { path: 'hardware.cpu.corez', values: [1] },
          { path: 'workload.kv.getRatio', values: [0.5, 1.5] },
          { path: 'system.path', values: ['linux', 'windows'] },
        ]);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidSpecError);
    expect((err as InvalidSpecError).problems).toEqual([
      { path: 'axes.0.path', message: expect.stringMatching(/^hardware.cpu.corez: unknown field/) },
      { path: 'axes.1.values.1', message: 'workload.kv.getRatio: must be between 0 and 1 (got 1.5)' },
      { path: 'axes.2.values.1', message: expect.stringMatching(/^system.path: must be one of "linux", "vm", "container", "arrakis" \(got "windows"\)/) },
    ]);
  });

  it('sets nested paths without touching the original', () => {
    const base = { hardware: { cpu: { ghz: 3 } } };
    expect(setPath(base, 'hardware.cpu.cores', 2)).toEqual({ hardware: { cpu: { ghz: 3, cores: 2 } } });
    expect(base).toEqual({ hardware: { cpu: { ghz: 3 } } });
  });
});
