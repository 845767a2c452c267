import { CAL } from '../calibration.js';
import type { CpuStage, RequestPath } from '../stage.js';
import type { RequestShape } from '../workload.js';
import { kernelPath } from './kernel-path.js';

/**
 * A container is Linux with namespaces: one kernel, no guest, no exits. Its network mode decides
 * the extra hop: `host` shares the host's stack; `bridge` crosses a veth pair, the Linux bridge
 * and NAT on the way in and on the way out.
 */
export function containerPath(shape: RequestShape, frames: { request: number; reply: number }, network: 'host' | 'bridge'): RequestPath {
  const C = CAL.container;
  const hop = (name: string, on: 'rx' | 'thread'): CpuStage => ({
    kind: 'cpu',
    on,
    name,
    domain: 'kernel',
    cycles: C.namespacePerPacket + (network === 'bridge' ? C.bridgePerPacket : 0),
  });
  return kernelPath(shape, frames, {
    beforeReceive: [hop(`container.${network}-in`, 'rx')],
    afterSend: [hop(`container.${network}-out`, 'thread')],
  });
}
