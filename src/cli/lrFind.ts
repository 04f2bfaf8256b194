/**
 * `anneal lr-find [CONFIG] [--out DIR]`: the learning-rate range test on a training config. Prints
 * both suggestions (and the optimizer.lr that gives each as the schedule's peak); with --out writes
 * lr-find.json, lr-find.svg and lr-find.png there.
 */
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { applyOverrides, parseOverride } from '../train/overrides.js';
import { parseTrainConfig } from '../train/config.js';
import { lrFind, lrFindChart, type LrFindResult } from '../tune/index.js';
import { readJsonFile } from './files.js';
import { UsageError } from './usage.js';

interface LrFindCliOptions {
  out?: string;
  set: string[];
  minLr: string;
  maxLr: string;
  steps: string;
  beta: string;
  divergeFactor: string;
  png: boolean;
  json?: boolean;
  quiet?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function number(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} expects a number, got '${value}'`);
  return n;
}

const e2 = (x: number | null) => (x === null ? 'none' : x.toExponential(2));

function describe(r: LrFindResult, configPath: string | undefined): string {
  const s = r.suggestions;
  const lines = [
    `range test: ${r.lrs.length} of ${r.steps} steps, lr ${r.minLr.toExponential(0)} to ${r.maxLr.toExponential(0)} (${r.optimizer}, ${r.task}); ${r.stopReason}`,
    `suggested learning rate, steepest descent of the smoothed loss: ${e2(s.steep)}`,
    `suggested learning rate, minimum / 10:                          ${e2(s.minimum)}   (the minimum itself at ${e2(s.lrAtMinimum)})`,
  ];
  const pick = s.minimum ?? s.steep;
  if (pick !== null) {
    const config = configPath ?? '';
    if (Math.abs(r.scheduleFactor - 1) > 1e-9) {
      const lr = pick / r.scheduleFactor;
      lines.push(`the config's schedule peaks at ${r.scheduleFactor.toPrecision(3)} x optimizer.lr: a peak of ${e2(pick)} is optimizer.lr ${e2(lr)}`);
      lines.push(`try: npx anneal train ${config} --set optimizer.lr=${Number(lr.toPrecision(2))}`.replace('  ', ' '));
    } else lines.push(`try: npx anneal train ${config} --set optimizer.lr=${Number(pick.toPrecision(2))}`.replace('  ', ' '));
  }
  return lines.join('\n') + '\n';
}

export function registerLrFind(program: Command): void {
  program
    .command('lr-find')
    .description("the learning-rate range test (Smith 2017, fastai's lr_find): train with an exponentially growing learning rate, plot the smoothed loss, suggest a learning rate; the model is not kept")
    .argument('[config]', 'training config JSON (the defaults train the built-in example)')
    .option('--out <dir>', 'write lr-find.json, lr-find.svg and lr-find.png here')
    .option('--set <path=value>', 'override a config field, as anneal train --set (repeatable)', collect, [])
    .option('--min-lr <lr>', 'the first learning rate', '1e-7')
    .option('--max-lr <lr>', 'the last learning rate', '10')
    .option('--steps <n>', 'steps of the test (on training batches)', '100')
    .option('--beta <b>', 'smoothing of the loss (bias-corrected moving average)', '0.98')
    .option('--diverge-factor <f>', 'stop once the smoothed loss exceeds this multiple of its best', '4')
    .option('--no-png', 'with --out: SVG only')
    .option('--json', 'print the result as JSON on stdout')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Two suggestions, as fastai computes them: where the smoothed loss falls fastest against log(lr), and
a tenth of the learning rate of its minimum (the minimum itself is where training turns unstable).
The configured schedule is set aside during the test; when it scales optimizer.lr (Noam, or any
warmup whose peak is not 1), the command also says which optimizer.lr puts the schedule's peak at
the suggestion.`,
    )
    .action(async (configPath: string | undefined, opts: LrFindCliOptions) => {
      const read = configPath ? readJsonFile(configPath, 'config file') : {};
      if (typeof read !== 'object' || read === null || Array.isArray(read)) throw new ConfigError('(config)', 'the config file must hold a JSON object');
      const config = parseTrainConfig(applyOverrides(read as Record<string, unknown>, opts.set.map(parseOverride)));
      const steps = number(opts.steps, '--steps');
      if (opts.out) mkdirSync(opts.out, { recursive: true });
      const every = Math.max(1, Math.round(steps / 10));
      const result = lrFind(config, {
        minLr: number(opts.minLr, '--min-lr'), maxLr: number(opts.maxLr, '--max-lr'), steps, beta: number(opts.beta, '--beta'), divergeFactor: number(opts.divergeFactor, '--diverge-factor'),
        onStep: (i, lr, loss, smooth) => {
          if (!opts.quiet && ((i + 1) % every === 0 || i === 0)) process.stderr.write(`step ${i + 1}/${steps}  lr ${lr.toExponential(2)}  loss ${loss.toFixed(4)}  smoothed ${smooth.toFixed(4)}\n`);
        },
      });
      if (opts.out) {
        writeFileAtomic(join(opts.out, 'lr-find.json'), JSON.stringify(result, null, 2) + '\n');
        const svg = await lrFindChart(result, `Learning-rate range test: ${result.task}, ${result.optimizer}`);
        writeFileAtomic(join(opts.out, 'lr-find.svg'), svg);
        if (opts.png) {
          const { svgToPng } = await import('../plot/index.js');
          writeFileAtomic(join(opts.out, 'lr-find.png'), svgToPng(svg));
        }
      }
      if (opts.json) process.stdout.write(JSON.stringify(result) + '\n');
      else {
        process.stdout.write(describe(result, configPath));
        if (opts.out) process.stdout.write(`written: ${join(opts.out, 'lr-find.json')}, lr-find.svg${opts.png ? ', lr-find.png' : ''}\n`);
      }
    });
}
