import { CAL } from '../calibration.js';
import { nicTransmit, dma } from '../hardware.js';
import type { CpuStage, RequestPath, Stage } from '../stage.js';
import type { RequestShape } from '../workload.js';
import type { NicPlan } from '../../flexnic/plan.js';

/**
 * FlexKVS's own work for one request, as stages: what the NIC program did not already do.
 * Custom DMA removes the protocol, copy and parse stages; key steering removes the software hash
 * (the NIC's arrives with the request), the bucket lock (each core owns its partition) and the
 * bucket lines that flow steering makes travel between cores.
 */
export function flexkvsAppStages(shape: RequestShape, plan: NicPlan): CpuStage[] {
  const F = CAL.flexkvs;
  const app = (name: string, cycles: number, extra: Partial<CpuStage> = {}): CpuStage => ({ kind: 'cpu', on: 'thread', name, domain: 'app', cycles, ...extra });
  const stages: CpuStage[] = [];
  if (plan.customDma) {
    stages.push(app('flexkvs.event-queue', F.eventQueue));
  } else {
    stages.push(app('flexkvs.udp-rx', F.protocolRx));
    stages.push(app('flexkvs.copy-request', F.copyFixed + F.copyPerByte * shape.requestBytes));
    stages.push(app('flexkvs.parse', F.parse));
  }
  if (!plan.hashDelivered) stages.push(app('flexkvs.hash-key', F.hashFixed + F.hashPerKeyByte * shape.keySize));
  if (!plan.partitioned) stages.push(app('flexkvs.bucket-lock', F.bucketLock, { sharedLines: F.sharedLines }));
  stages.push(app(`flexkvs.${shape.op}`, F.lookup, { lookup: true }));
  stages.push(app('flexkvs.reply', F.replyFixed + F.replyPerValueByte * (shape.op === 'get' ? shape.valueSize : 0)));
  return stages;
}

/**
 * FlexKVS on its user-level stack: the thread of the receiving core polls its queue (no
 * interrupt, no system call). With custom DMA the NIC writes the request's fields into the item
 * log and an entry into the event queue instead of the packet and its descriptor.
 */
export function flexkvsPath(shape: RequestShape, frames: { request: number; reply: number }, plan: NicPlan): RequestPath {
  const F = CAL.flexkvs;
  const libio = (name: string, cycles: number): CpuStage => ({ kind: 'cpu', on: 'thread', name, domain: 'libio', cycles });
  const receive: Stage[] = [{ kind: 'delay', name: 'nic.rx-pipeline', domain: 'hardware', ns: CAL.nic.pipelineNs }];
  if (plan.customDma) {
    receive.push(dma(`dma.${plan.customDma.to.replace('app:', '')}`, 'up', plan.customDma.bytes, CAL.pcie.postedWriteNs));
    receive.push(dma('dma.event-entry', 'up', CAL.flexnic.eventEntryBytes, 0));
  } else {
    receive.push(dma('dma.rx-packet', 'up', frames.request, CAL.pcie.postedWriteNs));
    receive.push(dma('dma.rx-descriptor', 'up', CAL.nic.descriptorBytes, 0));
  }
  const stages: Stage[] = [
    ...receive,
    { kind: 'thread', name: 'thread.take', domain: 'app', action: 'acquire' },
    libio('driver.rx', F.driverRx),
    ...flexkvsAppStages(shape, plan),
    libio('driver.tx', F.driverTx),
    { kind: 'thread', name: 'thread.done', domain: 'app', action: 'release' },
    ...nicTransmit(frames.reply),
  ];
  return { stages, requestFrameBytes: frames.request, replyFrameBytes: frames.reply, steer: plan.steer };
}
