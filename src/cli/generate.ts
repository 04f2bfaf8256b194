/**
 * `anneal generate DIR --prompt TEXT [--max-new-tokens N] [--temperature T] [--top-k K] [--seed S]`:
 * continues a prompt with a language model written by `anneal train --out DIR`. Decoding keeps a
 * KV cache, so each new token costs one position, not the whole text so far.
 */
import type { Command } from 'commander';
import { loadModelDir } from '../train/index.js';
import { generateText } from '../train/inference.js';
import { UsageError } from './usage.js';

interface GenerateCliOptions {
  prompt?: string;
  maxNewTokens: string;
  temperature: string;
  topK?: string;
  seed: string;
  json?: boolean;
}

function number(value: string, flag: string, check: (n: number) => boolean, what: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`${flag} expects ${what}, got '${value}'`);
  return n;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('continue a prompt with a language model written by `anneal train --out DIR`')
    .argument('<dir>', 'model directory, or a run directory holding one')
    .requiredOption('--prompt <text>', 'the text to continue')
    .option('--max-new-tokens <n>', 'tokens to generate', '200')
    .option('--temperature <t>', 'sampling temperature; 0 always takes the most likely token', '0.8')
    .option('--top-k <k>', 'sample among the k most likely tokens only')
    .option('--seed <n>', 'seed of the sampling', '0')
    .option('--json', 'print {"prompt", "output"} as JSON')
    .action((dir: string, opts: GenerateCliOptions) => {
      const maxNewTokens = number(opts.maxNewTokens, '--max-new-tokens', (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1');
      const temperature = number(opts.temperature, '--temperature', (n) => n >= 0, 'a number >= 0');
      const topK = opts.topK === undefined ? undefined : number(opts.topK, '--top-k', (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1');
      const seed = number(opts.seed, '--seed', (n) => Number.isSafeInteger(n) && n >= 0, 'an integer >= 0');
      const prompt = opts.prompt ?? '';
      const output = generateText(loadModelDir(dir), prompt, { maxNewTokens, temperature, topK, seed });
      if (opts.json) process.stdout.write(JSON.stringify({ prompt, output }) + '\n');
      else process.stdout.write(prompt + output + '\n');
    });
}
