import { BudgetExceededError } from './errors.js';
import { CAL } from './model/calibration.js';
import { pcieWireBytes } from './model/hardware.js';
import type { RequestPath, Stage } from './model/stage.js';
import { clientLoad, operationMix, serverOf, type Operation } from './model/workload.js';
import type { ResolvedSpec } from './spec/resolve.js';

export const DEFAULT_MAX_EVENTS = 200_000_000;

/** Events the engine processes for one request going through `stage`. */
function stageEvents(stage: Stage): number {
  switch (stage.kind) {
    case 'cpu':
      return stage.lock ? 3 : 2;
    case 'delay':
      return 1;
    case 'pcie':
      return 3;
    case 'storage':
      return 4;
    case 'thread':
      return 1;
    case 'transmit':
      return 2;
  }
}

export interface WorkEstimate {
  requestsPerSecond: number;
  eventsPerRequest: number;
  requests: number;
  events: number;
}

/**
 * Estimates the work of a spec before running it: an upper bound on throughput (offered load,
 * CPU, storage and NIC capacity) times the simulated time, times the events per request.
 * Throws BudgetExceededError when it is over `maxEvents`.
 */
export function estimateWork(spec: ResolvedSpec, paths: Partial<Record<Operation, RequestPath>>, maxEvents: number): WorkEstimate {
  const hw = spec.hardware;
  const mix = operationMix(spec);
  const { clients, load } = clientLoad(spec);
  const singleThread = serverOf(spec) === 'redis';
  let eventsPerRequest = 0;
  let cpuNs = 0;
  let threadNs = 0;
  let storageNs = 0;
  let wireBytes = 0;
  let pcieBytes = 0;
  for (const [op, share] of mix) {
    const path = paths[op];
    if (!path || share === 0) continue;
    eventsPerRequest += share * (5 + path.stages.reduce((a, s) => a + stageEvents(s), 0));
    for (const s of path.stages) {
      if (s.kind === 'cpu') cpuNs += (share * s.cycles) / hw.cpu.ghz;
      if (s.kind === 'storage') {
        storageNs += (share * CAL.storage[hw.storage.kind].commandOccupancyUs * 1000);
        threadNs += share * (s.op === 'read' ? hw.storage.readLatencyUs : hw.storage.writeLatencyUs) * 1000;
      }
      if (s.kind === 'pcie') pcieBytes += share * pcieWireBytes(s.bytes);
    }
    wireBytes += share * (path.requestFrameBytes + path.replyFrameBytes + 2 * CAL.ethernet.wireOverheadBytes);
  }
  const threadsUsable = singleThread ? 1 : hw.cpu.cores;
  const bounds = [
    (threadsUsable * 1e9) / Math.max(1, cpuNs + (singleThread ? threadNs : 0)),
    storageNs > 0 ? 1e9 / storageNs : Infinity,
    (hw.nic.ports * hw.nic.gbps * 1e9) / 8 / Math.max(1, wireBytes / 2),
    (hw.pcie.gbps * 1e9) / 8 / Math.max(1, pcieBytes),
    load.kind === 'open' ? load.rateOpsPerSec : (clients * load.outstanding * 1e9) / (CAL.client.thinkNs + cpuNs),
  ];
  const requestsPerSecond = Math.min(...bounds);
  const d = spec.duration;
  const measured = d.requests ?? (requestsPerSecond * d.measureUs) / 1e6;
  const requests = measured + (requestsPerSecond * d.warmupUs) / 1e6;
  const events = requests * eventsPerRequest * spec.replications;
  if (events > maxEvents) {
    throw new BudgetExceededError(
      events,
      maxEvents,
      `${Math.round(requests).toLocaleString('en-US')} requests × ${Math.round(eventsPerRequest)} events × ${spec.replications} replication(s)`,
    );
  }
  return { requestsPerSecond, eventsPerRequest, requests, events };
}
