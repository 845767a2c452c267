import { frameBytes } from '../hardware.js';
import type { RequestPath } from '../stage.js';
import type { RequestShape } from '../workload.js';
import type { ResolvedSpec } from '../../spec/resolve.js';
import { arrakisPath } from './arrakis.js';
import { containerPath } from './container.js';
import { kernelPath } from './kernel-path.js';
import { vmPath } from './vm.js';

/** The stages one request of `shape` goes through on the spec's system path. */
export function buildPath(spec: ResolvedSpec, shape: RequestShape): RequestPath {
  const frames = { request: frameBytes(shape.requestBytes, shape.l4), reply: frameBytes(shape.replyBytes, shape.l4) };
  const system = spec.system;
  switch (system.path) {
    case 'linux':
      return kernelPath(shape, frames);
    case 'container':
      return containerPath(shape, frames, system.container.network);
    case 'vm':
      return vmPath(spec, shape, frames);
    case 'arrakis':
      return arrakisPath(shape, frames);
  }
}
