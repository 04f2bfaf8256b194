/**
 * `anneal train [CONFIG.json] [--out DIR]`: trains the numbers-to-words Transformer (the built-in
 * example when no config is given), reports test exact match and sample translations, and writes
 * the model. Progress goes to stderr (a bar on a terminal, lines otherwise); --json prints one JSON
 * object per event and a final result object on stdout for scripts.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { parseTrainConfig, saveModelDir, train, type TrainConfigInput, type TrainEvent } from '../train/index.js';
import { readJsonFile } from './files.js';
import { UsageError } from './usage.js';

interface TrainCliOptions {
  out?: string;
  json?: boolean;
  maxSteps?: string;
  seed?: string;
  quiet?: boolean;
}

function integerOption(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} expects an integer >= ${min}, got '${value}'`);
  return n;
}

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toPrecision(digits) : String(x));

/** Renders events for a person: a progress bar on a terminal, plain lines elsewhere. */
function progressReporter(quiet: boolean): { onEvent: (e: TrainEvent) => void; stop: () => void } {
  const err = process.stderr;
  const tty = err.isTTY === true && !quiet;
  let bar: cliProgress.SingleBar | null = null;
  let lastValid = '-';
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  const onEvent = (e: TrainEvent) => {
    if (quiet) return;
    if (e.type === 'start') {
      const m = e.config.model;
      err.write(
        `anneal: training a ${m.numEncoderLayers}+${m.numDecoderLayers}-layer Transformer (d ${m.dModel}, ${m.nhead} heads, ff ${m.dimFeedforward}, ` +
          `${e.parameters.toLocaleString('en-US')} parameters) on numbers-to-words for ${e.config.training.maxSteps} steps\n`,
      );
      if (tty) {
        bar = new cliProgress.SingleBar(
          { format: 'train |{bar}| {value}/{total} | loss {loss} | lr {lr} | {tps} tok/s | valid exact {valid}', stream: err, hideCursor: true, barsize: 24 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(e.config.training.maxSteps, 0, { loss: '-', lr: '-', tps: '-', valid: '-' });
      }
    } else if (e.type === 'step') {
      if (bar) bar.update(e.step, { loss: fmt(e.loss), lr: fmt(e.lr, 3), tps: Math.round(e.tokensPerSecond), valid: lastValid });
      else err.write(`step ${e.step}/${e.maxSteps}  loss ${fmt(e.loss)}  token acc ${fmt(e.tokenAccuracy, 3)}  lr ${fmt(e.lr, 3)}  grad norm ${fmt(e.gradNorm, 3)}  ${Math.round(e.tokensPerSecond)} tok/s\n`);
    } else if (e.type === 'eval') {
      lastValid = `${(100 * e.exactMatch).toFixed(1)}%`;
      if (bar) bar.update({ valid: lastValid });
      else err.write(`step ${e.step}  valid loss ${fmt(e.loss)}  valid exact match ${lastValid}\n`);
    } else if (e.type === 'end') {
      stop();
    }
  };
  return { onEvent, stop };
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train the numbers-to-words Transformer (the built-in example) and report exact match on held-out numbers')
    .argument('[config]', 'training config JSON (defaults train the built-in example)')
    .option('--out <dir>', 'write the trained model (model.safetensors + config.json) to this directory')
    .option('--max-steps <n>', 'override training.maxSteps')
    .option('--seed <n>', 'override seed')
    .option('--json', 'print events and the result as JSON lines on stdout')
    .option('--quiet', 'no progress output')
    .action((configPath: string | undefined, opts: TrainCliOptions) => {
      const raw = (configPath ? readJsonFile(configPath, 'config file') : {}) as TrainConfigInput;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError('(config)', 'the config file must hold a JSON object');
      const maxSteps = integerOption(opts.maxSteps, '--max-steps', 1);
      const seed = integerOption(opts.seed, '--seed', 0);
      const input = {
        ...raw,
        ...(seed !== undefined ? { seed } : {}),
        ...(maxSteps !== undefined ? { training: { ...(raw.training ?? {}), maxSteps } } : {}),
      };
      const config = parseTrainConfig(input);
      const json = opts.json === true;
      const reporter = progressReporter(opts.quiet === true || json);
      const onEvent = (e: TrainEvent) => {
        if (json) process.stdout.write(JSON.stringify(e.type === 'start' ? { ...e, config: undefined } : e) + '\n');
        reporter.onEvent(e);
      };
      let result;
      try {
        result = train(config, { onEvent });
      } finally {
        reporter.stop();
      }
      if (opts.out) {
        saveModelDir(opts.out, result.model, result.data, {
          seed: config.seed,
          steps: result.steps,
          testExactMatch: result.test.exactMatch,
          config,
        });
      }
      if (json) {
        process.stdout.write(
          JSON.stringify({ type: 'result', steps: result.steps, trainSeconds: result.trainSeconds, elapsedSeconds: result.elapsedSeconds, test: result.test, samples: result.samples, out: opts.out ?? null }) + '\n',
        );
        return;
      }
      const out = process.stdout;
      out.write(
        `test exact match: ${(100 * result.test.exactMatch).toFixed(1)}% (${result.test.correct}/${result.test.total} held-out numbers) after ${result.steps} steps, ` +
          `${result.elapsedSeconds.toFixed(1)} s (${result.trainSeconds.toFixed(1)} s training, the rest validation)\n`,
      );
      for (const s of result.samples) out.write(`  ${s.input.padStart(config.data.maxDigits)} -> ${s.output}${s.output === s.expected ? '' : `   (expected: ${s.expected})`}\n`);
      if (opts.out) out.write(`model written to ${opts.out}; try: npx anneal translate ${opts.out} 4096\n`);
    });
}
