import hdr from 'hdr-histogram-js';

export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * Latencies in integer nanoseconds in an HDR histogram (3 significant digits: every percentile
 * within 0.1% of the true value) plus an exact running sum for the mean. Reports microseconds.
 */
export class LatencyHistogram {
  private readonly hist = hdr.build({ numberOfSignificantValueDigits: 3, autoResize: true });
  private sumNs = 0;
  count = 0;

  record(ns: number): void {
    const v = Math.max(1, Math.round(ns));
    this.hist.recordValue(v);
    this.sumNs += v;
    this.count++;
  }

  merge(other: LatencyHistogram): void {
    this.hist.add(other.hist);
    this.sumNs += other.sumNs;
    this.count += other.count;
  }

  meanNs(): number {
    return this.count > 0 ? this.sumNs / this.count : 0;
  }

  summaryUs(): LatencySummary {
    if (this.count === 0) return { mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
    const us = (ns: number) => round3(ns / 1000);
    return {
      mean: us(this.meanNs()),
      p50: us(this.hist.getValueAtPercentile(50)),
      p90: us(this.hist.getValueAtPercentile(90)),
      p99: us(this.hist.getValueAtPercentile(99)),
      p999: us(this.hist.getValueAtPercentile(99.9)),
      max: us(this.hist.maxValue),
    };
  }
}

/** Rounds to 3 decimals: results stay readable and identical across platforms' printing. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
