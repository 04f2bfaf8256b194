/**
 * `anneal compare-optimizers`: trains the same small numbers-to-words Transformer with SGD (momentum),
 * Adam, AdamW and Adafactor from one seed (same initial weights, same batches), draws the training
 * loss curves (SVG, optionally PNG) and prints a JSON table of final losses. Progress goes to stderr.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { compareOptimizers, optimizerNames, type CompareOptimizersResult, type OptimizerName } from '../train/compareOptimizers.js';
import { UsageError } from './usage.js';

interface CompareCliOptions {
  steps: string;
  batchSize: string;
  seed: string;
  optimizers: string;
  svg: string;
  png?: string;
  json?: string;
  smooth: string;
  quiet?: boolean;
}

function integer(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new UsageError(`${flag} expects an integer >= ${min}, got '${value}'`);
  return n;
}

/** The optimizers named in a comma-separated list, in the order given. */
export function parseOptimizerList(text: string): OptimizerName[] {
  const names = text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (names.length === 0) throw new ConfigError('--optimizers', 'name at least one optimizer', optimizerNames);
  for (const n of names) if (!(optimizerNames as readonly string[]).includes(n)) throw new ConfigError('--optimizers', `unknown optimizer '${n}'`, optimizerNames);
  if (new Set(names).size !== names.length) throw new ConfigError('--optimizers', `an optimizer is named twice in '${text}'`);
  return names as OptimizerName[];
}

/** Mean of each window of `window` consecutive values ending at each step (shorter at the start). */
export function runningMean(values: readonly number[], window: number): number[] {
  let sum = 0;
  return values.map((v, i) => {
    sum += v;
    if (i >= window) sum -= values[i - window]!;
    return sum / Math.min(i + 1, window);
  });
}

/** The loss-curve chart of a comparison, one line per optimizer on a log axis. */
export async function lossCurveSvg(result: CompareOptimizersResult, smooth = 1): Promise<string> {
  const { lineChartSpec, renderSvg } = await import('../plot/index.js');
  const m = result.model;
  const spec = lineChartSpec({
    series: result.curves.map((c) => ({ name: c.label, x: c.loss.map((_, i) => i + 1), y: runningMean(c.loss, smooth) })),
    title: `numbers-to-words, ${m.numEncoderLayers}+${m.numDecoderLayers}-layer Transformer (d ${m.dModel}, ${m.parameters.toLocaleString('en-US')} parameters), batch ${result.batchSize}, seed ${result.seed}`,
    xLabel: 'step',
    yLabel: smooth > 1 ? `training loss (${smooth}-step running mean)` : 'training loss',
    logY: true,
  }) as { config?: Record<string, unknown> };
  // the labels carry each optimizer's settings: show them whole
  spec.config = { ...spec.config, legend: { labelLimit: 0, orient: 'bottom', columns: 2 } };
  return renderSvg(spec as Parameters<typeof renderSvg>[0]);
}

/** The JSON document the command prints or writes: the run's settings and the table of final losses. */
export function resultJson(result: CompareOptimizersResult): string {
  const { curves: _curves, ...rest } = result;
  return `${JSON.stringify(rest, null, 2)}\n`;
}

/** Registers `anneal compare-optimizers`. */
export function registerCompareOptimizers(program: Command): void {
  program
    .command('compare-optimizers')
    .description('train the same small Transformer with SGD, Adam, AdamW and Adafactor from one seed; plot the loss curves and print final losses as JSON')
    .option('--steps <n>', 'optimizer steps per run', '300')
    .option('--batch-size <n>', 'numbers per batch', '32')
    .option('--seed <n>', 'seed of the initial weights and of the batches (the same for every optimizer)', '0')
    .option('--optimizers <list>', `comma-separated, from ${optimizerNames.join(', ')}`, optimizerNames.join(','))
    .option('--svg <file>', 'loss-curve chart', 'compare-optimizers.svg')
    .option('--png <file>', 'the chart as PNG too')
    .option('--json <file>', 'write the JSON table here instead of stdout')
    .option('--smooth <n>', 'draw the running mean over this many steps (1: raw losses)', '10')
    .option('--quiet', 'no progress output')
    .addHelpText('after', '\nLearning rates: SGD 0.03 (momentum 0.9), Adam 3e-3, AdamW 3e-3 (weight decay 0.01), Adafactor its relative step\n(Hugging Face defaults); gradients clipped to norm 1 for all.')
    .action(async (opts: CompareCliOptions) => {
      const steps = integer(opts.steps, '--steps', 1);
      const batchSize = integer(opts.batchSize, '--batch-size', 1);
      const seed = integer(opts.seed, '--seed', 0);
      const smooth = integer(opts.smooth, '--smooth', 1);
      const optimizers = parseOptimizerList(opts.optimizers);
      const err = process.stderr;
      const every = Math.max(1, Math.round(steps / 5));
      const result = await compareOptimizers({
        steps, batchSize, seed, optimizers,
        onStep: (name, step, loss) => {
          if (!opts.quiet && (step % every === 0 || step === steps)) err.write(`${name.padEnd(9)} step ${String(step).padStart(String(steps).length)}/${steps}  loss ${loss.toFixed(4)}\n`);
        },
      });
      const svg = await lossCurveSvg(result, smooth);
      writeFileSync(opts.svg, svg);
      if (opts.png) {
        const { svgToPng } = await import('../plot/index.js');
        writeFileSync(opts.png, svgToPng(svg));
      }
      const json = resultJson(result);
      if (opts.json) writeFileSync(opts.json, json);
      else process.stdout.write(json);
      if (!opts.quiet) {
        err.write(`\n${'optimizer'.padEnd(50)} final train loss  valid loss  valid token acc\n`);
        for (const row of result.table) {
          err.write(`${row.label.padEnd(50)} ${row.finalLoss.toFixed(4).padStart(16)}  ${row.validLoss.toFixed(4).padStart(10)}  ${(100 * row.validTokenAccuracy).toFixed(1).padStart(14)}%\n`);
        }
        err.write(`chart written to ${opts.svg}${opts.png ? ` and ${opts.png}` : ''}${opts.json ? `; table to ${opts.json}` : ''}\n`);
      }
    });
}
