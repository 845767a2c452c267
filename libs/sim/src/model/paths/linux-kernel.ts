import { CAL } from '../calibration.js';
import type { CpuStage, Stage } from '../stage.js';
import type { RequestShape } from '../workload.js';

/**
 * The Linux kernel's share of a request, as [A1] breaks it down, plus what TCP, epoll, a shared
 * UDP socket and ext4 add. Used by the linux, container and vm paths (in a VM it is the guest's).
 */
const L = CAL.linux;

const kernel = (name: string, on: 'rx' | 'thread', cycles: number, extra: Partial<CpuStage> = {}): CpuStage => ({
  kind: 'cpu',
  on,
  name,
  domain: 'kernel',
  cycles,
  ...extra,
});

const copyIn = (bytes: number) => L.copyFixed + L.copyInPerByte * bytes;
const copyOut = (bytes: number) => L.copyFixed + L.copyOutPerByte * bytes;

/** Interrupt and softirq on the receiving core: the stack delivers the packet to the socket. */
export function kernelReceive(shape: RequestShape): CpuStage[] {
  const stages = [
    kernel('linux.netstack-in', 'rx', L.netstackIn, { crossings: { userKernel: 2 }, event: 'interrupt' }),
  ];
  // memcached's UDP threads share one socket: enqueueing takes its lock (see CAL.linux).
  if (shape.l4 === 'udp') stages.push(kernel('linux.socket-enqueue', 'rx', L.socketLockCycles, { lock: 'socket', lockLines: L.socketLockLines }));
  stages.push(kernel('linux.scheduler', 'rx', L.scheduler));
  return stages;
}

/** epoll_wait returns, then read()/recvmsg() copies the request in. */
export function kernelRecvSyscalls(shape: RequestShape): CpuStage[] {
  const stages: CpuStage[] = [
    kernel('linux.epoll-wait', 'thread', L.syscallEnter + L.syscallReturn + L.epollExtra, {
      crossings: { userKernel: 2 },
      crossCoreLines: L.crossCorePacketLines,
    }),
  ];
  if (shape.l4 === 'udp') {
    stages.push(kernel('linux.recv', 'thread', L.syscallEnter + copyIn(shape.requestBytes) + L.syscallReturn, { crossings: { userKernel: 2 }, event: 'syscall' }));
    stages.push(kernel('linux.socket-dequeue', 'thread', L.socketLockCycles, { lock: 'socket', lockLines: L.socketLockLines }));
  } else {
    stages.push(
      kernel('linux.recv', 'thread', L.syscallEnter + copyIn(shape.requestBytes) + L.tcpRecvExtra + L.syscallReturn, {
        crossings: { userKernel: 2 },
        event: 'syscall',
      }),
    );
  }
  return stages;
}

/** write()/sendmsg() copies the reply out and the stack hands it to the driver. */
export function kernelSendSyscall(shape: RequestShape): CpuStage[] {
  const tcp = shape.l4 === 'tcp' ? L.tcpSendExtra : 0;
  return [
    kernel('linux.send', 'thread', L.syscallEnter + copyOut(shape.replyBytes) + tcp + L.netstackOut + L.syscallReturn, {
      crossings: { userKernel: 2 },
      event: 'syscall',
    }),
  ];
}

/**
 * A persistent SET through the file system: write() into the page cache, then fsync(). In ext4's
 * data=ordered mode fsync writes the data block, then wakes jbd2, which writes the journal's
 * descriptor and metadata blocks and then the commit record; each write goes through the block
 * layer, sleeps until the device completes it, and is woken by the completion interrupt.
 *
 * Attribution: the data block's device time is hardware. The journal's writes occupy the same
 * device (they count in its utilization and bound its throughput) but their time is booked to
 * the kernel: they exist only because the kernel's file system journals, and the published
 * breakdown (Linux SET: hardware 13%, kernel 84%) counts them there.
 */
export function ext4PersistentWrite(shape: RequestShape): Stage[] {
  const E = CAL.ext4;
  const wake = CAL.cpu.contextSwitch + CAL.cpu.wakeSlowdown;
  const blockIo = (name: string, bytes: number, domain: 'hardware' | 'kernel'): Stage[] => [
    kernel(`block.${name}-submit`, 'thread', E.blockSubmit),
    { kind: 'storage', name: `device.${name}`, domain, op: 'write', bytes },
    kernel(`block.${name}-complete`, 'thread', E.blockComplete + wake),
  ];
  return [
    kernel('ext4.write', 'thread', E.write, { crossings: { userKernel: 2 }, event: 'syscall' }),
    // Both of fsync's crossings are booked on its entry, so one stage stands for the whole call.
    kernel('ext4.fsync', 'thread', L.syscallEnter + E.fsyncFixed + E.fsyncPerByte * shape.logBytes, { crossings: { userKernel: 2 }, event: 'syscall' }),
    ...blockIo('data-write', E.dataWriteBytes, 'hardware'),
    kernel('jbd2.wake', 'thread', wake),
    kernel('jbd2.commit', 'thread', E.journalCommit),
    ...E.journalWriteBytes.flatMap((bytes, i) => blockIo(i === 0 ? 'journal-write' : 'journal-commit-write', bytes, 'kernel')),
    kernel('ext4.fsync-return', 'thread', wake + L.syscallReturn),
  ];
}

/**
 * read() of the served file. From the page cache: look the pages up and copy them to the user
 * buffer. On a miss the kernel allocates the pages, submits a read through the block layer, the
 * thread sleeps until the device has DMA'd the data in and the completion interrupt wakes it,
 * then copies as on a hit.
 */
export function kernelFileRead(shape: RequestShape): Stage[] {
  const W = CAL.web;
  const E = CAL.ext4;
  const copy = copyIn(shape.fileBytes);
  if (shape.fileRead !== 'device') {
    return [kernel('vfs.read', 'thread', L.syscallEnter + W.pageCacheLookup + copy + L.syscallReturn, { crossings: { userKernel: 2 }, event: 'syscall' })];
  }
  const wake = CAL.cpu.contextSwitch + CAL.cpu.wakeSlowdown;
  return [
    kernel('vfs.read', 'thread', L.syscallEnter + W.pageCacheLookup + W.pageCacheMissExtra + E.blockSubmit, { crossings: { userKernel: 2 }, event: 'syscall' }),
    { kind: 'storage', name: 'device.file-read', domain: 'hardware', op: 'read', bytes: shape.fileBytes },
    { kind: 'pcie', name: 'dma.file-read', domain: 'hardware', direction: 'up', bytes: shape.fileBytes, latencyNs: CAL.pcie.postedWriteNs },
    kernel('block.read-complete', 'thread', E.blockComplete + wake),
    kernel('vfs.read-copy', 'thread', copy + L.syscallReturn),
  ];
}
