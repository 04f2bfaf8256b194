/**
 * `anneal sweep [CONFIG] AXIS... --out DIR`: grid search (`--grid`, the default) or random search
 * (`--random N --seed S`) over dotted config paths, each trial a training run in DIR/trial-NNN. The
 * same command again resumes the sweep. Progress goes to stderr; the ranking table to stdout.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseOverride, applyOverrides } from '../train/overrides.js';
import {
  formatSweepTable, formatValue, inProcessRunner, metricValue, parseAxis, parseMetric, planTrials, processRunner, settingsLabel, sweep, sweepMetrics, BEST_FILE,
  type SweepEvent, type TrialRecord,
} from '../tune/index.js';
import { readJsonFile } from './files.js';
import { progressReporter } from './train.js';
import { UsageError } from './usage.js';

interface SweepCliOptions {
  grid?: boolean;
  random?: string;
  seed: string;
  out?: string;
  set: string[];
  maxSteps?: string;
  patience?: string;
  metric: string;
  parallel: string;
  overwrite?: boolean;
  retryFailed?: boolean;
  dryRun?: boolean;
  chart: boolean;
  quiet?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function integer(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new UsageError(`${flag} expects an integer >= ${min}, got '${value}'`);
  return n;
}

/** The config file (a first argument without '=') and the axes (path=spec) among the arguments. */
export function splitSweepArgs(args: readonly string[]): { configPath: string | null; axes: string[] } {
  const [first, ...rest] = args;
  if (first !== undefined && !first.includes('=')) return { configPath: first, axes: rest };
  return { configPath: null, axes: [...args] };
}

function trialLine(t: TrialRecord): string {
  const best = t.best ? `, best valid loss ${t.best.loss.toPrecision(4)} at step ${t.best.step}` : '';
  const time = t.seconds !== null ? `, ${t.seconds.toFixed(1)} s` : '';
  if (t.status === 'completed') return `${t.name} completed: ${t.steps} steps${time}${best} (${t.stopReason})`;
  return `${t.name} ${t.status}${t.steps ? ` after ${t.steps} steps` : ''}${time}${best}${t.error ? `: ${t.error}` : ''}`;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('hyperparameter search: train one run per trial of a grid or of random samples, each in DIR/trial-NNN, and rank them')
    .argument('[args...]', 'an optional config file, then axes: path=v1,v2,... (grid) or path=loguniform:a:b, uniform:a:b, choice:x,y,z (random)')
    .option('--grid', 'run every combination of the axes\' values (the default)')
    .option('--random <n>', 'instead, sample N trials from the axes')
    .option('--seed <s>', 'seed of the random samples (the same seed gives the same trials)', '0')
    .option('--out <dir>', 'the sweep directory: sweep.json, best.json, sweep.svg/png and one run directory per trial')
    .option('--set <path=value>', 'override a field of every trial, as anneal train --set (repeatable)', collect, [])
    .option('--max-steps <n>', 'shorthand for --set training.maxSteps=N')
    .option('--patience <n>', 'early stopping per trial: shorthand for --set training.patience=N')
    .option('--metric <name>', `what ranks the trials: ${sweepMetrics.join(', ')} (their best value over the evaluations), or final.NAME / test.NAME`, 'loss')
    .option('--parallel <k>', 'trials at once, each its own anneal train process', '1')
    .option('--overwrite', 'replace a sweep already in --out instead of resuming it')
    .option('--retry-failed', 'on resume, run the failed trials again (diverged ones stay as they are)')
    .option('--dry-run', 'list the trials and check their configs, without training or writing anything')
    .option('--no-chart', 'do not draw sweep.svg / sweep.png')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Examples:
  anneal sweep examples/numbers.json --grid optimizer.lr=1e-4,3e-4,1e-3 schedule.warmupSteps=200,400 --out sweeps/grid
  anneal sweep examples/numbers.json --random 20 --seed 0 optimizer.lr=loguniform:1e-5:1e-3 model.dropout=uniform:0:0.3 training.batchSize=choice:8,16,32 --out sweeps/random

Running the same command again resumes: finished trials are skipped and an interrupted one continues
from its checkpoint. A trial that diverges or fails is recorded in sweep.json and the sweep goes on.

--parallel K pays only while one trial leaves cores idle. The TypeScript backend runs a trial on one
core, so K up to the number of cores speeds a sweep up; a multi-threaded backend already uses every
core for one trial, and K > 1 then only splits them (and needs K times the memory).`,
    )
    .action(async (args: string[], opts: SweepCliOptions) => {
      const { configPath, axes: axisTexts } = splitSweepArgs(args);
      if (axisTexts.length === 0) throw new UsageError('give at least one axis, like optimizer.lr=1e-4,3e-4,1e-3 (see anneal sweep --help)');
      if (opts.grid && opts.random !== undefined) throw new UsageError('--grid and --random exclude each other');
      const axes = axisTexts.map(parseAxis);
      parseMetric(opts.metric);
      const mode = opts.random !== undefined ? 'random' : 'grid';
      const samples = opts.random !== undefined ? integer(opts.random, '--random', 1) : undefined;
      const seed = integer(opts.seed, '--seed', 0);
      const parallel = integer(opts.parallel, '--parallel', 1);
      const read = configPath ? readJsonFile(configPath, 'config file') : {};
      if (typeof read !== 'object' || read === null || Array.isArray(read)) throw new ConfigError('(config)', 'the config file must hold a JSON object');
      const overrides = opts.set.map(parseOverride);
      if (opts.maxSteps !== undefined) overrides.push({ path: ['training', 'maxSteps'], value: integer(opts.maxSteps, '--max-steps', 1) });
      if (opts.patience !== undefined) overrides.push({ path: ['training', 'patience'], value: integer(opts.patience, '--patience', 1) });
      const base = applyOverrides(read as Record<string, unknown>, overrides);

      if (opts.dryRun) {
        const trials = planTrials({ base, axes, mode, samples, seed });
        for (const t of trials) process.stdout.write(`${t.name}  ${settingsLabel(t.settings)}\n`);
        process.stdout.write(`${trials.length} trials; every config checked${opts.out ? `; they would run in ${opts.out}` : ''}\n`);
        return;
      }
      if (!opts.out) throw new UsageError('--out DIR is required: the sweep writes its trials and results there');
      const out = opts.out;
      const err = process.stderr;
      const quiet = opts.quiet === true;
      const reporter = progressReporter(quiet || parallel > 1);
      const runner = parallel > 1 ? processRunner(fileURLToPath(new URL('./main.js', import.meta.url))) : inProcessRunner((_, e) => reporter.onEvent(e));
      const onEvent = (e: SweepEvent) => {
        if (quiet) return;
        const at = `[${e.index + 1}/${e.total}]`;
        if (e.type === 'trial-skip') err.write(`${at} ${e.trial.name} ${settingsLabel(e.trial.settings)}: already ${e.trial.status}, skipped\n`);
        else if (e.type === 'trial-start') err.write(`${at} ${e.trial.name} ${settingsLabel(e.trial.settings)}: ${e.resume ? 'resuming from its checkpoint' : 'training'}\n`);
        else err.write(`${at} ${trialLine(e.trial)}\n`);
      };
      const controller = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (controller.signal.aborted) process.exit(130);
        err.write(`\nanneal: ${signal}: stopping the running trials at a checkpoint (again to quit now)\n`);
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let result;
      try {
        result = await sweep({
          base, axes, mode, samples, seed, out, metric: opts.metric, parallel, runner, overwrite: opts.overwrite, retryFailed: opts.retryFailed,
          signal: controller.signal, onEvent, chart: opts.chart,
        });
      } finally {
        reporter.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      process.stdout.write(`\n${formatSweepTable(result)}`);
      const best = result.best;
      if (best) {
        process.stdout.write(`best: ${best.name} (${settingsLabel(best.settings)}), ${result.metric} ${formatValue(metricValue(best, result.metric))}\n`);
        process.stdout.write(`its config: ${join(out, BEST_FILE)}; train it with: npx anneal train ${join(out, BEST_FILE)} --out runs/best\n`);
      }
      if (opts.chart && existsSync(join(out, 'sweep.svg'))) process.stdout.write(`chart: ${join(out, 'sweep.svg')} and sweep.png; every trial in ${join(out, 'sweep.json')}\n`);
      if (result.interrupted) {
        err.write(`anneal: sweep interrupted; run the same command again to resume it\n`);
        process.exitCode = 130;
      } else if (!best) {
        err.write('anneal: no trial completed with a validation evaluation (see the errors above and in sweep.json)\n');
        process.exitCode = 1;
      }
    });
}
