/**
 * `anneal plot OUT`: a run's charts (loss, perplexity, accuracy, learning rate, norms, loss scale)
 * as SVG and PNG in OUT/plots, and OUT/report.html. `anneal train --out` calls it at the end; the
 * chart library is imported only here, so a run that is not plotted never loads it.
 */
import type { Command } from 'commander';

interface PlotCliOptions {
  png: boolean;
  report: boolean;
  quiet?: boolean;
}

/** Plots a finished (or stopped) run; a failure to draw is a warning, never a failed training run. */
export async function plotAfterTraining(out: string, quiet: boolean): Promise<void> {
  try {
    const { plotRun } = await import('../plot/index.js');
    const result = await plotRun(out);
    if (!quiet) process.stderr.write(`charts written to ${out}/plots, report to ${result.report} (skip with --no-plot)\n`);
  } catch (err) {
    process.stderr.write(`anneal: warning: could not draw the run's charts: ${(err as Error).message}\n`);
  }
}

export function registerPlot(program: Command): void {
  program
    .command('plot')
    .description("draw a run's charts against steps (loss and validation loss, perplexity, accuracy, learning rate, gradient and parameter norms, loss scale when logged) into OUT/plots as SVG and PNG, and write OUT/report.html")
    .argument('<out>', 'a run directory (anneal train --out OUT)')
    .option('--no-png', 'SVG only')
    .option('--no-report', 'charts only, no report.html')
    .option('--quiet', 'print nothing')
    .action(async (out: string, opts: PlotCliOptions) => {
      const { plotRun } = await import('../plot/index.js');
      const result = await plotRun(out, { png: opts.png, report: opts.report });
      if (!opts.quiet) {
        for (const f of result.files) process.stdout.write(`${f}\n`);
        if (result.report) process.stdout.write(`${result.report}\n`);
      }
    });
}
