import { describe, expect, it } from 'vitest';
import { exponential } from '../random/distributions.js';
import { StreamFactory } from '../random/streams.js';
import { Environment, PS_PER_US } from './environment.js';
import { process, Store, type ProcessBody } from './process.js';
import { Resource } from './resource.js';

/** Erlang C: probability that an arrival waits in an M/M/c queue. */
function erlangC(c: number, a: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const top = (term * a) / c / (1 - a / c);
  return top / (sum + top);
}

/** Simulates an M/M/c queue (rates per µs) with generator processes; returns the mean wait in µs. */
function simulateMMc(c: number, lambda: number, mu: number, customers: number, seed: number): number {
  const env = new Environment();
  const streams = new StreamFactory(seed);
  const arrivals = streams.stream('arrivals');
  const service = streams.stream('service');
  const server = new Resource(env, c, 'server');
  let served = 0;
  let waited = 0;
  function* customer(): ProcessBody {
    const arrived = env.now;
    const unit = (yield server) as number;
    waited += env.now - arrived;
    yield exponential(service, PS_PER_US / mu);
    server.release(unit);
    served++;
  }
  function* source(): ProcessBody {
    for (let i = 0; i < customers; i++) {
      process(env, customer());
      yield exponential(arrivals, PS_PER_US / lambda);
    }
  }
  process(env, source());
  env.run();
  expect(served).toBe(customers);
  return waited / customers / PS_PER_US;
}

describe('queueing against analytic results', () => {
  it('M/M/1 mean wait is within 2% of rho / (mu - lambda)', () => {
    const lambda = 0.7;
    const mu = 1;
    const analytic = lambda / mu / (mu - lambda); // 2.33 µs
    const simulated = simulateMMc(1, lambda, mu, 1_000_000, 7);
    expect(Math.abs(simulated - analytic) / analytic).toBeLessThan(0.02);
  });

  it('M/M/3 mean wait is within 2% of Erlang C', () => {
    const c = 3;
    const lambda = 2.4;
    const mu = 1;
    const analytic = erlangC(c, lambda / mu) / (c * mu - lambda);
    const simulated = simulateMMc(c, lambda, mu, 1_000_000, 11);
    expect(Math.abs(simulated - analytic) / analytic).toBeLessThan(0.02);
  });

  it('Resource keeps FIFO order and time-weighted utilization', () => {
    const env = new Environment();
    const r = new Resource(env, 1, 'r');
    const order: number[] = [];
    const user = (id: number, hold: number): ProcessBody =>
      (function* () {
        const unit = (yield r) as number;
        order.push(id);
        yield hold;
        r.release(unit);
      })();
    process(env, user(1, 10));
    process(env, user(2, 10));
    process(env, user(3, 10));
    env.run({ until: 40 });
    expect(order).toEqual([1, 2, 3]);
    expect(r.utilization()).toBeCloseTo(30 / 40, 9);
    expect(r.meanWait()).toBeCloseTo((0 + 10 + 20) / 3, 9);
  });

  it('Store hands items to waiting getters in order', () => {
    const env = new Environment();
    const store = new Store<string>(env);
    const got: [number, string][] = [];
    process(
      env,
      (function* () {
        for (let i = 0; i < 2; i++) {
          const item = (yield store) as string;
          got.push([env.now, item]);
        }
      })(),
    );
    process(
      env,
      (function* () {
        yield 5;
        store.put('a');
        store.put('b');
      })(),
    );
    env.run();
    expect(got).toEqual([
      [5, 'a'],
      [5, 'b'],
    ]);
  });
});
