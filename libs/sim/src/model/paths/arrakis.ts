import { CAL } from '../calibration.js';
import { nicReceive, nicTransmit } from '../hardware.js';
import type { CpuStage, RequestPath, Stage } from '../stage.js';
import type { RequestShape } from '../workload.js';
import { appStages } from './app.js';

/**
 * Arrakis: the control plane ran once at set-up (the VNIC, its filters and the virtual storage
 * area exist); per request only the data plane runs — libIO on the application's own core,
 * polling its VNIC queue (no interrupt, no system call, no kernel crossing).
 */
const A = CAL.arrakis;

const libio = (name: string, cycles: number): CpuStage => ({ kind: 'cpu', on: 'thread', name, domain: 'libio', cycles });

export function arrakisPath(shape: RequestShape, frames: { request: number; reply: number }): RequestPath {
  const stages: Stage[] = [
    ...nicReceive(frames.request, false),
    { kind: 'thread', name: 'thread.take', domain: 'app', action: 'acquire' },
    libio('libio.netstack-in', A.netstackIn + A.copyFixed + A.copyInPerByte * shape.requestBytes + A.eventDispatch),
    ...appStages(shape, false, () => vsaFileRead(shape)),
  ];
  if (shape.persist) {
    // The log append is asynchronous: the thread serves other requests while the write is in
    // flight and completes this one when the VSA reports the write durable.
    stages.push(libio('libio.vsa-append', A.vsaSubmit));
    stages.push({ kind: 'thread', name: 'thread.yield', domain: 'app', action: 'release' });
    stages.push({ kind: 'storage', name: 'vsa.log-write', domain: 'hardware', op: 'write', bytes: shape.logBytes });
    stages.push({ kind: 'thread', name: 'thread.take', domain: 'app', action: 'acquire' });
    stages.push(libio('libio.vsa-complete', A.vsaComplete + A.persistentEventLoop));
  }
  const hostReplies = !shape.nic?.nicAck; // else the NIC acknowledged it already
  if (hostReplies) stages.push(libio('libio.netstack-out', A.copyFixed + A.copyOutPerByte * shape.replyBytes + A.netstackOut));
  stages.push({ kind: 'thread', name: 'thread.done', domain: 'app', action: 'release' });
  if (hostReplies) stages.push(...nicTransmit(frames.reply));
  return { stages, requestFrameBytes: frames.request, replyFrameBytes: frames.reply };
}

/**
 * A file read on Arrakis: the application keeps its own buffer cache over the virtual storage
 * area. A hit copies from it; a miss reads the extent through libIO, the device DMAs it straight
 * into the application's buffer (no kernel copy), and the thread serves others meanwhile.
 */
function vsaFileRead(shape: RequestShape): Stage[] {
  const copy: CpuStage = {
    kind: 'cpu',
    on: 'thread',
    name: 'app.buffer-cache-copy',
    domain: 'app',
    cycles: A.copyFixed + A.copyInPerByte * shape.fileBytes,
  };
  if (shape.fileRead !== 'device') return [copy];
  return [
    libio('libio.vsa-read', A.vsaSubmit),
    { kind: 'thread', name: 'thread.yield', domain: 'app', action: 'release' },
    { kind: 'storage', name: 'vsa.file-read', domain: 'hardware', op: 'read', bytes: shape.fileBytes },
    { kind: 'pcie', name: 'dma.file-read', domain: 'hardware', direction: 'up', bytes: shape.fileBytes, latencyNs: CAL.pcie.postedWriteNs },
    { kind: 'thread', name: 'thread.take', domain: 'app', action: 'acquire' },
    libio('libio.vsa-complete', A.vsaComplete),
  ];
}
