/**
 * `anneal translate DIR INPUT... | --input FILE`: greedy translation with a seq2seq model written by
 * `anneal train --out DIR` (numbers-to-words or a TSV-trained model), one output line per input.
 * Every input is checked before any is translated; problems are reported on stderr by line number,
 * with exit code 2.
 */
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { loadModelDir } from '../train/index.js';
import { translatorFor } from '../train/inference.js';
import { readTextFile } from './files.js';
import { UsageError } from './usage.js';

interface TranslateOptions {
  input?: string;
  json?: boolean;
}

export { checkNumbers } from '../train/inference.js';

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
    .description('translate with a seq2seq model written by `anneal train --out DIR` (numbers-to-words or a TSV task)')
    .argument('<dir>', 'model directory, or a run directory holding one')
    .argument('[inputs...]', 'texts to translate')
    .option('--input <file>', "translate each line of this file ('-' for stdin)")
    .option('--json', 'print [{"input", "output"}, ...] as JSON')
    .action((dir: string, texts: string[], opts: TranslateOptions) => {
      if (opts.input && texts.length > 0) throw new UsageError('give inputs as arguments or --input FILE, not both');
      if (!opts.input && texts.length === 0) throw new UsageError('nothing to translate: give inputs as arguments or --input FILE');
      const inputs = opts.input
        ? readLines(opts.input).map((line, i) => ({ text: line.trim(), where: `${opts.input === '-' ? 'stdin' : opts.input}: line ${i + 1}` }))
        : texts.map((n, i) => ({ text: n.trim(), where: `argument ${i + 1}` }));
      const translator = translatorFor(loadModelDir(dir));
      const problems = translator.check(inputs);
      if (problems.length > 0) throw new InputError(problems.join('\n'));
      const outputs = translator.translate(inputs.map((x) => x.text));
      if (opts.json) {
        process.stdout.write(JSON.stringify(inputs.map((x, i) => ({ input: x.text, output: outputs[i] }))) + '\n');
        return;
      }
      process.stdout.write(outputs.map((o) => o + '\n').join(''));
    });
}
