import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The published figures the model must reproduce live outside the repository, in
 * ../shared/fidelity/seed-cases.json (IOPATH_SHARED_DIR overrides where shared/ is). Tests read
 * them from there so no expected number is copied into the code.
 */
export interface SeedCase {
  id: string;
  claim: string;
  spec?: unknown;
  runs?: Record<string, unknown>;
  sweep?: { base: unknown; axes: Record<string, unknown[]> };
  compare?: { numerator: string; denominator: string; metric: string; range: [number, number] };
  expect?: Record<string, unknown>;
}

export function loadSeedCases(): Map<string, SeedCase> {
  const shared = process.env.IOPATH_SHARED_DIR ?? path.resolve(process.cwd(), '..', 'shared');
  const file = path.join(shared, 'fidelity', 'seed-cases.json');
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: SeedCase[] };
  return new Map(cases.map((c) => [c.id, c]));
}

/** Reads a dotted path such as `metrics.latencyUs.get.mean` out of a result. */
export function at(obj: unknown, dotted: string): number {
  const value = dotted.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
  if (typeof value !== 'number') throw new Error(`${dotted} is not a number in the result (got ${JSON.stringify(value)})`);
  return value;
}

export function range(c: SeedCase, key: string): [number, number] {
  const r = c.expect?.[key];
  if (!Array.isArray(r) || r.length !== 2) throw new Error(`seed case ${c.id} has no range "${key}"`);
  return r as [number, number];
}

/** Deep merge of spec overrides (what a sweep axis or a case's spec does to the defaults). */
export function merge(base: unknown, over: unknown): unknown {
  if (typeof base !== 'object' || base === null || typeof over !== 'object' || over === null || Array.isArray(over)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = merge(out[k], v);
  return out;
}

/** `{ "a.b": 1 }` -> `{ a: { b: 1 } }` */
export function fromDotted(dotted: string, value: unknown): Record<string, unknown> {
  return dotted
    .split('.')
    .reverse()
    .reduce<unknown>((acc, k) => ({ [k]: acc }), value) as Record<string, unknown>;
}
