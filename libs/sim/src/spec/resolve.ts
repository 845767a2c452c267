import type { z } from 'zod';
import { CAL } from '../model/calibration.js';
import { InvalidSpecError, type SpecProblem } from '../errors.js';
import { experimentSpecSchema, PATHS, type ParsedSpec } from './schema.js';

/** The spec with every default filled in, including those that follow other fields. */
export type ResolvedSpec = ParsedSpec & {
  hardware: ParsedSpec['hardware'] & {
    storage: ParsedSpec['hardware']['storage'] & { writeLatencyUs: number; readLatencyUs: number };
  };
  system: ParsedSpec['system'] & { path: (typeof PATHS)[number]; storagePath: 'ext4' | 'arrakis-vsa' };
  workload: ParsedSpec['workload'] & { kv: ParsedSpec['workload']['kv'] & { persistence: 'none' | 'fsync-per-set' } };
};

/**
 * Parses and resolves a spec. Throws InvalidSpecError listing every problem at once, each with
 * its field path, what is wrong, what was given and (where it helps) how to fix it.
 */
export function resolveSpec(input: unknown): ResolvedSpec {
  const parsed = experimentSpecSchema.safeParse(input ?? {}, { reportInput: true });
  if (!parsed.success) throw new InvalidSpecError(parsed.error.issues.flatMap(describeIssue));
  // FlexKVS is a kernel-bypass server (the FlexNIC paper runs it on a user-level stack): its
  // path defaults to arrakis; every other workload's to linux.
  const flexkvs = parsed.data.workload.kind === 'kv' && parsed.data.workload.kv.server === 'flexkvs';
  const spec = { ...parsed.data, system: { ...parsed.data.system, path: parsed.data.system.path ?? (flexkvs ? 'arrakis' : 'linux') } };
  const problems = crossFieldProblems(spec);
  if (problems.length > 0) throw new InvalidSpecError(problems);

  const device = CAL.storage[spec.hardware.storage.kind];
  const kv = spec.workload.kv;
  return {
    ...spec,
    hardware: {
      ...spec.hardware,
      storage: {
        ...spec.hardware.storage,
        writeLatencyUs: spec.hardware.storage.writeLatencyUs ?? device.writeLatencyUs,
        readLatencyUs: spec.hardware.storage.readLatencyUs ?? device.readLatencyUs,
      },
    },
    system: { ...spec.system, storagePath: spec.system.storagePath ?? (spec.system.path === 'arrakis' ? 'arrakis-vsa' : 'ext4') },
    workload: {
      ...spec.workload,
      kv: { ...kv, persistence: kv.persistence ?? (kv.server === 'redis' ? 'fsync-per-set' : 'none') },
    },
  };
}

function crossFieldProblems(spec: ParsedSpec & { system: { path: (typeof PATHS)[number] } }): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (spec.nic.program.length > 0 && spec.nic.steering !== 'flexnic') {
    problems.push({ path: 'nic.program', message: 'a match+action program needs nic.steering: flexnic (got rss)' });
  }
  if (spec.system.storagePath === 'arrakis-vsa' && spec.system.path !== 'arrakis') {
    problems.push({
      path: 'system.storagePath',
      message: `arrakis-vsa (the virtual storage area) exists only on system.path: arrakis (got ${spec.system.path}); use ext4`,
    });
  }
  if (spec.system.storagePath === 'ext4' && spec.system.path === 'arrakis') {
    problems.push({ path: 'system.storagePath', message: 'Arrakis applications persist through arrakis-vsa; remove storagePath or set arrakis-vsa' });
  }
  const storage = spec.hardware.storage;
  if (storage.kind === 'custom' && storage.writeLatencyUs === undefined) {
    problems.push({ path: 'hardware.storage.writeLatencyUs', message: 'required when kind is custom (e.g. 20)' });
  }
  const kv = spec.workload.kv;
  if (kv.persistence === 'fsync-per-set' && kv.server !== 'redis') {
    problems.push({ path: 'workload.kv.persistence', message: `fsync-per-set is modelled for redis only (got server ${kv.server}); use none` });
  }
  const web = spec.workload.web;
  for (const [path, w] of [['workload.kv', kv], ['workload.web', web]] as const) {
    if (w.load.kind === 'closed' && w.load.outstanding * w.clients > 1_000_000) {
      problems.push({ path: `${path}.load.outstanding`, message: 'clients × outstanding must stay under 1,000,000' });
    }
  }
  return problems;
}

type Issue = z.core.$ZodIssue & { input?: unknown };

function describeIssue(issue: Issue): SpecProblem[] {
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(spec)';
  const got = issue.input === undefined ? '' : ` (got ${show(issue.input)})`;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: issue.path.length > 0 ? `${path}.${key}` : key,
        message: 'unknown field: remove it or check its spelling against EXPERIMENT-SPEC.md',
      }));
    case 'invalid_type':
      return [{ path, message: `must be ${article(issue.expected)}${got}` }];
    case 'invalid_value':
      return [{ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got}` }];
    case 'invalid_union':
      return [{ path, message: `is not a valid ${String(issue.path.at(-1) ?? "value")}${got}` }];
    case 'too_big':
      return [{ path, message: `must have at most ${issue.maximum} ${issue.origin === 'string' ? 'characters' : 'entries'}` }];
    default:
      return [{ path, message: `${issue.message}${got}` }];
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
