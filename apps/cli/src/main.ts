import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { InvalidSpecError, SimError, simulate, SIM_VERSION } from '#sim';
import { addAdminCommands } from './admin-commands.js';
import { addBaselineCommand, addCheckCommand, addWatchCommand } from './service-commands.js';
import { formatResult } from './format.js';
import { readSpec } from './spec-file.js';

/**
 * The `iopath` command. `iopath simulate FILE|- [--seed N] [--replications N] [--json]` runs the
 * library here (exit 0 done, 2 the spec is wrong — every problem listed —, 1 anything else);
 * `iopath check` and `iopath baseline` talk to a running service (service-commands.ts).
 */
const integer = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};

export async function main(argv: string[]): Promise<number> {
  // Usage errors exit 2 like every other error that is not a verdict (CI scripts rely on 1 = regression).
  const program = new Command('iopath').description('Simulate server I/O paths (Linux, VMs, containers, Arrakis)').version(SIM_VERSION).exitOverride();
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
  addCheckCommand(program, (code) => (exitCode = code));
  addBaselineCommand(program, (code) => (exitCode = code));
  addWatchCommand(program, (code) => (exitCode = code));
  addAdminCommands(program, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    return err.exitCode === 0 ? 0 : 2;
  }
  return exitCode;
}
