import { LatencyHistogram, round3, type LatencySummary } from '../stats/latency-histogram.js';
import { DOMAINS, type Crossings, type Domain } from './stage.js';
import { OPERATIONS, type Operation } from './workload.js';

export interface Breakdown {
  hardwareNs: number;
  kernelNs: number;
  libioNs: number;
  appNs: number;
  hardwarePct: number;
  kernelPct: number;
  libioPct: number;
  appPct: number;
  /** Extension: mean time spent waiting for a busy core, thread, link, lock or device. */
  queueNs: number;
}

/** What one measured request contributes. */
export interface RequestRecord {
  op: Operation;
  latencyNs: number;
  domainNs: Float64Array; // indexed like DOMAINS
  queueNs: number;
  crossings: Crossings;
}

/** Accumulates one operation kind (or all). */
class OpAccumulator {
  readonly latency = new LatencyHistogram();
  readonly domainNs = new Float64Array(DOMAINS.length);
  queueNs = 0;
  readonly crossings: Crossings = { userKernel: 0, guestHost: 0, vmExits: 0 };

  add(r: RequestRecord): void {
    this.latency.record(r.latencyNs);
    for (let i = 0; i < DOMAINS.length; i++) this.domainNs[i] += r.domainNs[i];
    this.queueNs += r.queueNs;
    this.crossings.userKernel += r.crossings.userKernel;
    this.crossings.guestHost += r.crossings.guestHost;
    this.crossings.vmExits += r.crossings.vmExits;
  }

  breakdown(): Breakdown {
    const n = Math.max(1, this.latency.count);
    const mean = (d: Domain) => this.domainNs[DOMAINS.indexOf(d)] / n;
    const total = DOMAINS.reduce((a, d) => a + mean(d), 0) || 1;
    const pct = (d: Domain) => round3((100 * mean(d)) / total);
    return {
      hardwareNs: round3(mean('hardware')),
      kernelNs: round3(mean('kernel')),
      libioNs: round3(mean('libio')),
      appNs: round3(mean('app')),
      hardwarePct: pct('hardware'),
      kernelPct: pct('kernel'),
      libioPct: pct('libio'),
      appPct: pct('app'),
      queueNs: round3(this.queueNs / n),
    };
  }

  meanCrossings(): Crossings {
    const n = Math.max(1, this.latency.count);
    return {
      userKernel: round3(this.crossings.userKernel / n),
      guestHost: round3(this.crossings.guestHost / n),
      vmExits: round3(this.crossings.vmExits / n),
    };
  }
}

export class MetricsCollector {
  readonly all = new OpAccumulator();
  readonly byOp = Object.fromEntries(OPERATIONS.map((op) => [op, new OpAccumulator()])) as Record<Operation, OpAccumulator>;

  get count(): number {
    return this.all.latency.count;
  }

  add(r: RequestRecord): void {
    this.all.add(r);
    this.byOp[r.op].add(r);
  }

  /** `all`, plus each operation kind that occurred. */
  latencyUs(): Record<string, LatencySummary> {
    const out: Record<string, LatencySummary> = { all: this.all.latency.summaryUs() };
    for (const op of OPERATIONS) if (this.byOp[op].latency.count > 0) out[op] = this.byOp[op].latency.summaryUs();
    return out;
  }

  breakdown(): Record<string, Breakdown> {
    const out: Record<string, Breakdown> = {};
    for (const op of OPERATIONS) if (this.byOp[op].latency.count > 0) out[op] = this.byOp[op].breakdown();
    out.all = this.all.breakdown();
    return out;
  }

  crossings(): Crossings {
    return this.all.meanCrossings();
  }
}
