import Table from 'cli-table3';
import { clientLoad, serverOf, type SimulationResult } from '#sim';

/** A person-readable summary of a result: latency, breakdown, crossings, utilization. */
export function formatResult(r: SimulationResult): string {
  const m = r.metrics;
  const lines: string[] = [];
  const server = serverOf(r.spec);
  lines.push(
    `${r.spec.name}: ${server === 'web' ? 'web server' : server} on ${r.spec.system.path}, ${r.spec.hardware.cpu.cores} cores @ ${r.spec.hardware.cpu.ghz} GHz, ` +
      `${clientLoad(r.spec).clients} clients, seed ${r.spec.seed}, model ${r.model.version}`,
  );
  lines.push(`throughput ${fmt(m.throughputOpsPerSec)} ops/s   bottleneck ${m.bottleneck}   ${m.requests} requests measured`);

  const lat = new Table({ head: ['latency µs', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'] });
  for (const [op, s] of Object.entries(m.latencyUs)) lat.push([op, s.mean, s.p50, s.p90, s.p99, s.p999, s.max].map(String));
  lines.push(lat.toString());

  const bd = new Table({ head: ['breakdown', 'hardware', 'kernel', 'libIO', 'app', 'queued'] });
  for (const [op, b] of Object.entries(m.breakdown)) {
    const cell = (ns: number, pct: number) => `${(ns / 1000).toFixed(2)} µs ${pct.toFixed(0)}%`;
    bd.push([op, cell(b.hardwareNs, b.hardwarePct), cell(b.kernelNs, b.kernelPct), cell(b.libioNs, b.libioPct), cell(b.appNs, b.appPct), `${(b.queueNs / 1000).toFixed(2)} µs`]);
  }
  lines.push(bd.toString());

  const c = m.crossings;
  const u = m.utilization;
  const e = m.crossingsPerEvent;
  lines.push(
    `crossings per request: user/kernel ${c.userKernel}, guest/host ${c.guestHost}, VM exits ${c.vmExits}` +
      `  (an interrupt: ${e.interrupt}, a system call: ${e.syscall})`,
  );
  const t = m.tlb;
  lines.push(`TLB: miss rate ${t.missRate}, page-walk references per miss ${t.walkRefsPerMiss} (worst case ${t.walkRefsWorstCase})`);
  lines.push(`host CPU per request: ${m.hostCpuNsPerRequest.toFixed(0)} ns (all cores)`);
  lines.push(
    `utilization: cores [${u.cores.map((x) => x.toFixed(2)).join(' ')}]  nic ${u.nic.toFixed(2)}  pcie ${u.pcie.toFixed(2)}  storage ${u.storage.toFixed(2)}`,
  );
  if (r.confidence95) {
    const ci = r.confidence95.throughputOpsPerSec;
    lines.push(`throughput 95% CI over ${ci.n} replications: ${fmt(ci.lo)} – ${fmt(ci.hi)} ops/s`);
  }
  lines.push(`${m.eventsProcessed} events in ${m.wallMs.toFixed(0)} ms · reproducibility key ${r.reproducibilityKey}`);
  return lines.join('\n');
}

function fmt(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}
