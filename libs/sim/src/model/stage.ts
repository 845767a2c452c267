/**
 * A request's path is a list of stages (models are data): each stage names the domain its time
 * belongs to, what it occupies, its cost, and the mode switches it makes. The breakdown and the
 * crossing counts of a result are sums over the stages a request went through.
 */
export type Domain = 'hardware' | 'kernel' | 'libio' | 'app';
export const DOMAINS: readonly Domain[] = ['hardware', 'kernel', 'libio', 'app'];

export interface Crossings {
  /** user <-> kernel mode switches (system calls and interrupts, both ways) */
  userKernel: number;
  /** guest <-> host switches (VM exits and the entries that resume the guest) */
  guestHost: number;
  vmExits: number;
}

export type StageEvent = 'interrupt' | 'syscall';

interface StageBase {
  name: string;
  domain: Domain;
  crossings?: Partial<Crossings>;
  /** Marks the stage as (part of) an interrupt or a system call, for per-event crossing counts. */
  event?: StageEvent;
}

/** Software on a core: the rx core (interrupt/poll context) or the serving thread's core. */
export interface CpuStage extends StageBase {
  kind: 'cpu';
  on: 'rx' | 'thread';
  cycles: number;
  /** Held while running; waiting for it spins on the core. */
  lock?: 'socket';
  /** Cache lines that must come from another core when the lock's last holder ran elsewhere. */
  lockLines?: number;
  /** Application code slowed by kernel cache pollution on the same core. */
  polluted?: boolean;
  /** Cache lines of the packet that are cold when the thread runs on another core than rx. */
  crossCoreLines?: number;
  /** A key lookup: pays a DRAM access when the key is not in the last-level cache. */
  lookup?: boolean;
  /** Cache lines written by whichever core serves the request: a share (cores−1)/cores of them arrive from another core. */
  sharedLines?: number;
}

/** Fixed hardware latency that occupies nothing shared (NIC pipeline, interrupt delivery). */
export interface DelayStage extends StageBase {
  kind: 'delay';
  ns: number;
}

/** A PCIe transfer: occupies one direction of the link for its bytes, plus a latency. */
export interface PcieStage extends StageBase {
  kind: 'pcie';
  direction: 'up' | 'down';
  bytes: number;
  latencyNs: number;
}

/** A command to the storage device: a write (its write latency) or a read (its read latency). */
export interface StorageStage extends StageBase {
  kind: 'storage';
  op: 'read' | 'write';
  bytes: number;
}

/** The serving thread is taken (or handed back, e.g. while an asynchronous write is in flight). */
export interface ThreadStage extends StageBase {
  kind: 'thread';
  action: 'acquire' | 'release';
}

/**
 * The reply leaves here rather than at the end of the path: the NIC sends it (an acknowledgement
 * a FlexNIC program generates) while the host's work on the request goes on.
 */
export interface TransmitStage extends StageBase {
  kind: 'transmit';
}

export type Stage = CpuStage | DelayStage | PcieStage | StorageStage | ThreadStage | TransmitStage;

/** Everything the server does for one request between the wire in and the wire out. */
export interface RequestPath {
  stages: Stage[];
  requestFrameBytes: number;
  replyFrameBytes: number;
  /** How the NIC picks the receiving core: by connection (RSS, the default) or by the key's hash. */
  steer?: 'flow' | 'key';
}

export function addCrossings(into: Crossings, c: Partial<Crossings> | undefined): void {
  if (!c) return;
  into.userKernel += c.userKernel ?? 0;
  into.guestHost += c.guestHost ?? 0;
  into.vmExits += c.vmExits ?? 0;
}

/**
 * Mean mode switches (user↔kernel plus guest↔host) per interrupt and per system call, over the
 * operations' paths weighted by their shares. A stage marked with an event and carrying
 * crossings stands for one occurrence of that event (the stages of an event that follow it carry
 * none), so the count falls out of the stages.
 */
export function crossingsPerEvent(paths: { path: RequestPath; share: number }[]): Record<StageEvent, number> {
  const sum = { interrupt: 0, syscall: 0 };
  const count = { interrupt: 0, syscall: 0 };
  for (const { path, share } of paths) {
    for (const s of path.stages) {
      const c = s.crossings;
      if (!s.event || !c || !(c.userKernel || c.guestHost)) continue;
      sum[s.event] += share * ((c.userKernel ?? 0) + (c.guestHost ?? 0));
      count[s.event] += share;
    }
  }
  const mean = (e: StageEvent) => (count[e] > 0 ? Math.round((1000 * sum[e]) / count[e]) / 1000 : 0);
  return { interrupt: mean('interrupt'), syscall: mean('syscall') };
}
