import { nicReceive, nicTransmit } from '../hardware.js';
import type { CpuStage, RequestPath, Stage } from '../stage.js';
import type { RequestShape } from '../workload.js';
import { appStages } from './app.js';
import { ext4PersistentWrite, kernelFileRead, kernelRecvSyscalls, kernelReceive, kernelSendSyscall } from './linux-kernel.js';

/**
 * A request served through a kernel network stack: Linux itself, a container (Linux plus
 * namespace and bridge hops) or a guest OS (Linux inside a VM, plus the host's share). The
 * variants add stages around the kernel's; they never edit the kernel's costs.
 */
export interface KernelPathVariant {
  /** Stages between the NIC and the (guest) kernel's receive path. */
  beforeReceive?: Stage[];
  /** Stages between the (guest) kernel's send and the NIC. */
  afterSend?: Stage[];
  /** Stages on the serving thread while it handles the request (e.g. a guest's extra page walks). */
  onThread?: Stage[];
  /** Applied to every (guest) kernel stage that is an interrupt or a system call. */
  mediate?: (stage: CpuStage) => CpuStage;
}

export function kernelPath(
  shape: RequestShape,
  frames: { request: number; reply: number },
  variant: KernelPathVariant = {},
): RequestPath {
  const mediate = (stages: Stage[]) =>
    stages.map((s) => (s.kind === 'cpu' && s.event && variant.mediate ? variant.mediate(s) : s));
  const stages: Stage[] = [
    ...nicReceive(frames.request, true),
    ...(variant.beforeReceive ?? []),
    ...mediate(kernelReceive(shape)),
    { kind: 'thread', name: 'thread.take', domain: 'app', action: 'acquire' },
    ...mediate(kernelRecvSyscalls(shape)),
    ...appStages(shape, true, () => mediate(kernelFileRead(shape))),
    ...(variant.onThread ?? []),
    ...(shape.persist ? mediate(ext4PersistentWrite(shape)) : []),
    // A reply the NIC sends itself (a FlexNIC acknowledgement) needs no send from the host.
    ...(shape.nic?.nicAck ? [] : mediate(kernelSendSyscall(shape))),
    { kind: 'thread', name: 'thread.done', domain: 'app', action: 'release' },
    ...(shape.nic?.nicAck ? [] : [...(variant.afterSend ?? []), ...nicTransmit(frames.reply)]),
  ];
  return { stages, requestFrameBytes: frames.request, replyFrameBytes: frames.reply };
}
