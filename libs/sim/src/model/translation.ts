import type { ResolvedSpec } from '../spec/resolve.js';
import { CAL } from './calibration.js';
import type { Operation } from './workload.js';
import { operationMix } from './workload.js';

/**
 * Address translation per request. A TLB miss walks the page tables: 4 references natively and
 * with shadow page tables (the guest's walk runs on the VMM's native-format copy), and up to
 * (4+1)(4+1)−1 = 24 with nested paging — each of the guest's 4 levels and the final guest-physical
 * address need a 4-level host walk ([AA]'s note; CALIBRATION.md). Page-walk caches hold upper-level
 * entries and cut both. Misses come from the TLB's reach against the working set (uniform access:
 * for skewed keys an upper bound).
 */
export interface Translation {
  /** Share of translated accesses that miss the TLB. */
  missRate: number;
  /** Mean page-table references per miss, after the page-walk caches. */
  walkRefsPerMiss: number;
  /** References per miss with every walk cache missing. */
  walkRefsWorstCase: number;
  /** TLB misses per request, for each operation. */
  missesPerRequest: Partial<Record<Operation, number>>;
}

export type TranslationMode = 'native' | 'nested' | 'shadow';

export function translationMode(spec: ResolvedSpec): TranslationMode {
  return spec.system.path === 'vm' ? spec.system.vm.paging : 'native';
}

/** References of one walk in `mode`, where each upper level hits the walk cache with `hit`. */
export function walkRefs(mode: TranslationMode, hit: number): number {
  const L = CAL.translation.levels;
  const oneDim = 1 + (L - 1) * (1 - hit); // the leaf always, the upper levels when not cached
  // Nested: every guest level walked needs its guest-physical address translated by a host
  // walk, and so does the final address: (guest levels + 1) host walks plus the guest reads.
  return mode === 'nested' ? oneDim * (oneDim + 1) + oneDim : oneDim;
}

export function translation(spec: ResolvedSpec): Translation {
  const T = CAL.translation;
  const mem = spec.hardware.memory;
  const pageBytes = mem.pageKB * 1024;
  const reach = mem.tlbEntries * pageBytes;
  const pages = (bytes: number) => Math.max(1, Math.ceil(bytes / pageBytes));
  let workingSet: number;
  let accesses: (op: Operation) => number;
  if (spec.workload.kind === 'web') {
    const web = spec.workload.web;
    workingSet = web.files * web.fileBytes;
    accesses = () => T.webAccesses + pages(web.fileBytes);
  } else if (spec.workload.kind === 'analytics') {
    // The workers' counting table: a key and its count per entry.
    workingSet = spec.workload.analytics.keys * (16 + CAL.memory.itemOverheadBytes);
    accesses = () => T.kvAccesses;
  } else {
    const kv = spec.workload.kv;
    workingSet = kv.keys * (kv.keySize + kv.valueSize + CAL.memory.itemOverheadBytes);
    accesses = () => T.kvAccesses + pages(kv.valueSize) - 1;
  }
  const missRate = workingSet <= reach ? 0 : 1 - reach / workingSet;
  const mode = translationMode(spec);
  const missesPerRequest: Partial<Record<Operation, number>> = {};
  for (const [op, share] of operationMix(spec)) if (share > 0) missesPerRequest[op] = accesses(op) * missRate;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    missRate: round(missRate),
    walkRefsPerMiss: round(walkRefs(mode, mem.pageWalkCache ? T.pageWalkCacheHit : 0)),
    walkRefsWorstCase: walkRefs(mode, 0),
    missesPerRequest,
  };
}
