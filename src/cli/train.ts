/**
 * `anneal train [CONFIG.json] [--out DIR] [--set path=value ...]` and `anneal train --resume DIR`:
 * parses the config once (overrides applied to it), trains, prints a summary and writes the run to
 * DIR. Progress goes to stderr: a bar with ETA on a terminal, plain lines otherwise; --json prints
 * one JSON object per event and a final result object on stdout for scripts. SIGINT or SIGTERM
 * saves a checkpoint after the current step and exits 130; a second one exits at once.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { applyOverrides, createTask, DivergenceError, OutputDirError, parseOverride, parseTrainConfig, RUN_FILE, RunDir, train, type TrainConfig, type TrainEvent, type TrainResult } from '../train/index.js';
import { readJsonFile } from './files.js';
import { plotAfterTraining } from './plot.js';
import { UsageError } from './usage.js';

interface TrainCliOptions {
  out?: string;
  resume?: string;
  set: string[];
  overwrite?: boolean;
  json?: boolean;
  maxSteps?: string;
  seed?: string;
  quiet?: boolean;
  dryRun?: boolean;
  plot: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function integerOption(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} expects an integer >= ${min}, got '${value}'`);
  return n;
}

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toPrecision(digits) : String(x));

function evalSummary(e: Extract<TrainEvent, { type: 'eval' }>): string {
  const parts = [`loss ${fmt(e.loss)}`, `ppl ${fmt(e.perplexity)}`, `acc ${(100 * e.tokenAccuracy).toFixed(1)}%`];
  if (typeof e.exactMatch === 'number') parts.push(`exact ${(100 * e.exactMatch).toFixed(1)}%`);
  return parts.join(', ');
}

/** Renders events for a person: a progress bar with ETA on a terminal, plain lines elsewhere. */
export function progressReporter(quiet: boolean, stream: NodeJS.WriteStream = process.stderr): { onEvent: (e: TrainEvent) => void; stop: () => void } {
  const tty = stream.isTTY === true && !quiet;
  let bar: cliProgress.SingleBar | null = null;
  let lastValid = '-';
  let logEvery = 1;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  const write = (line: string) => {
    if (bar) bar.stop();
    stream.write(line);
  };
  const onEvent = (e: TrainEvent) => {
    if (quiet) return;
    switch (e.type) {
      case 'start': {
        logEvery = e.config.training.logEvery;
        const from = e.resumedFrom !== null ? `, resuming at step ${e.resumedFrom}` : '';
        stream.write(`anneal: training ${e.description} for ${e.totalSteps} steps on the ${e.backend} backend${from}\n`);
        if (tty) {
          bar = new cliProgress.SingleBar(
            { format: 'train |{bar}| {value}/{total} | ETA {eta_formatted} | loss {loss} | lr {lr} | {tps} tok/s | valid {valid}', stream, hideCursor: true, barsize: 24, etaBuffer: 50 },
            cliProgress.Presets.shades_classic,
          );
          bar.start(e.totalSteps, e.step, { loss: '-', lr: '-', tps: '-', valid: '-' });
        }
        break;
      }
      case 'step':
        if (bar) bar.update(e.step, { loss: fmt(e.loss), lr: fmt(e.lr, 3), tps: Math.round(e.tokensPerSecond), valid: lastValid });
        else if (e.step % logEvery === 0 || e.step === e.totalSteps) {
          stream.write(`step ${e.step}/${e.totalSteps}  loss ${fmt(e.loss)}  lr ${fmt(e.lr, 3)}  grad norm ${fmt(e.gradNorm, 3)}  ${Math.round(e.tokensPerSecond)} tok/s  ${e.elapsedSeconds.toFixed(1)} s\n`);
        }
        break;
      case 'eval':
        if (e.split === 'valid') {
          lastValid = typeof e.exactMatch === 'number' ? `exact ${(100 * e.exactMatch).toFixed(1)}%` : `ppl ${fmt(e.perplexity)}`;
          if (bar) bar.update({ valid: lastValid });
          else stream.write(`step ${e.step}  valid ${evalSummary(e)}${e.best ? '  (best)' : ''}\n`);
        }
        break;
      case 'phase':
        write(`step ${e.step}: fine-tuning at lr ${e.lr}${e.dropout !== null ? `, dropout ${e.dropout}` : ''}\n`);
        if (bar) bar.start(bar.getTotal(), e.step);
        break;
      case 'warning':
        write(`anneal: warning: ${e.message}\n`);
        break;
      case 'end':
        stop();
        break;
      default:
        break;
    }
  };
  return { onEvent, stop };
}

/** The config of a run: from a file (or the defaults), or the one saved in a run being resumed, with the overrides applied. */
export function resolveConfig(configPath: string | undefined, opts: Pick<TrainCliOptions, 'resume' | 'set' | 'maxSteps' | 'seed'>): TrainConfig {
  let raw: Record<string, unknown>;
  if (opts.resume) {
    if (configPath) throw new UsageError('--resume continues with the config saved in the run; change it with --set path=value, not a config file');
    const info = RunDir.open(opts.resume, { resume: true }).readRunInfo();
    raw = info.config as Record<string, unknown>;
  } else {
    const read = configPath ? readJsonFile(configPath, 'config file') : {};
    if (typeof read !== 'object' || read === null || Array.isArray(read)) throw new ConfigError('(config)', 'the config file must hold a JSON object');
    raw = read as Record<string, unknown>;
  }
  const overrides = opts.set.map(parseOverride);
  const maxSteps = integerOption(opts.maxSteps, '--max-steps', 1);
  const seed = integerOption(opts.seed, '--seed', 0);
  if (maxSteps !== undefined) overrides.push({ path: ['training', 'maxSteps'], value: maxSteps });
  if (seed !== undefined) overrides.push({ path: ['seed'], value: seed });
  return parseTrainConfig(applyOverrides(raw, overrides));
}

function printSummary(result: TrainResult, out: string | null): void {
  const o = process.stdout;
  o.write(`stopped after ${result.steps} steps: ${result.stopReason}; ${result.elapsedSeconds.toFixed(1)} s (${result.trainSeconds.toFixed(1)} s training, the rest evaluation)\n`);
  const last = result.history[result.history.length - 1];
  if (last) o.write(`validation: loss ${fmt(last.loss)}, perplexity ${fmt(last.perplexity)}, token accuracy ${(100 * last.tokenAccuracy).toFixed(1)}%${last.metrics.exactMatch !== undefined ? `, exact match ${(100 * last.metrics.exactMatch).toFixed(1)}%` : ''}\n`);
  const test = result.test;
  if (test) {
    const em = test.metrics.exactMatch;
    o.write(`test: ${em !== undefined ? `exact match ${(100 * em).toFixed(1)}%, ` : ''}loss ${fmt(test.loss)}, perplexity ${fmt(test.perplexity)}, token accuracy ${(100 * test.tokenAccuracy).toFixed(1)}%\n`);
  }
  // text samples may hold newlines and spaces at the ends: quote them
  const show = (text: string) => (result.config.task === 'numbers-to-words' ? text : JSON.stringify(text));
  for (const s of result.samples) o.write(`  ${show(s.input)} -> ${show(s.output)}${s.expected === undefined || s.output === s.expected ? '' : `   (expected: ${show(s.expected)})`}\n`);
  if (out) {
    const hint = result.config.task === 'language-model' ? `npx anneal generate ${out} --prompt "..."` : `npx anneal translate ${out} ${result.config.task === 'numbers-to-words' ? '4096' : '"..."'}`;
    o.write(`model written to ${out}/model; try: ${hint}\n`);
  }
}

/** What a run would check before training, without writing anything: the output directory and the data files. */
function checkRun(config: TrainConfig, out: string | null, opts: TrainCliOptions): void {
  if (out) {
    const exists = existsSync(out);
    if (exists && !statSync(out).isDirectory()) throw new OutputDirError(`--out ${out} is a file, not a directory`, out);
    if (!opts.resume && !opts.overwrite && existsSync(join(out, RUN_FILE))) {
      throw new OutputDirError(`${out} already holds a run (${RUN_FILE}); resume it with --resume ${out}, choose another --out, or pass --overwrite to replace it`, out);
    }
  }
  createTask(config);
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a Transformer: the built-in numbers-to-words example by default, a language model on a text file, or seq2seq on a TSV file')
    .argument('[config]', 'training config JSON (examples/ has some); the defaults train the built-in example')
    .option('--out <dir>', 'write the run here: run.json, metrics.jsonl, checkpoints/ and the model directory model/')
    .option('--resume <dir>', 'continue the run in this directory from its last checkpoint, with its saved config')
    .option('--set <path=value>', 'override a config field by dotted path, value as JSON or else a string (repeatable): --set training.maxSteps=80', collect, [])
    .option('--overwrite', 'replace a run already in --out')
    .option('--max-steps <n>', 'shorthand for --set training.maxSteps=N')
    .option('--seed <n>', 'shorthand for --set seed=N')
    .option('--json', 'print events and the result as JSON lines on stdout')
    .option('--quiet', 'no progress output')
    .option('--dry-run', 'check the config, its data files and the output directory, print the resolved config as JSON, and exit without training')
    .option('--no-plot', 'with --out: do not draw the charts and OUT/report.html at the end (anneal plot OUT draws them later)')
    .action(async (configPath: string | undefined, opts: TrainCliOptions) => {
      if (opts.resume && opts.out && opts.out !== opts.resume) throw new UsageError('--resume DIR writes to DIR: leave --out out');
      const out = opts.resume ?? opts.out ?? null;
      const config = resolveConfig(configPath, opts);
      if (opts.dryRun) {
        checkRun(config, out, opts);
        process.stdout.write(JSON.stringify(config, null, 2) + '\n');
        return;
      }
      const json = opts.json === true;
      const reporter = progressReporter(opts.quiet === true || json);
      const onEvent = (e: TrainEvent) => {
        if (json) process.stdout.write(JSON.stringify(e.type === 'start' ? { ...e, config: undefined } : e) + '\n');
        reporter.onEvent(e);
      };
      const controller = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write(`\nanneal: ${signal}: saving a checkpoint after this step (again to quit now)\n`);
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let result: TrainResult;
      try {
        result = await train(config, { out, resume: Boolean(opts.resume), overwrite: opts.overwrite, onEvent, signal: controller.signal });
      } catch (err) {
        // a diverged run's curves show how it went wrong
        if (err instanceof DivergenceError && out && opts.plot) await plotAfterTraining(out, opts.quiet === true || json);
        throw err;
      } finally {
        reporter.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      if (json) {
        const { steps, stopReason, trainSeconds, elapsedSeconds, test, samples, best } = result;
        process.stdout.write(JSON.stringify({ type: 'result', steps, stopReason, trainSeconds, elapsedSeconds, best, test, samples, out }) + '\n');
      } else printSummary(result, result.interrupted ? null : out);
      if (out && opts.plot) await plotAfterTraining(out, opts.quiet === true || json);
      if (result.interrupted) {
        if (!json) process.stderr.write(`anneal: interrupted at step ${result.steps}; continue with: npx anneal train --resume ${out ?? 'DIR'}\n`);
        process.exitCode = 130;
      }
    });
}
