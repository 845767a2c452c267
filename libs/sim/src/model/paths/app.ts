import { CAL } from '../calibration.js';
import type { CpuStage, Stage } from '../stage.js';
import type { RequestShape } from '../workload.js';
import { PLAIN_NIC } from '../../flexnic/plan.js';
import { flexkvsAppStages } from './flexkvs.js';

/**
 * The server application's own work for one request, on the serving thread. Costs are those of
 * an unpolluted cache ([A2] Arrakis/P); paths whose kernel shares the core mark them polluted.
 * `readFile` is how the path reads a file (a system call, or libIO on the virtual storage area):
 * the web server calls it between parsing the request and formatting the reply.
 */
export function appStages(shape: RequestShape, polluted: boolean, readFile: () => Stage[] = () => []): Stage[] {
  const app = (name: string, cycles: number, extra: Partial<CpuStage> = {}): CpuStage => ({
    kind: 'cpu',
    on: 'thread',
    name,
    domain: 'app',
    cycles,
    polluted,
    ...extra,
  });
  switch (shape.server) {
    case 'redis': {
      const r = CAL.redis;
      const stages = [app('redis.parse', r.parseFixed + r.parsePerByte * shape.requestBytes)];
      if (shape.op === 'get') {
        stages.push(app('redis.lookup', r.lookup, { lookup: true }));
        stages.push(app('redis.reply', r.replyFixed + r.replyPerByte * shape.valueSize));
      } else {
        stages.push(app('redis.set', r.setFixed + r.setPerByte * shape.valueSize, { lookup: true }));
        if (shape.persist) stages.push(app('redis.log-marshal', r.marshalFixed + r.marshalPerByte * shape.valueSize));
        stages.push(app('redis.reply', r.replyFixed));
      }
      return stages;
    }
    case 'web': {
      const w = CAL.web;
      return [
        app('web.parse-request', w.parseFixed + w.parsePerByte * shape.requestBytes),
        ...readFile(),
        app('web.format-reply', w.formatReply),
      ];
    }
    case 'flexkvs':
      return flexkvsAppStages(shape, shape.nic ?? PLAIN_NIC).map((s) => ({ ...s, polluted }));
    case 'analytics': {
      // Steered by the tuple's key, the tuple is already on its worker's core: no software
      // demultiplexing and no hand-off. Acknowledged by the NIC, the host builds no ACK.
      const A = CAL.analytics;
      const nic = shape.nic ?? PLAIN_NIC;
      const stages = [app('analytics.parse', A.parse)];
      if (nic.steer !== 'key') stages.push(app('analytics.demux', A.demuxHash + A.enqueue, { sharedLines: A.handoffLines }));
      stages.push(app('analytics.count', A.count), app('analytics.rank', A.rank));
      if (!nic.nicAck) stages.push(app('analytics.ack', A.ackBuild));
      return stages;
    }
    case 'memcached':
      return [app(`${shape.server}.${shape.op}`, CAL.memcached.request + CAL.memcached.perValueByte * shape.valueSize, { lookup: true })];
  }
}
