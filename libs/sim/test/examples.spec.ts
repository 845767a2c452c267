import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { simulate } from '../src/index.js';
import { merge } from './seed-cases.js';

/** Every spec under examples/ is valid and runs (shortened: this checks them, not their numbers). */
const dir = path.resolve(import.meta.dirname, '../../../examples');
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));

describe('examples/', () => {
  it('has a spec for each scenario', () => expect(files.length).toBeGreaterThanOrEqual(10));

  it.each(files)('%s runs', async (file) => {
    const spec = parse(readFileSync(path.join(dir, file), 'utf8')) as unknown;
    const result = await simulate(merge(spec, { duration: { warmupUs: 1_000, measureUs: 2_000 } }));
    expect(result.metrics.requests).toBeGreaterThan(0);
  });
});
