import Table from 'cli-table3';
import { simulate } from '../libs/sim/src/index.js';

/**
 * The lecture's reference experiments, Linux against Arrakis: Redis 1 KB GET and persistent SET
 * (latency with one client, throughput with 64).
 */
const redis = (path: string, getRatio: number, clients: number) => ({
  name: `redis-${getRatio === 1 ? 'get' : 'set'}-${path}`,
  system: { path },
  hardware: { storage: { kind: 'raid-flash-cache' } },
  workload: { kind: 'kv', kv: { server: 'redis', valueSize: 1024, getRatio, clients } },
});

async function main(): Promise<void> {
  const table = new Table({ head: ['experiment', 'path', 'latency µs', 'hw %', 'kernel %', 'libIO %', 'app %', 'tput (64 clients)', 'bottleneck'] });
  for (const [op, ratio] of [
    ['GET', 1],
    ['SET', 0],
  ] as const) {
    for (const path of ['linux', 'arrakis']) {
      const one = (await simulate(redis(path, ratio, 1))).metrics;
      const many = (await simulate(redis(path, ratio, 64))).metrics;
      const key = op === 'GET' ? 'get' : 'set';
      const b = one.breakdown[key];
      table.push([
        `Redis 1 KB ${op}`,
        path,
        one.latencyUs[key].mean.toFixed(2),
        b.hardwarePct.toFixed(0),
        b.kernelPct.toFixed(0),
        b.libioPct.toFixed(0),
        b.appPct.toFixed(0),
        `${Math.round(many.throughputOpsPerSec).toLocaleString('en-US')} ops/s`,
        many.bottleneck,
      ]);
    }
  }
  console.log(table.toString());
  console.log('Run your own: npx iopath simulate examples/redis-get-arrakis.yaml (or any spec; --json for the full result).');
}

void main();
