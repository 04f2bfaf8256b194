/**
 * `anneal eval DIR [--data FILE] [--json]`: a saved model's metrics on a dataset: a text file for a
 * language model, a TSV file for seq2seq, or without --data the held-out split it was trained with.
 */
import type { Command } from 'commander';
import { loadModelDir } from '../train/index.js';
import { evaluateSaved } from '../train/inference.js';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description("print a saved model's loss, perplexity, token accuracy (and exact match for seq2seq) on a dataset")
    .argument('<dir>', 'model directory, or a run directory holding one')
    .option('--data <file>', 'a text file (language models) or TSV file (seq2seq) to score whole; default: the held-out split of the training data')
    .option('--json', 'print the metrics as JSON')
    .action((dir: string, opts: { data?: string; json?: boolean }) => {
      const loaded = loadModelDir(dir);
      const { split, result } = evaluateSaved(loaded, opts.data);
      if (opts.json) {
        process.stdout.write(JSON.stringify({ task: loaded.config.task, split, ...result }) + '\n');
        return;
      }
      const lines = [
        `${loaded.config.task} model ${loaded.dir} on ${split} (${result.targetTokens.toLocaleString('en-US')} target tokens):`,
        `  loss ${result.loss.toPrecision(4)}  perplexity ${result.perplexity.toPrecision(4)}  token accuracy ${(100 * result.tokenAccuracy).toFixed(2)}%`,
        ...Object.entries(result.metrics).map(([k, v]) => `  ${k} ${k === 'exactMatch' ? `${(100 * v).toFixed(2)}%` : v}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
