import type { Environment } from './environment.js';
import type { EventTarget } from './event-queue.js';
import type { Resource } from './resource.js';

/**
 * Generator processes, SimPy style. A process body yields:
 *  - a number: wait that many picoseconds;
 *  - a Resource: wait until a unit is granted; `yield` evaluates to the unit's number, which
 *    goes back with `resource.release(unit)`;
 *  - a Store: wait for the next item, which `yield` evaluates to.
 * Nothing is allocated per yield; the process object itself is the event target.
 */
export type Yieldable = number | Resource | Store<unknown>;
export type ProcessBody = Generator<Yieldable, void, unknown>;

const RESUME = 1;

export class Process implements EventTarget {
  done = false;
  /** Value handed to the body at its next resumption (a Store item). */
  inbox: unknown = undefined;

  constructor(
    private readonly env: Environment,
    private readonly body: ProcessBody,
  ) {
    env.schedule(0, this, RESUME);
  }

  onEvent(_tag: number, data: number): void {
    const value = this.inbox ?? data;
    this.inbox = undefined;
    const step = this.body.next(value);
    if (step.done) {
      this.done = true;
      return;
    }
    const awaited = step.value;
    if (typeof awaited === 'number') this.env.schedule(awaited, this, RESUME);
    else if (awaited instanceof Store) awaited.get(this);
    else awaited.request(this, RESUME);
  }
}

export function process(env: Environment, body: ProcessBody): Process {
  return new Process(env, body);
}

/** A FIFO of items; getters wait while it is empty (SimPy's Store, unbounded). */
export class Store<T> {
  private items: T[] = [];
  private itemsHead = 0;
  private getters: Process[] = [];
  private gettersHead = 0;

  constructor(private readonly env: Environment) {}

  get length(): number {
    return this.items.length - this.itemsHead;
  }

  put(item: T): void {
    if (this.gettersHead < this.getters.length) {
      const proc = this.getters[this.gettersHead++]!;
      this.compactGetters();
      proc.inbox = item;
      this.env.schedule(0, proc, RESUME);
      return;
    }
    this.items.push(item);
  }

  /** Used by Process: hands the next item over now or when one is put. */
  get(proc: Process): void {
    if (this.itemsHead < this.items.length) {
      proc.inbox = this.items[this.itemsHead++];
      if (this.itemsHead > 1024 && this.itemsHead * 2 > this.items.length) {
        this.items = this.items.slice(this.itemsHead);
        this.itemsHead = 0;
      }
      this.env.schedule(0, proc, RESUME);
      return;
    }
    this.getters.push(proc);
  }

  /** Drops served getters from the front once they dominate the array. */
  private compactGetters(): void {
    if (this.gettersHead > 1024 && this.gettersHead * 2 > this.getters.length) {
      this.getters = this.getters.slice(this.gettersHead);
      this.gettersHead = 0;
    }
  }
}

