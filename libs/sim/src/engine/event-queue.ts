/**
 * The pending-event set: a binary min-heap over slots held in typed arrays.
 *
 * Events are ordered by (time, priority, insertion sequence), so events at the same time run in
 * one fixed order whatever the heap's internal layout (SimPy keys its heap the same way). Nothing
 * is allocated per event: a slot's fields live in parallel typed arrays and slots are recycled
 * through a free list. A handle encodes slot and generation, so cancelling a handle whose event
 * already ran (and whose slot was reused) is a harmless no-op.
 */

/** Receives events. Implemented by model objects; the method is called once per event. */
export interface EventTarget {
  onEvent(tag: number, data: number): void;
}

export type EventHandle = number;

const SLOT_BITS = 2 ** 24; // at most 16.7 M events pending at once
const SEQ_SPAN = 2 ** 44; // orderKey = priority * SEQ_SPAN + seq stays below 2^53 for priority < 256

export class EventQueue {
  private time: Float64Array;
  private order: Float64Array;
  private data: Float64Array;
  private tag: Int32Array;
  private gen: Uint32Array;
  private cancelled: Uint8Array;
  private targets: (EventTarget | undefined)[];
  private heap: Int32Array;
  private free: Int32Array;
  private freeTop = 0;
  private capacity: number;
  private seq = 0;
  size = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = initialCapacity;
    this.time = new Float64Array(initialCapacity);
    this.order = new Float64Array(initialCapacity);
    this.data = new Float64Array(initialCapacity);
    this.tag = new Int32Array(initialCapacity);
    this.gen = new Uint32Array(initialCapacity);
    this.cancelled = new Uint8Array(initialCapacity);
    this.targets = new Array<EventTarget | undefined>(initialCapacity).fill(undefined);
    this.heap = new Int32Array(initialCapacity);
    this.free = new Int32Array(initialCapacity);
    for (let i = initialCapacity - 1; i >= 0; i--) this.free[this.freeTop++] = i;
  }

  /** Adds an event; returns a handle for `cancel`. `priority` in [0, 255], lower runs first. */
  push(time: number, priority: number, target: EventTarget, tag: number, data: number): EventHandle {
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop];
    this.time[slot] = time;
    this.order[slot] = priority * SEQ_SPAN + this.seq++;
    this.targets[slot] = target;
    this.tag[slot] = tag;
    this.data[slot] = data;
    this.cancelled[slot] = 0;
    this.siftUp(this.size++, slot);
    return this.gen[slot] * SLOT_BITS + slot;
  }

  /** Marks an event as cancelled; it is dropped when it reaches the top. Returns whether it was pending. */
  cancel(handle: EventHandle): boolean {
    const slot = handle % SLOT_BITS;
    const gen = (handle - slot) / SLOT_BITS;
    if (slot >= this.capacity || this.gen[slot] !== gen || this.targets[slot] === undefined) return false;
    if (this.cancelled[slot] === 1) return false;
    this.cancelled[slot] = 1;
    return true;
  }

  /** Time of the earliest live event, or Infinity. Drops cancelled events it finds on top. */
  peekTime(): number {
    while (this.size > 0) {
      const top = this.heap[0];
      if (this.cancelled[top] === 0) return this.time[top];
      this.release(this.popTop());
    }
    return Infinity;
  }

  /**
   * Removes the earliest live event, sets `clock.now` to its time, then dispatches it.
   * Returns false when the queue is empty.
   */
  popInto(clock: { now: number }): boolean {
    while (this.size > 0) {
      const slot = this.popTop();
      if (this.cancelled[slot] === 1) {
        this.release(slot);
        continue;
      }
      clock.now = this.time[slot];
      const target = this.targets[slot]!;
      const tag = this.tag[slot];
      const data = this.data[slot];
      this.release(slot);
      target.onEvent(tag, data);
      return true;
    }
    return false;
  }

  private popTop(): number {
    const heap = this.heap;
    const top = heap[0];
    const last = heap[--this.size];
    if (this.size > 0) this.siftDown(0, last);
    return top;
  }

  private release(slot: number): void {
    this.targets[slot] = undefined;
    this.gen[slot] = (this.gen[slot] + 1) >>> 0 & 0x1fffffff;
    this.free[this.freeTop++] = slot;
  }

  private less(a: number, b: number): boolean {
    const ta = this.time[a];
    const tb = this.time[b];
    return ta < tb || (ta === tb && this.order[a] < this.order[b]);
  }

  private siftUp(pos: number, slot: number): void {
    const heap = this.heap;
    while (pos > 0) {
      const parentPos = (pos - 1) >> 1;
      const parent = heap[parentPos];
      if (!this.less(slot, parent)) break;
      heap[pos] = parent;
      pos = parentPos;
    }
    heap[pos] = slot;
  }

  private siftDown(pos: number, slot: number): void {
    const heap = this.heap;
    const size = this.size;
    const half = size >> 1;
    while (pos < half) {
      let child = 2 * pos + 1;
      let childSlot = heap[child];
      const right = child + 1;
      if (right < size && this.less(heap[right], childSlot)) {
        child = right;
        childSlot = heap[right];
      }
      if (!this.less(childSlot, slot)) break;
      heap[pos] = childSlot;
      pos = child;
    }
    heap[pos] = slot;
  }

  private grow(): void {
    const old = this.capacity;
    const cap = old * 2;
    if (cap > SLOT_BITS) throw new RangeError(`more than ${SLOT_BITS} events pending at once`);
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.time = f64(this.time);
    this.order = f64(this.order);
    this.data = f64(this.data);
    const tag = new Int32Array(cap);
    tag.set(this.tag);
    this.tag = tag;
    const gen = new Uint32Array(cap);
    gen.set(this.gen);
    this.gen = gen;
    const cancelled = new Uint8Array(cap);
    cancelled.set(this.cancelled);
    this.cancelled = cancelled;
    const heap = new Int32Array(cap);
    heap.set(this.heap);
    this.heap = heap;
    this.free = new Int32Array(cap);
    this.freeTop = 0;
    for (let i = cap - 1; i >= old; i--) this.free[this.freeTop++] = i;
    for (let i = old; i < cap; i++) this.targets.push(undefined);
    this.capacity = cap;
  }
}
