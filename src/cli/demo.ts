/**
 * `anneal demo warmup | label-smoothing | schedules`: small Transformers trained through the trainer
 * from one seed, showing a lesson of the training recipe as curves and a summary (JSON and a table),
 * with SVG/PNG charts and a report in --out.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { demos } from '../tune/index.js';
import { UsageError } from './usage.js';

interface DemoCliOptions {
  out?: string;
  steps?: string;
  seed: string;
  png: boolean;
  json?: boolean;
  quiet?: boolean;
}

function integer(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new UsageError(`${flag} expects an integer >= ${min}, got '${value}'`);
  return n;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('train small Transformers from one seed to show a lesson of the recipe: warmup, label-smoothing or schedules')
    .argument('<name>', `which demo: ${demos.demoNames.join(', ')}`)
    .option('--out <dir>', 'where the runs, charts (SVG, PNG), summary.json and report.html go (default demos/NAME)')
    .option('--steps <n>', `optimizer steps per run (defaults: warmup ${demos.warmupDefaults.steps}, label-smoothing ${demos.labelSmoothingDefaults.steps}, schedules ${demos.schedulesDefaults.steps})`)
    .option('--seed <n>', 'the seed of every run (initial weights and batches)', '0')
    .option('--no-png', 'SVG only')
    .option('--json', 'print the summary as JSON on stdout instead of the table')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
warmup           AdamW at lr ${demos.warmupDefaults.lr} on the post-norm model, with and without a ${demos.warmupDefaults.warmupSteps}-step warmup
label-smoothing  hard targets against label smoothing ${demos.labelSmoothingDefaults.smoothing} on a fixed set of ${demos.labelSmoothingDefaults.trainSize} numbers: perplexity, accuracy,
                 calibration error and a reliability diagram
schedules        constant, linear, cosine, inverse-sqrt and Noam, all warming up ${demos.schedulesDefaults.warmupSteps} steps to lr ${demos.schedulesDefaults.peakLr}`,
    )
    .action(async (name: string, opts: DemoCliOptions) => {
      if (!(demos.demoNames as readonly string[]).includes(name)) throw new ConfigError('demo', `unknown demo '${name}'`, demos.demoNames);
      const out = opts.out ?? join('demos', name);
      const steps = opts.steps !== undefined ? integer(opts.steps, '--steps', 10) : undefined;
      const seed = integer(opts.seed, '--seed', 0);
      const err = process.stderr;
      const result = await demos.runDemo(name as demos.DemoName, {
        out, steps, seed, png: opts.png,
        onEvent: (variant, e) => {
          if (opts.quiet) return;
          if (e.type === 'start') err.write(`${name}: training ${variant} (${e.totalSteps} steps)\n`);
          else if (e.type === 'eval' && e.split === 'valid') err.write(`  ${variant} step ${e.step}: valid loss ${e.loss.toFixed(4)}, ppl ${e.perplexity.toFixed(3)}, acc ${(100 * e.tokenAccuracy).toFixed(1)}%\n`);
          else if (e.type === 'end' && e.stopReason.startsWith('diverged')) err.write(`  ${variant}: ${e.stopReason}\n`);
        },
      });
      if (opts.json) process.stdout.write(JSON.stringify({ demo: result.demo, lesson: result.lesson, variants: result.variants, seconds: result.seconds }) + '\n');
      else {
        process.stdout.write(`${result.table}\n${result.lesson}\n`);
        process.stdout.write(`${result.seconds.toFixed(0)} s; charts, summary.json and report.html in ${out}\n`);
      }
    });
}
