import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** Reads a spec (or sweep) file, YAML or JSON; `-` is standard input; an empty file is `{}`. */
export function readSpec(file: string): unknown {
  const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  // YAML is a superset of JSON, so one parser reads both.
  return text.trim() === '' ? {} : parseYaml(text);
}
