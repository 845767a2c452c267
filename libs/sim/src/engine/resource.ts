import type { Environment, Time } from './environment.js';
import { URGENT } from './environment.js';
import type { EventTarget } from './event-queue.js';

/**
 * A resource with `capacity` numbered units and a FIFO queue of waiters (SimPy's Resource).
 * A waiter is any EventTarget: it receives `onEvent(tag, unit)` when a unit is granted, at the
 * instant of the grant, in request order; it hands the same unit back to `release(unit)`.
 * Statistics are time-weighted integrals, so utilization and mean queue length need no samples.
 */
export class Resource {
  inUse = 0;
  /** Grants so far, and the sum of the time their waiters queued. */
  grants = 0;
  totalWait: Time = 0;
  private waitTargets: (EventTarget | undefined)[] = [];
  private waitTags: number[] = [];
  private waitSince: Time[] = [];
  /** Free units, most recently released on top (a released thread's core is still warm). */
  private readonly freeUnits: Int32Array;
  private head = 0;
  private busyIntegral = 0;
  private queueIntegral = 0;
  private lastChange: Time = 0;
  private statsFrom: Time = 0;

  constructor(
    private readonly env: Environment,
    readonly capacity = 1,
    readonly name = 'resource',
  ) {
    if (!(capacity >= 1) || !Number.isInteger(capacity)) throw new RangeError(`${name}: capacity must be a positive integer`);
    this.freeUnits = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.freeUnits[i] = capacity - 1 - i;
  }

  get queueLength(): number {
    return this.waitTargets.length - this.head;
  }

  /**
   * Asks for one unit. The grant arrives as an event (never synchronously), so a request made
   * inside an event handler cannot re-enter the caller.
   */
  request(target: EventTarget, tag = 0): void {
    this.account();
    if (this.inUse < this.capacity) {
      this.inUse++;
      this.grants++;
      this.env.schedule(0, target, tag, this.freeUnits[this.capacity - this.inUse], URGENT);
      return;
    }
    this.waitTargets.push(target);
    this.waitTags.push(tag);
    this.waitSince.push(this.env.now);
  }

  /** Returns a unit; the longest waiter, if any, gets it now. */
  release(unit = 0): void {
    this.account();
    if (this.head < this.waitTargets.length) {
      const i = this.head++;
      const target = this.waitTargets[i]!;
      this.waitTargets[i] = undefined;
      this.grants++;
      this.totalWait += this.env.now - this.waitSince[i];
      this.env.schedule(0, target, this.waitTags[i], unit, URGENT);
      if (this.head > 1024 && this.head * 2 > this.waitTargets.length) this.compact();
      return;
    }
    if (this.inUse === 0) throw new Error(`${this.name}: released more units than were granted`);
    this.freeUnits[this.capacity - this.inUse] = unit;
    this.inUse--;
  }

  /** Restarts the statistics (end of warm-up). */
  resetStats(): void {
    this.account();
    this.busyIntegral = 0;
    this.queueIntegral = 0;
    this.grants = 0;
    this.totalWait = 0;
    this.statsFrom = this.env.now;
  }

  /** Fraction of capacity in use since the statistics started. */
  utilization(): number {
    this.account();
    const span = this.env.now - this.statsFrom;
    return span > 0 ? this.busyIntegral / (span * this.capacity) : 0;
  }

  meanQueueLength(): number {
    this.account();
    const span = this.env.now - this.statsFrom;
    return span > 0 ? this.queueIntegral / span : 0;
  }

  meanWait(): Time {
    return this.grants > 0 ? this.totalWait / this.grants : 0;
  }

  private account(): void {
    const now = this.env.now;
    const dt = now - this.lastChange;
    if (dt > 0) {
      this.busyIntegral += this.inUse * dt;
      this.queueIntegral += this.queueLength * dt;
      this.lastChange = now;
    }
  }

  private compact(): void {
    this.waitTargets = this.waitTargets.slice(this.head);
    this.waitTags = this.waitTags.slice(this.head);
    this.waitSince = this.waitSince.slice(this.head);
    this.head = 0;
  }
}
