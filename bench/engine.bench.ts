import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Environment, exponential, simulate, StreamFactory, type EventTarget } from '../libs/sim/src/index.js';

/**
 * `npm run bench:engine`: events per second of the engine on an M/M/1 queue with 1,000,000
 * customers (2,000,000 events), beside a plain binary-heap loop on the same model, and the wall
 * time of each example spec. Writes bench/results/engine.json.
 */
const CUSTOMERS = 1_000_000;
const ARRIVAL = 0;
const DEPARTURE = 1;

/** M/M/1 on the engine: arrivals and departures are events of one target, no allocation per event. */
function mm1Engine(): { events: number; ms: number } {
  const env = new Environment();
  const streams = new StreamFactory(1);
  const arrivals = streams.stream('arrivals');
  const service = streams.stream('service');
  let arrived = 0;
  let queue = 0;
  const model: EventTarget = {
    onEvent(tag) {
      if (tag === ARRIVAL) {
        if (++arrived < CUSTOMERS) env.schedule(exponential(arrivals, 1_250_000), model, ARRIVAL);
        if (queue++ === 0) env.schedule(exponential(service, 1_000_000), model, DEPARTURE);
      } else if (--queue > 0) env.schedule(exponential(service, 1_000_000), model, DEPARTURE);
    },
  };
  env.schedule(0, model, ARRIVAL);
  const t = performance.now();
  env.run();
  return { events: env.eventsProcessed, ms: performance.now() - t };
}

/** The same model on the plainest loop: an array heap of {time, seq, kind} objects. */
function mm1PlainHeap(): { events: number; ms: number } {
  type Ev = { t: number; seq: number; kind: number };
  const heap: Ev[] = [];
  let seq = 0;
  const less = (a: Ev, b: Ev) => a.t < b.t || (a.t === b.t && a.seq < b.seq);
  const push = (e: Ev) => {
    heap.push(e);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const pop = (): Ev => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };
  const streams = new StreamFactory(1);
  const arrivals = streams.stream('arrivals');
  const service = streams.stream('service');
  let now: number;
  let arrived = 0;
  let queue = 0;
  let events = 0;
  push({ t: 0, seq: seq++, kind: ARRIVAL });
  const t = performance.now();
  while (heap.length > 0) {
    const e = pop();
    now = e.t;
    events++;
    if (e.kind === ARRIVAL) {
      if (++arrived < CUSTOMERS) push({ t: now + exponential(arrivals, 1_250_000), seq: seq++, kind: ARRIVAL });
      if (queue++ === 0) push({ t: now + exponential(service, 1_000_000), seq: seq++, kind: DEPARTURE });
    } else if (--queue > 0) push({ t: now + exponential(service, 1_000_000), seq: seq++, kind: DEPARTURE });
  }
  return { events, ms: performance.now() - t };
}

function best<T extends { ms: number }>(runs: number, f: () => T): T {
  let b: T | undefined;
  for (let i = 0; i < runs; i++) {
    const r = f();
    if (!b || r.ms < b.ms) b = r;
  }
  return b!;
}

async function main(): Promise<void> {
  const engine = best(3, mm1Engine);
  const plain = best(3, mm1PlainHeap);
  const examplesDir = path.resolve('examples');
  const examples: Record<string, { wallMs: number; events: number; simulatedUs: number; eventsPerSec: number }> = {};
  // Single specs only: examples/sweeps/ holds sweeps, which run through the service.
  for (const file of readdirSync(examplesDir, { withFileTypes: true }).filter((f) => f.isFile() && /\.(ya?ml|json)$/.test(f.name)).map((f) => f.name).sort()) {
    const spec = parseYaml(readFileSync(path.join(examplesDir, file), 'utf8'));
    const t = performance.now();
    const r = await simulate(spec);
    const wallMs = performance.now() - t;
    examples[file] = {
      wallMs: Math.round(wallMs),
      events: r.metrics.eventsProcessed,
      simulatedUs: r.spec.duration.warmupUs + r.metrics.measuredUs,
      eventsPerSec: Math.round(r.metrics.eventsProcessed / (wallMs / 1000)),
    };
  }
  const out = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    mm1: {
      customers: CUSTOMERS,
      engine: { events: engine.events, ms: Math.round(engine.ms), eventsPerSec: Math.round(engine.events / (engine.ms / 1000)) },
      plainHeapLoop: { events: plain.events, ms: Math.round(plain.ms), eventsPerSec: Math.round(plain.events / (plain.ms / 1000)) },
    },
    examples,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/engine.json', `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));
}

void main();
