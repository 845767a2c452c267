import { CAL } from '../calibration.js';
import type { CpuStage, RequestPath, Stage } from '../stage.js';
import type { RequestShape } from '../workload.js';
import type { ResolvedSpec } from '../../spec/resolve.js';
import { kernelPath } from './kernel-path.js';
import { translation, walkRefs } from '../translation.js';

/**
 * A guest OS in a virtual machine: the guest's Linux does the work of the kernel path, and the
 * host takes its share around it.
 *  - I/O: virtio — the host's vhost handles each packet and a notification exits; emulated —
 *    every device-register access exits; SR-IOV — the VF is the guest's, no exit on the data path.
 *  - Virtualization: hardware-assisted — guest system calls stay in the guest; trap-and-emulate —
 *    every guest interrupt and system call goes through the host kernel first: host, guest OS,
 *    back to the host, resume (four crossings where a native kernel needs two).
 */
export function vmPath(spec: ResolvedSpec, shape: RequestShape, frames: { request: number; reply: number }): RequestPath {
  const V = CAL.vm;
  const vm = spec.system.vm;
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
  // Which of the guest kernel's events the host sees. Trap-and-emulate: every interrupt and
  // system call enters the host kernel first, which reflects it into the guest and resumes it
  // (host, guest OS, back to the host, resume: two more crossings each, [AA]'s 2,308 vs 242
  // cycles per system call). Hardware-assisted: system calls stay in the guest; a device
  // interrupt still exits to the host to be injected — except with SR-IOV, whose VF interrupts
  // go to the guest directly (posted), so the data path never exits.
  const trapped = (s: CpuStage): boolean =>
    vm.virtualization === 'trap-and-emulate' || (s.event === 'interrupt' && vm.io !== 'sriov');
  const mediate = (s: CpuStage): CpuStage => {
    if (!trapped(s)) return s;
    const extra = vm.virtualization === 'trap-and-emulate' ? V.trappedSyscallExtra : V.exitRoundTrip;
    return {
      ...s,
      cycles: s.cycles + extra,
      crossings: { ...s.crossings, guestHost: (s.crossings?.guestHost ?? 0) + 2, vmExits: (s.crossings?.vmExits ?? 0) + 1 },
    };
  };
  return kernelPath(shape, frames, { beforeReceive, afterSend, onThread: memoryStages(spec, shape), mediate });
}

/**
 * What guest memory costs beyond native, per request: with nested paging every TLB miss walks
 * two dimensions of page tables (the native walk is in the calibrated costs already, so only the
 * difference is charged, as MMU time on the serving core); with shadow paging the walk is native
 * but every guest page-table write traps to the VMM, which updates the shadow copy.
 */
function memoryStages(spec: ResolvedSpec, shape: RequestShape): Stage[] {
  const V = CAL.vm;
  const vm = spec.system.vm;
  const stages: Stage[] = [];
  const t = translation(spec);
  const hit = spec.hardware.memory.pageWalkCache ? CAL.translation.pageWalkCacheHit : 0;
  const extraRefs = (t.missesPerRequest[shape.op] ?? 0) * (walkRefs(vm.paging, hit) - walkRefs('native', hit));
  if (extraRefs > 0) {
    stages.push({
      kind: 'cpu',
      on: 'thread',
      name: 'mmu.nested-walks',
      domain: 'hardware',
      cycles: extraRefs * CAL.translation.walkRefNs * spec.hardware.cpu.ghz,
    });
  }
  const updates = vm.pageTableUpdatesPerRequest;
  if (vm.paging === 'shadow' && updates > 0) {
    // First-generation VT-x: an exit per write ([AA] 12,733 cycles); trap-and-emulate: the write
    // faults on the write-protected guest table and the VMM emulates it.
    const perUpdate = vm.virtualization === 'hardware' ? V.shadowPteUpdateHardware : V.trappedSyscallExtra + V.shadowPteUpdateTrapped;
    stages.push({
      kind: 'cpu',
      on: 'thread',
      name: 'vmm.shadow-pte-updates',
      domain: 'kernel',
      cycles: updates * perUpdate,
      crossings: { vmExits: updates, guestHost: 2 * updates },
    });
  }
  return stages;
}
