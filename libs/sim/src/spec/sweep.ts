import { InvalidSpecError, type SpecProblem } from '../errors.js';
import { resolveSpec } from './resolve.js';

/** One axis of a sweep: a dotted spec path and the values it takes. */
export interface SweepAxis {
  path: string;
  values: unknown[];
}

export interface SweepPoint {
  /** Position in the cartesian product, the first axis varying slowest. */
  index: number;
  /** The value of each axis at this point, by path. */
  values: Record<string, unknown>;
  /** The base spec with this point's values set (not yet resolved). */
  spec: Record<string, unknown>;
}

/** Runs a sweep asks for: points × replications. */
export function sweepSize(axes: readonly SweepAxis[], replications: number): { points: number; runs: number } {
  const points = axes.reduce((n, a) => n * (Array.isArray(a.values) ? a.values.length : 0), 1);
  return { points, runs: points * replications };
}

/**
 * The cartesian product of the axes over the base spec. Every axis path must be a field of the
 * spec and every value valid there: each point is resolved, and the problems of all points come
 * back at once, under `axes.<i>.path` or `axes.<i>.values.<j>`.
 */
export function expandSweep(base: Record<string, unknown>, axes: readonly SweepAxis[]): SweepPoint[] {
  const problems: SpecProblem[] = [];
  axes.forEach((axis, i) => {
    if (typeof axis.path !== 'string' || !/^[A-Za-z]\w*(\.[A-Za-z]\w*)*$/.test(axis.path)) {
      problems.push({ path: `axes.${i}.path`, message: `must be a dotted spec path such as hardware.cpu.cores (got ${JSON.stringify(axis.path)})` });
    }
    if (!Array.isArray(axis.values) || axis.values.length === 0) problems.push({ path: `axes.${i}.values`, message: 'must be a non-empty list' });
  });
  const paths = axes.map((a) => a.path);
  const dup = paths.find((p, i) => paths.indexOf(p) !== i);
  if (dup) problems.push({ path: 'axes', message: `${dup} appears on two axes; give each path one axis` });
  if (problems.length) throw new InvalidSpecError(problems);

  // Check each axis value once, on the base: its problems name the axis and the value.
  axes.forEach((axis, i) => {
    axis.values.forEach((value, j) => {
      try {
        resolveSpec(setPath(base, axis.path, value));
      } catch (err) {
        if (!(err instanceof InvalidSpecError)) throw err;
        for (const p of err.problems) {
          const onAxis = p.path === axis.path || p.path.startsWith(`${axis.path}.`) || axis.path.startsWith(`${p.path}.`);
          if (!onAxis) continue; // a problem of the base itself, reported below
          const unknown = /unknown field/.test(p.message);
          problems.push({ path: unknown ? `axes.${i}.path` : `axes.${i}.values.${j}`, message: `${p.path}: ${p.message}` });
        }
      }
    });
  });
  if (problems.length) throw new InvalidSpecError(dedupe(problems));

  const points: SweepPoint[] = [];
  const walk = (k: number, spec: Record<string, unknown>, values: Record<string, unknown>) => {
    if (k === axes.length) {
      points.push({ index: points.length, values, spec });
      return;
    }
    for (const v of axes[k].values) walk(k + 1, setPath(spec, axes[k].path, v), { ...values, [axes[k].path]: v });
  };
  walk(0, base, {});
  return points;
}

/** A copy of `obj` with the dotted `path` set to `value` (objects on the way are created). */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  const current = obj[head];
  const child = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
  return { ...obj, [head]: rest.length ? setPath(child, rest.join('.'), value) : value };
}

function dedupe(problems: SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\n${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
