import type { RandomStream } from './streams.js';

/** Exponential with the given mean (inverse transform). */
export function exponential(rng: RandomStream, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

export function uniform(rng: RandomStream, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

/**
 * A bounded multiplicative jitter for service times: value × U(1 − spread, 1 + spread). The mean
 * is unchanged, so calibrated means stay calibrated while percentiles get a realistic spread.
 */
export function jitter(rng: RandomStream, value: number, spread: number): number {
  return spread > 0 ? value * (1 + spread * (2 * rng.next() - 1)) : value;
}

/**
 * Zipf over ranks 0..n-1 with P(k) ∝ 1/(k+1)^theta, any theta ≥ 0 (theta = 1 included).
 *
 * Rejection-inversion sampling (Hörmann & Derflinger, "Rejection-inversion to generate variates
 * from monotone discrete distributions", ACM TOMACS 1996), the method Apache Commons RNG uses:
 * O(1) per sample and O(1) set-up, unlike the O(n) table of Gray et al. ("Quickly generating
 * billion-record synthetic databases", SIGMOD'94).
 */
export class Zipf {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly s: number;

  constructor(
    readonly n: number,
    readonly theta: number,
  ) {
    if (!(n >= 1)) throw new RangeError('Zipf: n must be at least 1');
    if (!(theta >= 0)) throw new RangeError('Zipf: theta must be non-negative');
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.s = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** A rank in [0, n); rank 0 is the most popular. */
  sample(rng: RandomStream): number {
    if (this.theta === 0) return rng.int(this.n);
    for (;;) {
      const u = this.hIntegralN + rng.next() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.s || u >= this.hIntegral(k + 0.5) - this.h(k)) return k - 1;
    }
  }

  /** Exact probability of a rank (O(n) normaliser; for tests). */
  probability(rank: number): number {
    let norm = 0;
    for (let k = 1; k <= this.n; k++) norm += Math.pow(k, -this.theta);
    return Math.pow(rank + 1, -this.theta) / norm;
  }

  private h(x: number): number {
    return Math.exp(-this.theta * Math.log(x));
  }

  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return helper2((1 - this.theta) * logX) * logX;
  }

  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.theta);
    if (t < -1) t = -1; // guard against rounding
    return Math.exp(helper1(t) * x);
  }
}

/** log(1 + x) / x, accurate near 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** (exp(x) − 1) / x, accurate near 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + x * (1 / 3) * (1 + 0.25 * x));
}
