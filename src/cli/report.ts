/**
 * `anneal report OUT1 [OUT2 ...]`: one self-contained HTML page (no scripts, nothing loaded from the
 * network) with the runs' charts overlaid, their final metrics and stop reasons, the config fields
 * that differ, samples and configs.
 */
import type { Command } from 'commander';
import { join } from 'node:path';

interface ReportCliOptions {
  out?: string;
  title?: string;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write one self-contained HTML report over one or several runs: their curves overlaid, final metrics, stop reasons, config differences and samples')
    .argument('<runs...>', 'run directories (anneal train --out OUT)')
    .option('--out <file>', 'the HTML file to write (default: OUT/report.html for one run, report.html for several)')
    .option('--title <text>', 'the page title')
    .action(async (runs: string[], opts: ReportCliOptions) => {
      const { reportRuns } = await import('../plot/index.js');
      const out = opts.out ?? (runs.length === 1 ? join(runs[0]!, 'report.html') : 'report.html');
      await reportRuns(runs, out, { title: opts.title });
      process.stdout.write(`${out}\n`);
    });
}
