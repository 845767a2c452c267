import { describe, expect, it } from 'vitest';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { Zipf } from './distributions.js';
import { StreamFactory } from './streams.js';

/**
 * Reference xoroshiro128+ (Blackman & Vigna, 2018: a=24, b=16, c=37), 64-bit, in BigInt. The
 * package's 32-bit implementation must evolve the same state.
 */
function referenceXoroshiro(s0: bigint, s1: bigint) {
  const M = (1n << 64n) - 1n;
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (64n - k))) & M;
  return () => {
    const result = (s0 + s1) & M;
    s1 ^= s0;
    s0 = rotl(s0, 24n) ^ s1 ^ ((s1 << 16n) & M);
    s1 = rotl(s1, 37n);
    return result;
  };
}

describe('random streams', () => {
  it('pure-rand xoroshiro128+ matches the reference algorithm', () => {
    const gen = xoroshiro128plus(12345);
    const [s01, s00, s11, s10] = gen.getState().map((x) => BigInt(x >>> 0));
    const ref = referenceXoroshiro((s01 << 32n) | s00, (s11 << 32n) | s10);
    for (let i = 0; i < 1000; i++) {
      const expected = Number(ref() & 0xffffffffn) | 0;
      expect(gen.next()).toBe(expected);
    }
  });

  it('the same seed gives the same stream; streams and replications differ', () => {
    const a = new StreamFactory(42).stream('keys');
    const b = new StreamFactory(42).stream('keys');
    const draws = (s: { next(): number }) => Array.from({ length: 5 }, () => s.next());
    expect(draws(a)).toEqual(draws(b));
    expect(draws(new StreamFactory(42).stream('service'))).not.toEqual(draws(new StreamFactory(42).stream('keys')));
    expect(draws(new StreamFactory(42, 1).stream('keys'))).not.toEqual(draws(new StreamFactory(42, 0).stream('keys')));
  });

  it('next() is uniform on [0, 1)', () => {
    const s = new StreamFactory(1).stream('test');
    const bins = new Array(10).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = s.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      bins[Math.floor(u * 10)]++;
    }
    for (const b of bins) expect(Math.abs(b / n - 0.1)).toBeLessThan(0.005);
  });

  it.each([0.5, 0.99, 1, 1.5])('Zipf(theta=%s) matches its exact distribution', (theta) => {
    const n = 1000;
    const zipf = new Zipf(n, theta);
    const s = new StreamFactory(3).stream('keys');
    const draws = 300_000;
    const counts = new Map<number, number>();
    for (let i = 0; i < draws; i++) {
      const k = zipf.sample(s);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).toBeLessThan(n);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (const rank of [0, 1, 9, 99]) {
      const p = zipf.probability(rank);
      const observed = (counts.get(rank) ?? 0) / draws;
      expect(Math.abs(observed - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / draws) + 1e-4);
    }
  });
});
