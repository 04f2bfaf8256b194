/**
 * `anneal translate DIR NUMBER... | --input FILE`: greedy translation with a model written by
 * `anneal train --out DIR`, one output line per input. Every input is checked before any is
 * translated; lines the model cannot read are reported on stderr by line number, with exit code 2.
 */
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { loadModelDir, translateNumbers } from '../train/index.js';
import { readTextFile } from './files.js';
import { UsageError } from './usage.js';

interface TranslateOptions {
  input?: string;
  json?: boolean;
}

/** Checks each input against what the model was trained on; returns the problems, one per bad input. */
export function checkNumbers(inputs: readonly { text: string; where: string }[], maxDigits: number): string[] {
  const problems: string[] = [];
  for (const { text, where } of inputs) {
    if (text.length === 0) problems.push(`${where}: empty (expected a number)`);
    else if (!/^[0-9]+$/.test(text)) problems.push(`${where}: '${text}' is not a number (only the digits 0-9 can be translated)`);
    else if (text.length > maxDigits) problems.push(`${where}: '${text}' has ${text.length} digits; this model was trained on numbers of up to ${maxDigits} digits`);
  }
  return problems;
}

function readLines(path: string): string[] {
  const text = readTextFile(path, 'input file');
  const lines = text.split('\n');
  // a final newline ends the last line; it does not start an empty one
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.replace(/\r$/, ''));
}

export function registerTranslate(program: Command): void {
  program
    .command('translate')
    .alias('generate')
    .description('translate numbers to words with a model written by `anneal train --out DIR`')
    .argument('<dir>', 'model directory')
    .argument('[numbers...]', 'numbers to translate')
    .option('--input <file>', "translate one number per line of this file ('-' for stdin)")
    .option('--json', 'print [{"input", "output"}, ...] as JSON')
    .action((dir: string, numbers: string[], opts: TranslateOptions) => {
      if (opts.input && numbers.length > 0) throw new UsageError('give numbers as arguments or --input FILE, not both');
      if (!opts.input && numbers.length === 0) throw new UsageError('nothing to translate: give numbers as arguments or --input FILE');
      const inputs = opts.input
        ? readLines(opts.input).map((line, i) => ({ text: line.trim(), where: `${opts.input === '-' ? 'stdin' : opts.input}: line ${i + 1}` }))
        : numbers.map((n, i) => ({ text: n.trim(), where: `argument ${i + 1}` }));
      const { model, data } = loadModelDir(dir);
      const problems = checkNumbers(inputs, data.maxDigits);
      if (problems.length > 0) throw new InputError(problems.join('\n'));
      const outputs = translateNumbers(model, data, inputs.map((x) => x.text));
      if (opts.json) {
        process.stdout.write(JSON.stringify(inputs.map((x, i) => ({ input: x.text, output: outputs[i] }))) + '\n');
        return;
      }
      process.stdout.write(outputs.map((o) => o + '\n').join(''));
    });
}
