import { EventQueue, type EventHandle, type EventTarget } from './event-queue.js';

/**
 * Simulated time is an integer count of picoseconds held in a double: exact up to 2^53 ps
 * (about 2.5 hours of simulated time), fine enough for a 64 B frame at 100 Gb/s (5,120 ps).
 */
export type Time = number;

export const PS_PER_NS = 1_000;
export const PS_PER_US = 1_000_000;
export const PS_PER_S = 1_000_000_000_000;

/** Rounds a duration in nanoseconds to the engine's integer picoseconds. */
export const nsToPs = (ns: number): Time => Math.round(ns * PS_PER_NS);
export const usToPs = (us: number): Time => Math.round(us * PS_PER_US);

/** Default priority; lower runs first among events at the same instant. */
export const NORMAL = 128;
export const URGENT = 0;

/**
 * The simulation environment: a clock and the pending events (SimPy's Environment, ns-3's
 * Simulator). Everything else — processes, resources, devices — is built on `schedule`.
 */
export class Environment {
  now: Time = 0;
  eventsProcessed = 0;
  private readonly queue = new EventQueue();
  private stopped = false;

  /** Schedules `target.onEvent(tag, data)` after `delay` picoseconds (rounded, never negative). */
  schedule(delay: Time, target: EventTarget, tag = 0, data = 0, priority = NORMAL): EventHandle {
    if (!(delay >= 0)) throw new RangeError(`cannot schedule an event ${delay} ps in the past`);
    return this.queue.push(this.now + Math.round(delay), priority, target, tag, data);
  }

  /** Schedules at an absolute time, which must not be before `now`. */
  at(time: Time, target: EventTarget, tag = 0, data = 0, priority = NORMAL): EventHandle {
    if (!(time >= this.now)) throw new RangeError(`cannot schedule at ${time} ps: now is ${this.now} ps`);
    return this.queue.push(Math.round(time), priority, target, tag, data);
  }

  /** Cancels a pending event. Returns false if it already ran or was cancelled. */
  cancel(handle: EventHandle): boolean {
    return this.queue.cancel(handle);
  }

  /** Time of the next event, or Infinity when nothing is pending. */
  peek(): Time {
    return this.queue.peekTime();
  }

  /** Processes exactly one event. Returns false when nothing was pending. */
  step(): boolean {
    if (!this.queue.popInto(this)) return false;
    this.eventsProcessed++;
    return true;
  }

  /** Makes the current `run` return after the event being processed. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Runs events until the queue is empty, `stop()` is called, `maxEvents` have run, or the next
   * event lies beyond `until` (the clock then advances to `until`). Returns the events processed.
   */
  run(options: { until?: Time; maxEvents?: number } = {}): number {
    const until = options.until ?? Infinity;
    const maxEvents = options.maxEvents ?? Infinity;
    const queue = this.queue;
    this.stopped = false;
    let n = 0;
    while (n < maxEvents && !this.stopped) {
      const next = queue.peekTime();
      if (next > until) {
        this.now = until; // the clock reaches `until` even when nothing happens there
        break;
      }
      if (next === Infinity) break;
      queue.popInto(this);
      n++;
    }
    this.eventsProcessed += n;
    return n;
  }
}
