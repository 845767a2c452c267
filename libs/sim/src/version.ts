import { createHash } from 'node:crypto';
import { CAL } from './model/calibration.js';
import type { ResolvedSpec } from './spec/resolve.js';

/** The simulator's own version; bump it when the model's structure changes. */
export const SIM_VERSION = '0.2.0';

/**
 * Identifies the model that produced a result: the simulator version and a hash of every
 * calibration constant. Changing a constant changes it, so no stale result is mistaken for new.
 */
export const MODEL_VERSION = `${SIM_VERSION}+${createHash('sha256').update(JSON.stringify(CAL)).digest('hex').slice(0, 12)}`;

/**
 * The reproducibility key of a result: a hash of the resolved spec (its name aside: it does not
 * change the numbers), the seed, the replication and MODEL_VERSION. Two results with one key are
 * identical, bit for bit, but for the wall time they took. With `replication` it keys one run
 * (one replication, as the service stores them); without, the whole experiment.
 */
export function reproducibilityKey(spec: ResolvedSpec, replication?: number): string {
  const { name: _name, replications, ...rest } = spec;
  const what = replication === undefined ? { spec: rest, replications } : { spec: rest, replication };
  return createHash('sha256').update(canonicalJson({ ...what, model: MODEL_VERSION })).digest('hex').slice(0, 32);
}

/** JSON with object keys sorted at every level, so equal values hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
