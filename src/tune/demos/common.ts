/**
 * What the demos share: each trains a few variants of one small numbers-to-words Transformer through
 * the trainer, from the same seed (the same initial weights and batches), each variant a normal run
 * directory under OUT; then a summary per variant, a chart of the lesson and a report over the runs.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { bestEval, finalEval, readRun, type RunData } from '../../plot/runData.js';
import { DivergenceError, train, type TrainEvent, type TrainResult } from '../../train/trainer.js';
import type { TrainConfigInput } from '../../train/config.js';
import type { Chart } from '../../plot/runCharts.js';

export interface DemoVariant {
  /** Its run directory's name under OUT. */
  id: string;
  label: string;
  config: TrainConfigInput;
}

export interface DemoOptions {
  /** Where the runs, charts, summary.json and report.html go. */
  out: string;
  /** Optimizer steps per run (each demo has its default). */
  steps?: number;
  seed?: number;
  /** Each run's training events, by variant id. */
  onEvent?: (variant: string, e: TrainEvent) => void;
  /** Draw PNGs beside the SVGs (default true). */
  png?: boolean;
  /** Held-out numbers each evaluation scores (default 500; tests use fewer). */
  validSize?: number;
}

/** One variant's outcome, as the summary table shows it. */
export interface VariantSummary {
  id: string;
  label: string;
  steps: number;
  stopReason: string;
  diverged: boolean;
  /** The last validation evaluation. */
  final: { loss: number; perplexity: number; tokenAccuracy: number; exactMatch?: number } | null;
  /** The lowest validation loss reached, and when. */
  best: { step: number; loss: number } | null;
  seconds: number;
  [extra: string]: unknown;
}

export interface DemoResult {
  demo: string;
  /** What the demo shows, in a sentence; filled in from the measured numbers. */
  lesson: string;
  variants: VariantSummary[];
  files: string[];
  seconds: number;
}

/** The numbers-to-words setup every demo starts from: the default model, smaller held-out sets, no samples. */
export function demoBase(steps: number, seed: number, validSize = 500): Record<string, unknown> {
  return {
    task: 'numbers-to-words',
    seed,
    data: { minDigits: 1, maxDigits: 6, validSize, testSize: 0 },
    model: { dModel: 32, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 128, dropout: 0 },
    training: { batchSize: 64, maxSteps: steps, evalEvery: Math.max(1, Math.round(steps / 12)), samples: 3, clipGradNorm: 1, labelSmoothing: 0.1 },
  };
}

/** Trains each variant into OUT/ID (replacing an earlier demo run there); a diverged run is kept as it ended. */
export async function trainVariants(variants: readonly DemoVariant[], options: DemoOptions): Promise<{ variant: DemoVariant; result: TrainResult | null; run: RunData; summary: VariantSummary }[]> {
  const out = [];
  for (const v of variants) {
    const dir = join(options.out, v.id);
    const started = performance.now();
    let result: TrainResult | null = null;
    let diverged = false;
    try {
      result = await train(v.config, { out: dir, overwrite: true, onEvent: options.onEvent ? (e) => options.onEvent!(v.id, e) : undefined });
    } catch (err) {
      if (!(err instanceof DivergenceError)) throw err;
      diverged = true;
    }
    const run = readRun(dir, v.label);
    const fin = finalEval(run);
    const best = bestEval(run);
    out.push({
      variant: v,
      result,
      run,
      summary: {
        id: v.id,
        label: v.label,
        steps: run.end?.step ?? run.steps.length,
        stopReason: run.end?.stopReason ?? 'unknown',
        diverged,
        final: fin ? { loss: fin.loss, perplexity: fin.perplexity, tokenAccuracy: fin.tokenAccuracy, ...(typeof fin.exactMatch === 'number' ? { exactMatch: fin.exactMatch } : {}) } : null,
        best: best ? { step: best.step, loss: best.loss } : null,
        seconds: (performance.now() - started) / 1000,
      },
    });
  }
  return out;
}

/** The summary as a text table: one row per variant, the columns given. */
export function summaryTable(rows: readonly VariantSummary[], columns: readonly [string, (r: VariantSummary) => string][]): string {
  const head = ['variant', ...columns.map((c) => c[0])];
  const body = rows.map((r) => [r.label, ...columns.map((c) => c[1](r))]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), ...body.map(line)].join('\n') + '\n';
}

/** The same table as HTML, for the report. */
export function summaryHtml(rows: readonly VariantSummary[], columns: readonly [string, (r: VariantSummary) => string][], escape: (s: string) => string): string {
  const head = `<tr><th>variant</th>${columns.map((c) => `<th>${escape(c[0])}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr><td>${escape(r.label)}</td>${columns.map((c) => `<td class="num">${escape(c[1](r))}</td>`).join('')}</tr>`);
  return `<table><thead>${head}</thead><tbody>${body.join('\n')}</tbody></table>`;
}

export const pct = (x: number | undefined) => (typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');
export const num = (x: number | undefined, d = 4) => (typeof x === 'number' && Number.isFinite(x) ? x.toPrecision(d) : '-');

/**
 * Writes the demo's own charts (SVG, PNG), the runs' overlaid charts, summary.json and a report
 * with the summary table; returns the files written.
 */
export async function writeDemo(
  options: DemoOptions,
  demo: { name: string; title: string; lesson: string; charts: Chart[]; runs: RunData[]; summary: unknown; table: string; tableHtml: (escape: (s: string) => string) => string },
): Promise<string[]> {
  const { compareRunCharts, reportHtml, writeCharts, escapeHtml } = await import('../../plot/index.js');
  const files = writeCharts(demo.charts, options.out, { png: options.png });
  const overlay = await compareRunCharts(demo.runs, demo.runs.map((r) => r.name));
  const summaryPath = join(options.out, 'summary.json');
  writeFileAtomic(summaryPath, JSON.stringify(demo.summary, null, 2) + '\n');
  const reportPath = join(options.out, 'report.html');
  writeFileAtomic(
    reportPath,
    reportHtml({
      title: demo.title,
      intro: demo.lesson,
      charts: [...demo.charts, ...overlay],
      runs: demo.runs,
      labels: demo.runs.map((r) => r.name),
      sections: [{ title: 'Summary', html: demo.tableHtml(escapeHtml) }],
    }),
  );
  return [...files, summaryPath, reportPath];
}
