import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { InvalidSpecError, SimError } from '../errors.js';
import { simulate } from '../simulate.js';
import { SIM_VERSION } from '../version.js';
import { formatResult } from './format.js';

/**
 * `iopath simulate FILE|- [--seed N] [--replications N] [--json]`. Exit codes: 0 done,
 * 2 the spec is wrong (every problem listed), 1 anything else.
 */
const integer = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};

function readSpec(file: string): unknown {
  const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  // YAML is a superset of JSON, so one parser reads both.
  return text.trim() === '' ? {} : parseYaml(text);
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('iopath').description('Simulate server I/O paths (Linux, VMs, containers, Arrakis)').version(SIM_VERSION);
  let exitCode = 0;
  program
    .command('simulate')
    .description('run an experiment spec (YAML or JSON; - reads standard input)')
    .argument('<file>', 'spec file, or - for standard input')
    .option('--seed <n>', 'override the spec seed', integer('--seed'))
    .option('--replications <n>', 'override the number of replications', integer('--replications'))
    .option('--json', 'print the Result as JSON')
    .action(async (file: string, opts: { seed?: number; replications?: number; json?: boolean }) => {
      let spec: unknown;
      try {
        spec = readSpec(file);
      } catch (e) {
        process.stderr.write(`cannot read ${file}: ${(e as Error).message}\n`);
        exitCode = 2;
        return;
      }
      if (opts.replications !== undefined && spec && typeof spec === 'object') (spec as Record<string, unknown>).replications = opts.replications;
      try {
        const result = await simulate(spec, { seed: opts.seed });
        process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatResult(result)}\n`);
      } catch (e) {
        if (e instanceof InvalidSpecError) {
          process.stderr.write(`${e.message}\n`);
          exitCode = 2;
        } else if (e instanceof SimError) {
          process.stderr.write(`${e.message}\n`);
          exitCode = e.code === 'BUDGET_EXCEEDED' ? 2 : 1;
        } else throw e;
      }
    });
  await program.parseAsync(argv);
  return exitCode;
}
