import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * Seeded random streams. One generator per (seed, replication, source): the replication's base
 * generator is xoroshiro128+ (pure-rand), and stream k is that generator jumped k times — 2^64
 * draws apart, so streams never overlap (ns-3's substreams, numpy's jumped generators).
 */
type Xoroshiro = ReturnType<typeof xoroshiro128plus>;

/** Named random sources of the model; each gets its own stream so adding one disturbs no other. */
export const StreamId = {
  arrivals: 0,
  keys: 1,
  operations: 2,
  service: 3,
  steering: 4,
  clients: 5,
  test: 15,
} as const;
export type StreamName = keyof typeof StreamId;

const TWO_POW_53 = 9007199254740992;

export class RandomStream {
  constructor(private readonly gen: Xoroshiro) {}

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return this.gen.next() >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.gen.next() >>> 5; // 27 bits
    const lo = this.gen.next() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** Mixes the run seed and the replication index into one 32-bit seed (splitmix32 finaliser). */
export function mixSeed(seed: number, replication: number): number {
  let z = (Math.trunc(seed) ^ Math.imul(replication + 1, 0x9e3779b9)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

export class StreamFactory {
  private readonly base: Xoroshiro;
  constructor(seed: number, replication = 0) {
    this.base = xoroshiro128plus(mixSeed(seed, replication));
    // The generator's first outputs after seeding are weakly mixed: discard a few.
    for (let i = 0; i < 16; i++) this.base.next();
  }

  stream(name: StreamName): RandomStream {
    const gen = this.base.clone();
    for (let i = 0; i < StreamId[name]; i++) gen.jump();
    return new RandomStream(gen);
  }
}
