import { NORMAL, nsToPs, PS_PER_NS, PS_PER_US, type Environment, type Time } from '../engine/environment.js';
import type { EventTarget } from '../engine/event-queue.js';
import { Resource } from '../engine/resource.js';
import { exponential, jitter, Zipf } from '../random/distributions.js';
import type { RandomStream, StreamFactory } from '../random/streams.js';
import type { ResolvedSpec } from '../spec/resolve.js';
import { CAL } from './calibration.js';
import { MetricsCollector, type RequestRecord } from './collector.js';
import { frameTimeNs, pcieTransactions, pcieWireBytes } from './hardware.js';
import { addCrossings, DOMAINS, type CpuStage, type RequestPath, type Stage, type StorageStage } from './stage.js';
import { clientLoad, operationMix, serverOf, type Operation } from './workload.js';

/**
 * The server under test as a discrete-event model: clients on the far side of the NIC ports,
 * the NIC's wire and PCIe link, the cores (one resource each), the application's threads, shared
 * kernel locks and the storage device. A request walks its path's stages; each stage occupies
 * what it names for as long as it costs, and queues when that is busy.
 *
 * Latency is measured at the server's NIC: from the request's last bit received to the reply's
 * first bit sent. Both frames' serialization occupies the ports (and bounds throughput) but is
 * outside the latency, as in the papers' server-side breakdowns.
 */

// Event tags of a Request's state machine.
const NEXT = 0;
const CORE = 1;
const LOCK = 2;
const CPU_DONE = 3;
const LINK = 4;
const LINK_DONE = 5;
const THREAD = 6;
const DELAY_DONE = 7;
const STORE_SLOT = 8;
const STORE_CTRL = 9;
const STORE_CTRL_DONE = 10;
const STORE_DONE = 11;
const WIRE_RX = 12;
const RX_DONE = 13;
const WIRE_TX = 14;
const TX_DONE = 15;
const LINK_FREE = 16;

const DOMAIN_INDEX = Object.fromEntries(DOMAINS.map((d, i) => [d, i])) as Record<Stage['domain'], number>;

export interface ServerOptions {
  spec: ResolvedSpec;
  paths: Partial<Record<Operation, RequestPath>>;
  streams: StreamFactory;
  env: Environment;
}

/** A lock shared between cores, remembering which core held it last (its lines live there). */
class SharedLock {
  lastCore = -1;
  constructor(readonly resource: Resource) {}
}

export class ServerModel {
  readonly env: Environment;
  readonly cores: Resource[];
  /** Spin time per core (waiting for a lock while holding the core). */
  readonly spinPs: Float64Array;
  readonly threads: Resource[];
  readonly threadCore: (thread: number) => number;
  readonly socketLock: SharedLock;
  readonly rxPorts: Resource[];
  readonly txPorts: Resource[];
  readonly pcieUp: Resource;
  readonly pcieDown: Resource;
  readonly storageController: Resource;
  readonly storageSlots: Resource;
  readonly metrics = new MetricsCollector();
  measuring = false;
  measureStartPs: Time = 0;
  measuredCompletions = 0;
  /** Also receives every measured request (the pooled metrics of several replications). */
  pooled: MetricsCollector | undefined;
  onRequestLimit: (() => void) | undefined;

  readonly psPerCycle: number;
  /** Time a frame of the given size occupies a port, framing on the wire included. */
  readonly wirePs: (frameBytes: number) => Time;
  readonly pciePsPerByte: number;
  readonly pcieTransactionPs: Time;
  /** Share of a shared structure's lines last written by another core, when any core may touch any. */
  private readonly remoteShare: number;
  readonly storage: { latencyPs: (stage: StorageStage) => Time; occupancyPs: (stage: StorageStage) => Time };
  private readonly rxQueues: number;
  private readonly singleThread: boolean;
  private readonly perQueueThreads: boolean;
  private readonly service: RandomStream;
  private readonly keys: RandomStream;
  private readonly zipf: Zipf | undefined;
  private readonly cachedItems: number;

  constructor(
    readonly opts: ServerOptions,
    readonly requestLimit: number | null,
  ) {
    const { spec, env } = opts;
    this.env = env;
    const hw = spec.hardware;
    const nCores = hw.cpu.cores;
    const kv = spec.workload.kv;
    this.psPerCycle = PS_PER_NS / hw.cpu.ghz;
    this.wirePs = (frame) => nsToPs(frameTimeNs(frame, hw.nic.gbps));
    this.pciePsPerByte = (8 * PS_PER_NS) / hw.pcie.gbps;
    this.pcieTransactionPs = nsToPs(CAL.pcie.transactionNs);
    this.cores = Array.from({ length: nCores }, (_, i) => new Resource(env, 1, `core${i}`));
    this.spinPs = new Float64Array(nCores);
    this.remoteShare = (nCores - 1) / nCores;

    // Redis is single-threaded: one thread on core 0, and the NIC's interrupts go to that core.
    // memcached runs a thread per core. Through a kernel they share one UDP socket, so any free
    // thread takes the next request; on Arrakis each thread polls its own VNIC queue.
    this.singleThread = serverOf(spec) === 'redis';
    this.perQueueThreads = !this.singleThread && spec.system.path === 'arrakis';
    if (this.singleThread) this.threads = [new Resource(env, 1, 'thread')];
    else if (this.perQueueThreads) this.threads = this.cores.map((_, i) => new Resource(env, 1, `thread${i}`));
    else this.threads = [new Resource(env, nCores, 'threads')];
    this.threadCore = (t) => (this.singleThread ? 0 : t);
    this.rxQueues = this.singleThread ? 1 : Math.min(hw.nic.queues, nCores);

    this.socketLock = new SharedLock(new Resource(env, 1, 'socket-lock'));
    this.rxPorts = Array.from({ length: hw.nic.ports }, (_, i) => new Resource(env, 1, `port${i}.rx`));
    this.txPorts = Array.from({ length: hw.nic.ports }, (_, i) => new Resource(env, 1, `port${i}.tx`));
    this.pcieUp = new Resource(env, 1, 'pcie.up');
    this.pcieDown = new Resource(env, 1, 'pcie.down');

    const device = CAL.storage[hw.storage.kind];
    const commandPs = { write: hw.storage.writeLatencyUs * PS_PER_US, read: hw.storage.readLatencyUs * PS_PER_US };
    // Latency is per command up to a 4 KB block (see CAL.storage); larger transfers add their time.
    const transferPs = (bytes: number) => (Math.max(0, bytes - 4096) / device.bandwidthMBps) * PS_PER_US;
    // The controller's firmware is busy for part of each command (the same for a read or a
    // write); the rest of the latency overlaps with the next commands.
    const firmwarePs = commandPs.write * Math.min(1, device.commandOccupancyUs / device.writeLatencyUs);
    this.storage = {
      latencyPs: (st) => commandPs[st.op] + transferPs(st.bytes),
      occupancyPs: (st) => Math.min(firmwarePs, commandPs[st.op]) + transferPs(st.bytes),
    };
    this.storageController = new Resource(env, 1, 'storage.controller');
    this.storageSlots = new Resource(env, hw.storage.queueDepth, 'storage.queue');

    this.service = opts.streams.stream('service');
    this.keys = opts.streams.stream('keys');
    this.zipf = kv.distribution.kind === 'zipf' ? new Zipf(kv.keys, kv.distribution.theta) : undefined;
    const itemBytes = kv.keySize + kv.valueSize + CAL.memory.itemOverheadBytes;
    this.cachedItems = Math.floor(CAL.memory.llcBytes / itemBytes);
  }

  /** RSS: the NIC hashes the connection (here, the client) to a receive queue. */
  /**
   * Key steering: the NIC hashes the request's key and sends it to the queue of the core that owns
   * its partition, so a skewed key distribution loads the owners of hot keys more.
   */
  keyCoreOf(): number {
    if (this.rxQueues === 1) return 0;
    const n = this.opts.spec.workload.kv.keys;
    const rank = this.zipf ? this.zipf.sample(this.keys) : this.keys.int(n);
    return (Math.imul(rank + 1, 0x85ebca6b) >>> 0) % this.rxQueues;
  }

  rxCoreOf(client: number): number {
    if (this.rxQueues === 1) return 0;
    return (Math.imul(client + 1, 0x9e3779b1) >>> 0) % this.rxQueues;
  }

  threadPoolFor(rxCore: number): Resource {
    return this.perQueueThreads ? this.threads[rxCore] : this.threads[0];
  }

  /** The thread a grant of `unit` from `threadPoolFor(rxCore)` stands for. */
  threadId(rxCore: number, unit: number): number {
    return this.perQueueThreads ? rxCore : unit;
  }

  /** CPU time of a stage for this request, in ps: cycles at the clock, jitter, pollution, misses. */
  cpuPs(stage: CpuStage, crossCore: boolean): Time {
    let cycles = stage.cycles;
    if (stage.polluted) cycles *= 1 + CAL.linux.appPollution;
    let ps = jitter(this.service, cycles, CAL.serviceJitter) * this.psPerCycle;
    if (stage.crossCoreLines && crossCore) ps += stage.crossCoreLines * CAL.cpu.crossCoreLineNs * PS_PER_NS;
    if (stage.lookup && this.keyMissesCache()) ps += CAL.memory.dramNs * PS_PER_NS;
    if (stage.sharedLines) ps += stage.sharedLines * this.remoteShare * CAL.cpu.crossCoreLineNs * PS_PER_NS;
    return ps;
  }

  /**
   * Extra time to take a lock: its lines move over when it was last held on another core, and
   * Linux's ticket spinlocks hand over in time that grows with the number of cores still
   * spinning on them — every waiter re-reads the lock's line on each release (Boyd-Wickizer et
   * al., "Non-scalable locks are dangerous", Linux Symposium 2012). This is what makes a shared
   * kernel structure collapse, not merely saturate, as cores are added.
   */
  lockPs(stage: CpuStage, core: number): Time {
    const lock = this.socketLock;
    const moved = lock.lastCore !== -1 && lock.lastCore !== core;
    lock.lastCore = core;
    const lines = moved ? (stage.lockLines ?? 0) : 0;
    const spinners = lock.resource.queueLength;
    return (lines + spinners * CAL.linux.ticketHandoffLines) * CAL.cpu.crossCoreLineNs * PS_PER_NS;
  }

  private keyMissesCache(): boolean {
    const n = this.opts.spec.workload.kv.keys;
    if (this.cachedItems >= n) return false;
    const rank = this.zipf ? this.zipf.sample(this.keys) : this.keys.int(n);
    return rank >= this.cachedItems;
  }

  record(r: RequestRecord): void {
    if (!this.measuring) return;
    this.metrics.add(r);
    this.pooled?.add(r);
    this.measuredCompletions++;
    if (this.requestLimit !== null && this.measuredCompletions >= this.requestLimit) this.onRequestLimit?.();
  }

  resetStats(): void {
    this.measureStartPs = this.env.now;
    for (const r of [...this.cores, ...this.threads, ...this.rxPorts, ...this.txPorts, this.pcieUp, this.pcieDown, this.storageController, this.socketLock.resource]) {
      r.resetStats();
    }
    this.spinPs.fill(0);
  }
}

/** One request's walk through its path. */
export class Request implements EventTarget {
  private idx = 0;
  private port: number;
  private rxCore: number;
  private thread = -1;
  private threadUnit = 0;
  private threadPool: Resource | undefined;
  private core = -1;
  private tArrive: Time = 0;
  private tWait: Time = 0;
  private lockGranted: Time = 0;
  private busyPs: Time = 0;
  /** The reply left from a transmit stage before the end of the path. */
  private replied = false;
  private readonly domainNs = new Float64Array(DOMAINS.length);
  private queueNs = 0;
  private readonly crossings = { userKernel: 0, guestHost: 0, vmExits: 0 };
  private readonly stages: Stage[];

  constructor(
    private readonly server: ServerModel,
    private readonly path: RequestPath,
    private readonly op: Operation,
    readonly client: number,
    private readonly onReplySent: (req: Request) => void,
  ) {
    this.stages = path.stages;
    this.port = client % server.rxPorts.length;
    this.rxCore = path.steer === 'key' ? server.keyCoreOf() : server.rxCoreOf(client);
    this.tWait = server.env.now;
    server.rxPorts[this.port].request(this, WIRE_RX);
  }

  onEvent(tag: number, data: number): void {
    const s = this.server;
    const env = s.env;
    switch (tag) {
      case WIRE_RX:
        env.schedule(s.wirePs(this.path.requestFrameBytes), this, RX_DONE);
        return;
      case RX_DONE:
        s.rxPorts[this.port].release();
        this.tArrive = env.now;
        this.run();
        return;
      case CORE:
        this.waited();
        this.startCpu();
        return;
      case LOCK: {
        const spin = env.now - this.lockGranted;
        this.charge(this.stages[this.idx].domain, spin);
        s.spinPs[this.core] += spin;
        this.finishCpuStart(s.lockPs(this.stages[this.idx] as CpuStage, this.core));
        return;
      }
      case CPU_DONE: {
        const stage = this.stages[this.idx] as CpuStage;
        if (stage.lock) s.socketLock.resource.release();
        s.cores[this.core].release();
        this.idx++;
        this.run();
        return;
      }
      case LINK: {
        this.waited();
        const stage = this.stages[this.idx] as Extract<Stage, { kind: 'pcie' }>;
        const busy = pcieWireBytes(stage.bytes) * s.pciePsPerByte;
        this.charge('hardware', busy);
        env.schedule(busy, this, LINK_DONE);
        return;
      }
      case LINK_DONE: {
        const stage = this.stages[this.idx] as Extract<Stage, { kind: 'pcie' }>;
        // The data is through; the link stays busy with each transaction's acknowledgement and
        // flow-control traffic a little longer, which costs capacity, not this request's time.
        const tail = pcieTransactions(stage.bytes) * s.pcieTransactionPs;
        const direction = stage.direction === 'up' ? 0 : 1;
        if (tail > 0) env.schedule(tail, this, LINK_FREE, direction);
        else this.releaseLink(direction);
        const latency = nsToPs(stage.latencyNs);
        this.charge('hardware', latency);
        this.idx++;
        if (latency > 0) env.schedule(latency, this, NEXT);
        else this.run();
        return;
      }
      case LINK_FREE:
        this.releaseLink(data);
        return;
      case THREAD:
        this.waited();
        this.threadUnit = data;
        this.thread = s.threadId(this.rxCore, data);
        this.idx++;
        this.run();
        return;
      case DELAY_DONE:
      case NEXT:
        if (tag === DELAY_DONE) this.idx++;
        this.run();
        return;
      case STORE_SLOT:
        this.waited();
        this.tWait = env.now;
        s.storageController.request(this, STORE_CTRL);
        return;
      case STORE_CTRL: {
        this.waited();
        const stage = this.stages[this.idx] as Extract<Stage, { kind: 'storage' }>;
        const busy = s.storage.occupancyPs(stage);
        this.busyPs = busy;
        env.schedule(busy, this, STORE_CTRL_DONE);
        return;
      }
      case STORE_CTRL_DONE: {
        s.storageController.release();
        const stage = this.stages[this.idx] as Extract<Stage, { kind: 'storage' }>;
        const total = s.storage.latencyPs(stage);
        this.charge(stage.domain, total);
        env.schedule(Math.max(0, total - this.busyPs), this, STORE_DONE);
        return;
      }
      case STORE_DONE:
        s.storageSlots.release();
        this.idx++;
        this.run();
        return;
      case WIRE_TX: {
        this.waited();
        this.complete();
        env.schedule(s.wirePs(this.path.replyFrameBytes), this, TX_DONE);
        return;
      }
      case TX_DONE:
        s.txPorts[this.port].release();
        if (this.replied) {
          // The NIC replied mid-path: the host's remaining stages run now. The client's next
          // request waits for them — a source's window of tuples in flight is released when the
          // pipeline has processed them, so an early ACK cannot make the host's backlog grow.
          this.idx++;
          this.run();
          return;
        }
        this.onReplySent(this);
        return;
    }
  }

  /** Runs stages until one has to wait for something. */
  private run(): void {
    const s = this.server;
    const env = s.env;
    if (this.idx >= this.stages.length) {
      if (this.replied) {
        this.onReplySent(this); // the reply already left from a transmit stage
        return;
      }
      this.tWait = env.now;
      s.txPorts[this.port].request(this, WIRE_TX);
      return;
    }
    const stage = this.stages[this.idx];
    addCrossings(this.crossings, stage.crossings);
    this.tWait = env.now;
    switch (stage.kind) {
      case 'cpu':
        this.core = stage.on === 'rx' ? this.rxCore : s.threadCore(this.thread);
        s.cores[this.core].request(this, CORE);
        return;
      case 'delay': {
        const ps = nsToPs(stage.ns);
        this.charge('hardware', ps);
        env.schedule(ps, this, DELAY_DONE);
        return;
      }
      case 'pcie':
        (stage.direction === 'up' ? s.pcieUp : s.pcieDown).request(this, LINK);
        return;
      case 'storage':
        s.storageSlots.request(this, STORE_SLOT);
        return;
      case 'transmit':
        this.replied = true;
        s.txPorts[this.port].request(this, WIRE_TX);
        return;
      case 'thread':
        if (stage.action === 'acquire') {
          this.threadPool = s.threadPoolFor(this.rxCore);
          this.threadPool.request(this, THREAD);
        } else {
          this.threadPool!.release(this.threadUnit);
          this.idx++;
          this.run();
        }
        return;
    }
  }

  private startCpu(): void {
    const stage = this.stages[this.idx] as CpuStage;
    if (stage.lock) {
      this.lockGranted = this.server.env.now;
      this.server.socketLock.resource.request(this, LOCK);
      return;
    }
    this.finishCpuStart(0);
  }

  private finishCpuStart(extraPs: Time): void {
    const s = this.server;
    const stage = this.stages[this.idx] as CpuStage;
    const crossCore = stage.on === 'thread' && this.core !== this.rxCore;
    const ps = s.cpuPs(stage, crossCore) + extraPs;
    this.charge(stage.domain, ps);
    s.env.schedule(ps, this, CPU_DONE, 0, NORMAL);
  }

  private releaseLink(direction: number): void {
    (direction === 0 ? this.server.pcieUp : this.server.pcieDown).release();
  }

  private waited(): void {
    this.queueNs += (this.server.env.now - this.tWait) / PS_PER_NS;
  }

  private charge(domain: Stage['domain'], ps: Time): void {
    this.domainNs[DOMAIN_INDEX[domain]] += ps / PS_PER_NS;
  }

  private complete(): void {
    this.server.record({
      op: this.op,
      latencyNs: (this.server.env.now - this.tArrive) / PS_PER_NS,
      domainNs: this.domainNs,
      queueNs: this.queueNs,
      crossings: this.crossings,
    });
  }
}

/** Closed-loop clients (each keeps `outstanding` requests in flight) or an open Poisson stream. */
export class LoadGenerator implements EventTarget {
  private readonly ops: RandomStream;
  private readonly arrivals: RandomStream;
  /** Operations with their cumulative shares: one uniform draw picks the operation. */
  private readonly mix: [Operation, number][];
  private readonly load: ReturnType<typeof clientLoad>;
  private readonly thinkPs: Time;

  constructor(private readonly server: ServerModel, streams: StreamFactory) {
    this.ops = streams.stream('operations');
    this.arrivals = streams.stream('arrivals');
    let sum = 0;
    this.mix = operationMix(server.opts.spec).map(([op, share]) => [op, (sum += share)]);
    this.load = clientLoad(server.opts.spec);
    this.thinkPs = nsToPs(CAL.client.thinkNs);
  }

  start(): void {
    const { clients, load } = this.load;
    if (load.kind === 'closed') {
      // Start the clients spread over one think time so they do not arrive in lockstep.
      for (let c = 0; c < clients; c++) {
        for (let k = 0; k < load.outstanding; k++) this.server.env.schedule(this.arrivals.next() * this.thinkPs, this, 0, c);
      }
    } else {
      this.scheduleOpenArrival();
    }
  }

  onEvent(tag: number, client: number): void {
    if (tag === 1) {
      this.send(this.arrivals.int(this.load.clients));
      this.scheduleOpenArrival();
      return;
    }
    this.send(client);
  }

  private send(client: number): void {
    const u = this.ops.next();
    const op = (this.mix.find(([, upTo]) => u < upTo) ?? this.mix[this.mix.length - 1])[0];
    const path = this.server.opts.paths[op]!;
    new Request(this.server, path, op, client, this.onReplySent);
  }

  private readonly onReplySent = (req: Request): void => {
    if (this.load.load.kind === 'closed') this.server.env.schedule(this.thinkPs, this, 0, req.client);
  };

  private scheduleOpenArrival(): void {
    const load = this.load.load;
    if (load.kind !== 'open') return;
    const meanPs = 1e12 / load.rateOpsPerSec;
    this.server.env.schedule(exponential(this.arrivals, meanPs), this, 1, 0);
  }
}
