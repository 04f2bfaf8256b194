/**
 * What `anneal plot` and `anneal report` write: a run's charts as SVG and PNG in OUT/plots and its
 * report in OUT/report.html, or one report overlaying several runs.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { reportHtml } from './report.js';
import { compareRunCharts, runCharts, runLabels, writeCharts } from './runCharts.js';
import { readRun } from './runData.js';

export const PLOTS_DIR = 'plots';
export const REPORT_FILE = 'report.html';

export interface PlotRunResult {
  /** The chart files written (SVG and PNG). */
  files: string[];
  report: string | null;
}

/** Draws a run's charts into DIR/plots and writes DIR/report.html (unless report is false). */
export async function plotRun(dir: string, options: { png?: boolean; report?: boolean } = {}): Promise<PlotRunResult> {
  const run = readRun(dir);
  const charts = await runCharts(run);
  const files = writeCharts(charts, join(dir, PLOTS_DIR), { png: options.png });
  let report: string | null = null;
  if (options.report !== false) {
    report = join(dir, REPORT_FILE);
    writeFileAtomic(report, reportHtml({ title: `Training run ${run.name}`, charts, runs: [run] }));
  }
  return { files, report };
}

/**
 * One report over several runs (their curves overlaid, their results side by side, the config
 * fields that differ); with a single run, that run's own charts.
 */
export async function reportRuns(dirs: readonly string[], out: string, options: { title?: string } = {}): Promise<string> {
  const runs = dirs.map((d) => readRun(d));
  const labels = runLabels(runs);
  const charts = runs.length === 1 ? await runCharts(runs[0]!) : await compareRunCharts(runs, labels);
  const title = options.title ?? (runs.length === 1 ? `Training run ${runs[0]!.name}` : `${runs.length} training runs: ${labels.join(', ')}`);
  writeFileAtomic(out, reportHtml({ title, charts, runs, labels }));
  return out;
}
