import { CAL } from '../calibration.js';
import type { CpuStage, RequestPath, Stage } from '../stage.js';
import type { RequestShape } from '../workload.js';
import type { ResolvedSpec } from '../../spec/resolve.js';
import { kernelPath } from './kernel-path.js';

/**
 * A guest OS in a virtual machine: the guest's Linux does the work of the kernel path, and the
 * host takes its share around it.
 *  - I/O: virtio — the host's vhost handles each packet and a notification exits; emulated —
 *    every device-register access exits; SR-IOV — the VF is the guest's, no exit on the data path.
 *  - Virtualization: hardware-assisted — guest system calls stay in the guest; trap-and-emulate —
 *    every guest interrupt and system call goes through the host kernel first: host, guest OS,
 *    back to the host, resume (four crossings where a native kernel needs two).
 */
export function vmPath(shape: RequestShape, frames: { request: number; reply: number }, vm: ResolvedSpec['system']['vm']): RequestPath {
  const V = CAL.vm;
  const host = (name: string, on: 'rx' | 'thread', cycles: number, exits: number): CpuStage => ({
    kind: 'cpu',
    on,
    name,
    domain: 'kernel',
    cycles,
    crossings: { vmExits: exits, guestHost: 2 * exits },
  });
  const beforeReceive: Stage[] = [];
  const afterSend: Stage[] = [];
  if (vm.io === 'virtio') {
    beforeReceive.push(host('host.vhost-rx', 'rx', V.hostPacket + V.exitRoundTrip, 1));
    afterSend.push(host('host.vhost-tx', 'thread', V.hostPacket + V.exitRoundTrip, 1));
  } else if (vm.io === 'emulated') {
    const exits = V.emulatedExitsPerPacket;
    beforeReceive.push(host('host.emulated-nic-rx', 'rx', V.hostPacket + exits * V.exitRoundTrip, exits));
    afterSend.push(host('host.emulated-nic-tx', 'thread', V.hostPacket + exits * V.exitRoundTrip, exits));
  }
  const mediate =
    vm.virtualization === 'trap-and-emulate'
      ? (s: CpuStage): CpuStage => ({
          ...s,
          cycles: s.cycles + V.trappedSyscallExtra,
          crossings: { ...s.crossings, guestHost: (s.crossings?.guestHost ?? 0) + 2 },
        })
      : undefined;
  return kernelPath(shape, frames, { beforeReceive, afterSend, mediate });
}
