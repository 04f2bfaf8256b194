/**
 * `anneal demo warmup`: the same post-norm Transformer at a high Adam learning rate, with and without
 * a linear warmup, from the same seed. Adam's first updates have a size near lr in every coordinate
 * whatever the gradient (its second-moment estimate has seen one gradient), and a post-norm
 * Transformer's residual stream does not survive such steps at a high rate (Liu et al. 2020, "On the
 * Variance of the Adaptive Learning Rate and Beyond"; Xiong et al. 2020): without warmup the run
 * diverges or stalls, with it the same rate trains.
 */
import { join } from 'node:path';
import { demoBase, num, pct, summaryHtml, summaryTable, trainVariants, writeDemo, type DemoOptions, type DemoResult, type VariantSummary } from './common.js';
import { smoothEma, smoothingFor } from '../../plot/smooth.js';

export const warmupDefaults = { steps: 300, lr: 2e-2, warmupSteps: 100 };

export async function warmupDemo(options: DemoOptions & { lr?: number; warmupSteps?: number }): Promise<DemoResult & { table: string }> {
  const started = performance.now();
  const steps = options.steps ?? warmupDefaults.steps;
  const lr = options.lr ?? warmupDefaults.lr;
  const warmupSteps = Math.min(options.warmupSteps ?? warmupDefaults.warmupSteps, steps);
  const base = demoBase(steps, options.seed ?? 0, options.validSize);
  const optimizer = { name: 'adamw', lr, betas: [0.9, 0.98], eps: 1e-9, weightDecay: 0.01 };
  const runs = await trainVariants(
    [
      { id: 'no-warmup', label: `no warmup (constant lr ${lr})`, config: { ...base, optimizer, schedule: { name: 'constant' } } },
      { id: 'warmup', label: `${warmupSteps}-step warmup, then lr ${lr}`, config: { ...base, optimizer, schedule: { name: 'constant_with_warmup', warmupSteps } } },
    ],
    options,
  );
  const [cold, warm] = runs.map((r) => r.summary) as [VariantSummary, VariantSummary];
  const ended = (s: VariantSummary) => (s.diverged ? 'diverged' : `ended at validation loss ${num(s.final?.loss, 3)}, exact match ${pct(s.final?.exactMatch)}`);
  const lesson =
    `At lr ${lr} with Adam, the post-norm Transformer without warmup ${ended(cold)}; with a ${warmupSteps}-step linear warmup to the same rate it ${ended(warm)}. ` +
    'Adam\'s first steps move every weight by about lr whatever its gradient; warmup keeps them small until the moment estimates mean something.';

  const { chartSvg, palette } = await import('../../plot/index.js');
  const colors = [palette[0], palette[1]];
  const series = runs.flatMap(({ run, variant }, i) => [
    { name: `${variant.label}: training loss (smoothed)`, x: run.steps.map((s) => s.step), y: smoothEma(run.steps.map((s) => s.loss), smoothingFor(run.steps.length)), style: { color: colors[i], width: 2 } },
    { name: `${variant.label}: validation loss`, x: run.evals.map((e) => e.step), y: run.evals.map((e) => e.loss), style: { color: colors[i], dash: [5, 3], points: true } },
  ]);
  const chart = {
    id: 'warmup',
    title: 'Warmup at a high learning rate',
    svg: await chartSvg({
      title: 'Warmup at a high learning rate', subtitle: `numbers-to-words, post-norm 2+2-layer Transformer (d 32), AdamW lr ${lr}, seed ${options.seed ?? 0}, ${steps} steps`,
      xLabel: 'step', yLabel: 'loss (label smoothing 0.1)', series, legend: 'bottom',
    }),
  };
  const columns: [string, (r: VariantSummary) => string][] = [
    ['valid loss', (r) => (r.diverged ? 'diverged' : num(r.final?.loss))],
    ['perplexity', (r) => num(r.final?.perplexity)],
    ['token acc.', (r) => pct(r.final?.tokenAccuracy)],
    ['exact match', (r) => pct(r.final?.exactMatch)],
    ['seconds', (r) => r.seconds.toFixed(1)],
  ];
  const variants = runs.map((r) => r.summary);
  const table = summaryTable(variants, columns);
  const summary = { demo: 'warmup', lesson, lr, warmupSteps, steps, seed: options.seed ?? 0, variants };
  const files = await writeDemo(options, {
    name: 'warmup', title: 'anneal demo warmup', lesson, charts: [chart], runs: runs.map((r) => r.run), summary, table,
    tableHtml: (escape) => summaryHtml(variants, columns, escape),
  });
  return { demo: 'warmup', lesson, variants, files: [...files, join(options.out, 'no-warmup'), join(options.out, 'warmup')], seconds: (performance.now() - started) / 1000, table };
}
