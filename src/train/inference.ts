/**
 * Using a saved model: translating with a seq2seq model and generating with a language model, for
 * whichever task trained it. Inputs are checked first and every problem is reported at once.
 */
import { NumbersToWords } from '../data/index.js';
import { InputError } from '../errors.js';
import { TransformerSeq2Seq } from '../nn/index.js';
import type { LoadedModel } from './modelDir.js';
import { translateNumbers } from './evaluate.js';

export interface Translator {
  /** Problems with the inputs, one line each; empty when all can be translated. */
  check(inputs: readonly { text: string; where: string }[]): string[];
  translate(texts: readonly string[]): string[];
}

/** Checks each input against what a numbers model was trained on. */
export function checkNumbers(inputs: readonly { text: string; where: string }[], maxDigits: number): string[] {
  const problems: string[] = [];
  for (const { text, where } of inputs) {
    if (text.length === 0) problems.push(`${where}: empty (expected a number)`);
    else if (!/^[0-9]+$/.test(text)) problems.push(`${where}: '${text}' is not a number (only the digits 0-9 can be translated)`);
    else if (text.length > maxDigits) problems.push(`${where}: '${text}' has ${text.length} digits; this model was trained on numbers of up to ${maxDigits} digits`);
  }
  return problems;
}

/** The translator of a saved seq2seq model. */
export function translatorFor(loaded: LoadedModel): Translator {
  const { config, model } = loaded;
  if (!(model instanceof TransformerSeq2Seq)) {
    throw new InputError(`${loaded.dir} holds a ${config.task} model, which generates text rather than translating it: use \`anneal generate ${loaded.dir} --prompt TEXT\``, loaded.dir);
  }
  if (config.task === 'numbers-to-words') {
    const maxDigits = Number(config.data.maxDigits);
    const minDigits = Number(config.data.minDigits ?? 1);
    const data = new NumbersToWords({ minDigits, maxDigits, validSize: 0, testSize: 0 });
    return { check: (inputs) => checkNumbers(inputs, maxDigits), translate: (texts) => translateNumbers(model, data, texts) };
  }
  throw new InputError(`${loaded.dir}: translating a ${config.task} model is not supported`, loaded.dir);
}
