#!/usr/bin/env node
/**
 * The `anneal` command. Each subcommand lives in its own file and registers itself here; errors
 * become exit codes: 0 ok, 1 runtime failure, 2 usage or config error.
 */
import { Command, CommanderError } from 'commander';
import { AnnealError, ConfigError, InputError } from '../errors.js';
import { ShapeError } from '../tensor/index.js';
import { version } from '../version.js';
import { UsageError } from './usage.js';
import { registerTrain } from './train.js';
import { registerTranslate } from './translate.js';
import { registerSchedule } from './schedule.js';
import { registerCompareOptimizers } from './compareOptimizers.js';
import { registerGenerate } from './generate.js';
import { registerEval } from './eval.js';
import { registerPlot } from './plot.js';
import { registerReport } from './report.js';
import { registerSweep } from './sweep.js';
import { registerLrFind } from './lrFind.js';
import { registerDemo } from './demo.js';

export function buildProgram(): Command {
  const program = new Command('anneal')
    .description('Train Transformer models in TypeScript')
    .version(version)
    .showHelpAfterError()
    .exitOverride();
  registerTrain(program);
  registerTranslate(program);
  registerGenerate(program);
  registerEval(program);
  registerSchedule(program);
  registerCompareOptimizers(program);
  registerPlot(program);
  registerReport(program);
  registerSweep(program);
  registerLrFind(program);
  registerDemo(program);
  return program;
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof InputError) return 2;
  return 1;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    // a command may set its own code (train exits 130 when interrupted)
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const code = exitCodeFor(err);
    if (!(err instanceof CommanderError)) {
      const message = err instanceof AnnealError || err instanceof ShapeError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.stderr.write(`anneal: ${message}\n`);
    }
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
