import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Environment, NORMAL, URGENT } from './environment.js';
import type { EventTarget } from './event-queue.js';
import { EventQueue } from './event-queue.js';

class Log implements EventTarget {
  readonly seen: [number, number][] = [];
  constructor(private readonly env: Environment) {}
  onEvent(tag: number): void {
    this.seen.push([this.env.now, tag]);
  }
}

describe('Environment', () => {
  it('runs events in time order, then priority, then insertion order', () => {
    const env = new Environment();
    const log = new Log(env);
    env.schedule(10, log, 1);
    env.schedule(5, log, 2);
    env.schedule(10, log, 3, 0, URGENT);
    env.schedule(10, log, 4);
    env.schedule(0, log, 5);
    env.run();
    expect(log.seen).toEqual([
      [0, 5],
      [5, 2],
      [10, 3],
      [10, 1],
      [10, 4],
    ]);
  });

  it('cancels a pending event and ignores a stale handle', () => {
    const env = new Environment();
    const log = new Log(env);
    const a = env.schedule(1, log, 1);
    env.schedule(2, log, 2);
    expect(env.cancel(a)).toBe(true);
    expect(env.cancel(a)).toBe(false);
    env.run();
    expect(log.seen).toEqual([[2, 2]]);
    // The slot of `a` has been reused by now; cancelling the old handle must not touch it.
    const b = env.schedule(1, log, 3);
    expect(env.cancel(a)).toBe(false);
    env.run();
    expect(log.seen.at(-1)).toEqual([3, 3]);
    expect(env.cancel(b)).toBe(false);
  });

  it('run({ until }) stops before later events and advances the clock to until', () => {
    const env = new Environment();
    const log = new Log(env);
    env.schedule(5, log, 1);
    env.schedule(50, log, 2);
    env.run({ until: 20 });
    expect(log.seen).toEqual([[5, 1]]);
    expect(env.now).toBe(20);
    env.run();
    expect(log.seen).toEqual([
      [5, 1],
      [50, 2],
    ]);
  });

  it('step() processes exactly one event', () => {
    const env = new Environment();
    const log = new Log(env);
    env.schedule(1, log, 1);
    env.schedule(2, log, 2);
    expect(env.step()).toBe(true);
    expect(log.seen).toEqual([[1, 1]]);
    expect(env.step()).toBe(true);
    expect(env.step()).toBe(false);
  });

  it('refuses to schedule in the past', () => {
    const env = new Environment();
    expect(() => env.schedule(-1, new Log(env))).toThrow(/past/);
  });
});

describe('EventQueue (property)', () => {
  it('pops any set of events in (time, priority, sequence) order, with cancellations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ t: fc.integer({ min: 0, max: 50 }), p: fc.constantFrom(URGENT, NORMAL, 200), cancel: fc.boolean() }), {
          maxLength: 300,
        }),
        (items) => {
          const q = new EventQueue(4); // small, so growth is exercised
          const popped: number[] = [];
          const clock = { now: 0 };
          const target: EventTarget = { onEvent: (tag) => popped.push(tag) };
          const handles = items.map((it, i) => q.push(it.t, it.p, target, i, 0));
          items.forEach((it, i) => it.cancel && q.cancel(handles[i]));
          while (q.popInto(clock));
          const expected = items
            .map((it, i) => ({ ...it, i }))
            .filter((it) => !it.cancel)
            .sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i)
            .map((it) => it.i);
          expect(popped).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
