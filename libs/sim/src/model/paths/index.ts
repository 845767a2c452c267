import { CAL } from '../calibration.js';
import { frameBytes } from '../hardware.js';
import type { RequestPath, Stage } from '../stage.js';
import type { RequestShape } from '../workload.js';
import type { ResolvedSpec } from '../../spec/resolve.js';
import { arrakisPath } from './arrakis.js';
import { containerPath } from './container.js';
import { kernelPath } from './kernel-path.js';
import { vmPath } from './vm.js';
import { flexkvsPath } from './flexkvs.js';
import { nicPlan } from '../../flexnic/plan.js';

/** The stages one request of `shape` goes through on the spec's system path. */
export function buildPath(spec: ResolvedSpec, requestShape: RequestShape): RequestPath {
  const plan = nicPlan(spec, requestShape);
  const shape = { ...requestShape, nic: plan };
  const frames = { request: frameBytes(shape.requestBytes, shape.l4), reply: frameBytes(shape.replyBytes, shape.l4) };
  const system = spec.system;
  const path = ((): RequestPath => {
    switch (system.path) {
      case 'linux':
        return kernelPath(shape, frames);
      case 'container':
        return containerPath(shape, frames, system.container.network);
      case 'vm':
        return vmPath(spec, shape, frames);
      case 'arrakis':
        // FlexKVS brings its own user-level stack; other servers use libIO's POSIX interface.
        return shape.server === 'flexkvs' ? flexkvsPath(shape, frames, plan) : arrakisPath(shape, frames);
    }
  })();
  // FlexNIC's match+action stages follow the NIC's own receive pipeline; an acknowledgement the
  // program generates leaves right after them.
  if (plan.pipelineStages > 0) {
    const at = path.stages.findIndex((st) => st.name === 'nic.rx-pipeline') + 1;
    const nic: Stage[] = [{ kind: 'delay', name: 'flexnic.match-action', domain: 'hardware', ns: plan.pipelineStages * CAL.flexnic.stageNs }];
    if (plan.nicAck) nic.push({ kind: 'transmit', name: 'flexnic.ack', domain: 'hardware' });
    path.stages.splice(at, 0, ...nic);
  }
  return { ...path, steer: plan.steer };
}
