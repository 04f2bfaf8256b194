/**
 * `anneal demo schedules`: the same model and seed under constant, linear, cosine, inverse-sqrt and
 * Noam schedules, every one warming up linearly over the same steps to the same peak learning rate,
 * so the curves differ only by what follows the warmup: a constant rate, a decay to 0 (linear,
 * cosine), or a decay as 1/sqrt(step) (inverse-sqrt, and Noam, which is the same shape with the peak
 * written as factor * d_model^-0.5 * warmup^-0.5).
 */
import { demoBase, num, pct, summaryHtml, summaryTable, trainVariants, writeDemo, type DemoOptions, type DemoResult, type VariantSummary } from './common.js';

export const schedulesDefaults = { steps: 300, peakLr: 5e-3, warmupSteps: 50 };

/** A sentence when both schedules that decay to 0 finish below every other by more than the noise, else none. */
function annealed(rows: readonly VariantSummary[], noise: number): string {
  const loss = (id: string) => rows.find((r) => r.id === id)?.final?.loss ?? NaN;
  const decayed = Math.max(loss('linear'), loss('cosine'));
  const others = Math.min(...['constant', 'inverse-sqrt', 'noam'].map(loss));
  if (!(decayed + noise < others)) return '';
  return ` The two that decay to 0 by the end (linear, cosine) finish ${(others / decayed).toFixed(1)}x below the best of the others, well beyond that.`;
}

export async function schedulesDemo(options: DemoOptions & { peakLr?: number; warmupSteps?: number }): Promise<DemoResult & { table: string }> {
  const started = performance.now();
  const steps = options.steps ?? schedulesDefaults.steps;
  const peak = options.peakLr ?? schedulesDefaults.peakLr;
  const warmupSteps = Math.min(options.warmupSteps ?? schedulesDefaults.warmupSteps, steps);
  const common = demoBase(steps, options.seed ?? 0, options.validSize) as { model: { dModel: number }; training: Record<string, unknown> };
  // no label smoothing: its floor (~0.54 here) would hide the differences between the schedules' final losses
  const base = { ...common, training: { ...common.training, labelSmoothing: 0 } };
  const d = common.model.dModel;
  const adamw = (lr: number) => ({ name: 'adamw', lr, betas: [0.9, 0.98], eps: 1e-9, weightDecay: 0.01 });
  const variants = [
    { id: 'constant', label: 'constant (after warmup)', config: { ...base, optimizer: adamw(peak), schedule: { name: 'constant_with_warmup', warmupSteps } } },
    { id: 'linear', label: 'linear decay to 0', config: { ...base, optimizer: adamw(peak), schedule: { name: 'linear', warmupSteps } } },
    { id: 'cosine', label: 'cosine decay to 0', config: { ...base, optimizer: adamw(peak), schedule: { name: 'cosine', warmupSteps } } },
    { id: 'inverse-sqrt', label: 'inverse square root', config: { ...base, optimizer: adamw(peak), schedule: { name: 'inverse_sqrt', warmupSteps } } },
    // Noam's peak is factor * d^-0.5 * warmup^-0.5 (optimizer.lr 1): the factor that makes it the same peak
    { id: 'noam', label: 'Noam', config: { ...base, optimizer: adamw(1), schedule: { name: 'noam', warmupSteps, factor: peak * Math.sqrt(d * warmupSteps) } } },
  ];
  const runs = await trainVariants(variants, options);
  const rows = runs.map((r) => r.summary);
  const ranked = [...rows].filter((r) => r.final).sort((a, b) => a.final!.loss - b.final!.loss);
  const byId = (id: string) => rows.find((r) => r.id === id)?.final?.loss;
  const isr = byId('inverse-sqrt');
  const noamLoss = byId('noam');
  const lesson =
    `Every schedule warms up over ${warmupSteps} steps to lr ${peak}; after ${steps} steps the final validation loss ranks ${ranked.map((r) => `${r.label} ${num(r.final!.loss, 3)}`).join(', ')}. ` +
    `Inverse-sqrt and Noam follow one curve, except that Hugging Face's warmup starts at 0 and Noam's one step later, at lr/${warmupSteps}: ` +
    `that one step moves the final loss from ${num(isr, 3)} to ${num(noamLoss, 3)}, a measure of how much of any difference in one run of each is chance.` +
    annealed(rows, Math.abs((isr ?? 0) - (noamLoss ?? 0)));

  const { chartSvg, palette } = await import('../../plot/index.js');
  const lrChart = {
    id: 'schedules-lr',
    title: 'The five learning-rate schedules',
    svg: await chartSvg({
      title: 'The five learning-rate schedules', subtitle: `warmup ${warmupSteps} steps to lr ${peak}, ${steps} steps`, xLabel: 'step', yLabel: 'learning rate', logY: false, legend: 'right',
      series: runs.map((r, i) => ({ name: r.variant.label, x: r.run.steps.map((s) => s.step), y: r.run.steps.map((s) => s.lr), style: { color: palette[i], width: 2, dash: r.variant.id === 'noam' ? [6, 4] : undefined } })),
    }),
  };
  const lossChart = {
    id: 'schedules',
    title: 'Training and validation loss by schedule',
    svg: await chartSvg({
      title: 'Validation loss by schedule', subtitle: `numbers-to-words, post-norm 2+2-layer Transformer (d 32), AdamW, seed ${options.seed ?? 0}`,
      xLabel: 'step', yLabel: 'validation loss (cross-entropy)', legend: 'right',
      series: runs.map((r, i) => ({ name: r.variant.label, x: r.run.evals.map((e) => e.step), y: r.run.evals.map((e) => e.loss), style: { color: palette[i], width: 2, points: true, dash: r.variant.id === 'noam' ? [6, 4] : undefined } })),
    }),
  };
  const columns: [string, (r: VariantSummary) => string][] = [
    ['valid loss', (r) => (r.diverged ? 'diverged' : num(r.final?.loss))],
    ['perplexity', (r) => num(r.final?.perplexity)],
    ['token acc.', (r) => pct(r.final?.tokenAccuracy)],
    ['exact match', (r) => pct(r.final?.exactMatch)],
    ['seconds', (r) => r.seconds.toFixed(1)],
  ];
  const table = summaryTable(rows, columns);
  const summary = { demo: 'schedules', lesson, peakLr: peak, warmupSteps, steps, seed: options.seed ?? 0, variants: rows };
  const files = await writeDemo(options, {
    name: 'schedules', title: 'anneal demo schedules', lesson, charts: [lossChart, lrChart], runs: runs.map((r) => r.run), summary, table,
    tableHtml: (escape) => summaryHtml(rows, columns, escape),
  });
  return { demo: 'schedules', lesson, variants: rows, files, seconds: (performance.now() - started) / 1000, table };
}
