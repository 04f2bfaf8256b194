/**
 * The pictures of a training run, against optimizer steps: loss (raw training loss under its
 * smoothed trend, and validation loss), validation perplexity, learning rate, gradient and
 * parameter norms, validation accuracy, and the loss scale when the run logged one (fp16). For
 * several runs, the same quantities overlaid, one line per run. Each chart is an SVG string; the
 * caller writes files (writeCharts) or inlines them in a report.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { chartSvg, palette, spansDecades, type ChartOptions, type ChartSeries } from './chart.js';
import { svgToPng } from './png.js';
import type { RunData } from './runData.js';
import { smoothEma, smoothingFor } from './smooth.js';

/** One picture: an id that names its files (loss -> loss.svg, loss.png), a title and the SVG. */
export interface Chart {
  id: string;
  title: string;
  svg: string;
}

const TRAIN = '#4e79a7';
const VALID = '#f28e2b';
/** The raw per-step loss: light, under its smoothed trend. */
const TRAIN_RAW = '#a0cbe8';

function describeRun(run: RunData): string {
  const c = run.config as { task?: string; optimizer?: { name?: string; lr?: number }; training?: { labelSmoothing?: number } } | null;
  const parts = [run.name];
  if (c?.task) parts.push(c.task);
  if (c?.optimizer?.name) parts.push(`${c.optimizer.name} lr ${c.optimizer.lr}`);
  if (run.end) parts.push(`${run.end.step} steps, ${run.end.stopReason}`);
  else if (run.steps.length) parts.push(`${run.steps[run.steps.length - 1]!.step} steps so far`);
  return parts.join(' · ');
}

const stepsOf = (run: RunData) => run.steps.map((s) => s.step);

function labelSmoothing(run: RunData): number {
  const t = (run.config as { training?: { labelSmoothing?: number } } | null)?.training;
  return t?.labelSmoothing ?? 0;
}

/** The charts of one run; a chart whose data the run did not log (no evaluations, no loss scale) is left out. */
export async function runCharts(run: RunData): Promise<Chart[]> {
  const specs: (ChartOptions & { id: string })[] = [];
  const subtitle = describeRun(run);
  const x = stepsOf(run);
  const losses = run.steps.map((s) => s.loss);
  const smoothing = labelSmoothing(run);
  const lossSeries: ChartSeries[] = [];
  if (x.length > 0) {
    lossSeries.push({ name: 'training loss', x, y: losses, style: { color: TRAIN_RAW, width: 1 } });
    lossSeries.push({ name: 'training loss (smoothed)', x, y: smoothEma(losses, smoothingFor(losses.length)), style: { color: TRAIN, width: 2.2 } });
  }
  if (run.evals.length > 0) lossSeries.push({ name: 'validation loss', x: run.evals.map((e) => e.step), y: run.evals.map((e) => e.loss), style: { color: VALID, width: 2, points: true } });
  if (lossSeries.length > 0) {
    specs.push({
      id: 'loss', title: 'Loss', subtitle, series: lossSeries, xLabel: 'step',
      yLabel: smoothing > 0 ? `loss (label smoothing ${smoothing})` : 'loss (cross-entropy)',
    });
  }
  if (run.evals.length > 0) {
    specs.push({
      id: 'perplexity', title: 'Validation perplexity', subtitle, xLabel: 'step', yLabel: 'perplexity (exp of the cross-entropy)',
      series: [{ name: 'validation perplexity', x: run.evals.map((e) => e.step), y: run.evals.map((e) => e.perplexity), style: { color: VALID, points: true } }],
      legend: 'none',
    });
    const acc: ChartSeries[] = [{ name: 'token accuracy', x: run.evals.map((e) => e.step), y: run.evals.map((e) => e.tokenAccuracy), style: { points: true } }];
    if (run.evals.some((e) => typeof e.exactMatch === 'number')) {
      const withEm = run.evals.filter((e) => typeof e.exactMatch === 'number');
      acc.push({ name: 'exact match', x: withEm.map((e) => e.step), y: withEm.map((e) => e.exactMatch!), style: { points: true } });
    }
    specs.push({ id: 'accuracy', title: 'Validation accuracy', subtitle, xLabel: 'step', yLabel: 'fraction correct', series: acc, logY: false });
  }
  if (x.length > 0) {
    specs.push({ id: 'lr', title: 'Learning rate', subtitle, xLabel: 'step', yLabel: 'learning rate', series: [{ name: 'learning rate', x, y: run.steps.map((s) => s.lr) }], legend: 'none' });
    const norms: ChartSeries[] = [
      { name: 'gradient norm (before clipping)', x, y: run.steps.map((s) => s.gradNorm), style: { color: '#e15759', opacity: 0.8, width: 1.2 } },
      { name: 'parameter norm', x, y: run.steps.map((s) => s.paramNorm), style: { color: '#59a14f', width: 2 } },
    ];
    const clip = (run.config as { training?: { clipGradNorm?: number | null } } | null)?.training?.clipGradNorm;
    if (typeof clip === 'number') norms.push({ name: `clipping threshold (${clip})`, x: [x[0]!, x[x.length - 1]!], y: [clip, clip], style: { color: '#e15759', dash: [5, 4], width: 1.2 } });
    // two quantities of different sizes: a log axis once they are a decade apart, so both stay readable
    specs.push({ id: 'norms', title: 'Gradient and parameter norms', subtitle, xLabel: 'step', yLabel: 'global L2 norm', series: norms, legend: 'bottom', logY: spansDecades(norms.flatMap((s) => s.y), 1) });
    const scaled = run.steps.filter((s) => typeof s.lossScale === 'number');
    if (scaled.length > 0) {
      specs.push({
        id: 'loss-scale', title: 'Loss scale (fp16)', subtitle, xLabel: 'step', yLabel: 'loss scale', logY: true, legend: 'none',
        series: [{ name: 'loss scale', x: scaled.map((s) => s.step), y: scaled.map((s) => s.lossScale!) }],
      });
    }
  }
  return Promise.all(specs.map(async ({ id, ...o }) => ({ id, title: o.title, svg: await chartSvg(o) })));
}

/** The names of runs in legends: their directory names, made unique with the parent's where two coincide. */
export function runLabels(runs: readonly RunData[]): string[] {
  const names = runs.map((r) => r.name);
  return names.map((n, i) => {
    if (names.indexOf(n) === names.lastIndexOf(n)) return n;
    const parts = runs[i]!.dir.split(/[\\/]/).filter(Boolean);
    return parts.slice(-2).join('/') || `${n} (${i + 1})`;
  });
}

/** Several runs overlaid, one line per run: validation loss, smoothed training loss, perplexity, accuracy, learning rate and gradient norm. */
export async function compareRunCharts(runs: readonly RunData[], labels: readonly string[] = runLabels(runs)): Promise<Chart[]> {
  const subtitle = `${runs.length} runs`;
  const per = (f: (r: RunData) => { x: number[]; y: number[] } | null, points = false): ChartSeries[] =>
    runs.flatMap((r, i) => {
      const d = f(r);
      return d && d.x.length > 0 ? [{ name: labels[i]!, ...d, style: { color: palette[i % palette.length], points } }] : [];
    });
  const specs: (ChartOptions & { id: string })[] = [];
  const add = (id: string, title: string, yLabel: string, series: ChartSeries[], extra: Partial<ChartOptions> = {}) => {
    if (series.length > 0) specs.push({ id, title, subtitle, xLabel: 'step', yLabel, series, legend: 'bottom', ...extra });
  };
  add('valid-loss', 'Validation loss', 'validation loss', per((r) => ({ x: r.evals.map((e) => e.step), y: r.evals.map((e) => e.loss) }), true));
  add('train-loss', 'Training loss (smoothed)', 'training loss', per((r) => ({ x: stepsOf(r), y: smoothEma(r.steps.map((s) => s.loss), smoothingFor(r.steps.length)) })));
  add('perplexity', 'Validation perplexity', 'perplexity', per((r) => ({ x: r.evals.map((e) => e.step), y: r.evals.map((e) => e.perplexity) }), true));
  add('accuracy', 'Validation token accuracy', 'token accuracy', per((r) => ({ x: r.evals.map((e) => e.step), y: r.evals.map((e) => e.tokenAccuracy) }), true), { logY: false });
  add('lr', 'Learning rate', 'learning rate', per((r) => ({ x: stepsOf(r), y: r.steps.map((s) => s.lr) })));
  add('grad-norm', 'Gradient norm (smoothed)', 'gradient norm (before clipping)', per((r) => ({ x: stepsOf(r), y: smoothEma(r.steps.map((s) => s.gradNorm), smoothingFor(r.steps.length)) })));
  return Promise.all(specs.map(async ({ id, ...o }) => ({ id, title: o.title, svg: await chartSvg(o) })));
}

/** Writes each chart as ID.svg and, unless png is false, ID.png in dir; returns the paths written. */
export function writeCharts(charts: readonly Chart[], dir: string, options: { png?: boolean } = {}): string[] {
  const written: string[] = [];
  for (const c of charts) {
    const svgPath = join(dir, `${c.id}.svg`);
    writeFileAtomic(svgPath, c.svg);
    written.push(svgPath);
    if (options.png !== false) {
      const pngPath = join(dir, `${c.id}.png`);
      writeFileAtomic(pngPath, svgToPng(c.svg));
      written.push(pngPath);
    }
  }
  return written;
}
