#!/usr/bin/env node
/**
 * The `anneal` command. Each subcommand lives in its own file and registers itself here; errors
 * become exit codes: 0 ok, 1 runtime failure, 2 usage or config error.
 */
import { Command, CommanderError } from 'commander';
import { AnnealError, ConfigError, InputError, InternalError } from '../errors.js';
import { version } from '../version.js';
import { UsageError } from './usage.js';
import { registerTrain } from './train.js';
import { registerTranslate } from './translate.js';
import { registerSchedule } from './schedule.js';
import { registerCompareOptimizers } from './compareOptimizers.js';
import { registerGenerate } from './generate.js';
import { registerEval } from './eval.js';
import { registerBench } from './bench.js';
import { registerPlot } from './plot.js';
import { registerReport } from './report.js';
import { registerSweep } from './sweep.js';
import { registerLrFind } from './lrFind.js';
import { registerDemo } from './demo.js';

export function buildProgram(): Command {
  const program = new Command('anneal')
    .description('Train Transformer models in TypeScript')
    .version(version)
    .addHelpText('after', '\nAny command takes --debug (or ANNEAL_DEBUG=1) to print the stack trace of an error.')
    .showHelpAfterError()
    .exitOverride();
  registerTrain(program);
  registerTranslate(program);
  registerGenerate(program);
  registerEval(program);
  registerSchedule(program);
  registerCompareOptimizers(program);
  registerBench(program);
  registerPlot(program);
  registerReport(program);
  registerSweep(program);
  registerLrFind(program);
  registerDemo(program);
  return program;
}

/**
 * The exit code of an error (the classes and their families are described in src/errors.ts):
 * - 2, a user error: what the person running anneal gave is wrong and they can fix it: a flag
 *   (UsageError, commander's own), a config field or option (ConfigError, UnknownOptionError), input
 *   data or files (InputError: SafetensorsError, OutputDirError, a bad tokenizer or TSV line);
 * - 1, a failure: the run itself failed (DivergenceError, BackendError), or anneal called its own
 *   library wrongly on input it did not check (ArgumentError, ShapeError, StateDictError,
 *   OptimizerError, AutogradError, ReleasedTensorError, InternalError): a bug to fix in anneal, since
 *   every user-given value is checked up front and fails as a ConfigError or InputError;
 * - 1 too for errors anneal does not raise itself (a full disk, a bug), which errorReport flags.
 */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof InputError) return 2;
  return 1;
}

/**
 * The one line an error becomes: its message (one line, indented if it lists several problems), or
 * with --debug / ANNEAL_DEBUG=1 its stack too. Errors anneal does not raise itself, and broken
 * invariants (InternalError), are bugs: say so.
 */
export function errorReport(err: unknown, debug: boolean): string {
  if (!(err instanceof Error)) return `anneal: ${String(err)}\n`;
  if (debug) return `anneal: ${err.stack ?? err.message}\n`;
  const internal = !(err instanceof AnnealError) || err instanceof InternalError;
  const hint = internal ? ` (an internal error: rerun with --debug for the stack trace, and please report it)` : '';
  return `anneal: ${err.message}${hint}\n`;
}

async function main(argv: string[]): Promise<number> {
  // --debug may stand anywhere on the line; it is not a subcommand's option
  const debug = argv.includes('--debug') || process.env.ANNEAL_DEBUG === '1';
  const program = buildProgram();
  try {
    await program.parseAsync(argv.filter((a) => a !== '--debug'));
    // a command may set its own code (train exits 130 when interrupted)
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const code = exitCodeFor(err);
    if (!(err instanceof CommanderError)) process.stderr.write(errorReport(err, debug));
    return code;
  }
}

// a reader that goes away (`anneal ... | head`) is not an error: stop quietly, as Unix tools do
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await main(process.argv);
