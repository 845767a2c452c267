import { round3 } from '../stats/latency-histogram.js';
import type { ServerModel } from './server.js';

export type Bottleneck = 'cpu' | 'nic' | 'pcie' | 'storage' | 'locks' | 'none';

export interface Utilization {
  cores: number[];
  nic: number;
  pcie: number;
  storage: number;
  /** Extension: how busy the application's threads are (blocked on I/O counts as busy). */
  threads: number;
  /** Extension: share of core time spent spinning on shared kernel locks. */
  lockSpin: number;
}

const SATURATED = 0.9;

/** Utilization of every resource over the measured window. */
export function measureUtilization(server: ServerModel): Utilization {
  const cores = server.cores.map((c) => c.utilization());
  const busy = cores.reduce((a, b) => a + b, 0);
  const spinPs = server.spinPs.reduce((a, b) => a + b, 0);
  const spanPs = server.env.now - (server.measureStartPs ?? 0);
  const ports = [...server.rxPorts, ...server.txPorts].map((p) => p.utilization());
  return {
    cores: cores.map(round3),
    nic: round3(Math.max(...ports)),
    pcie: round3(Math.max(server.pcieUp.utilization(), server.pcieDown.utilization())),
    storage: round3(server.storageController.utilization()),
    threads: round3(Math.max(...server.threads.map((t) => t.utilization()))),
    lockSpin: round3(busy > 0 && spanPs > 0 ? spinPs / spanPs / busy : 0),
  };
}

/**
 * The resource that limits throughput. A saturated device names itself. Saturated cores name
 * the locks when much of their time is spinning. Saturated threads while no core is busy are
 * blocked on synchronous I/O: the storage path limits them.
 */
export function findBottleneck(u: Utilization): Bottleneck {
  const maxCore = Math.max(...u.cores);
  const candidates: [Bottleneck, number][] = [
    ['nic', u.nic],
    ['pcie', u.pcie],
    ['storage', u.storage],
    ['cpu', maxCore],
  ];
  candidates.sort((a, b) => b[1] - a[1]);
  const [top, level] = candidates[0];
  if (level >= SATURATED) {
    if (top === 'cpu' && u.lockSpin > 0.2) return 'locks';
    return top;
  }
  if (u.threads >= SATURATED && maxCore < SATURATED) return 'storage';
  return 'none';
}
