/**
 * Using a saved model: translating with a seq2seq model, generating with a language model, and
 * scoring either on a dataset, for whichever task trained it. Inputs are checked first and every
 * problem is reported at once.
 */
import type { Tokenizer } from '../data/index.js';
import { NumbersToWords } from '../data/index.js';
import { InputError } from '../errors.js';
import { TransformerLM, TransformerSeq2Seq } from '../nn/index.js';
import { Generator, Tensor } from '../tensor/index.js';
import { parseTrainConfig, type TrainConfig } from './config.js';
import { translateNumbers } from './evaluate.js';
import type { LoadedModel } from './modelDir.js';
import type { EvalResult } from './task.js';
import { createTask, LanguageModelTask, savedTokenizer, scoreTextFile, Seq2SeqTask, translateIds } from './tasks/index.js';
import { join } from 'node:path';

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

/** The tokenizer of a saved model on text files. */
export function tokenizerOf(loaded: LoadedModel): Tokenizer {
  const name = loaded.config.tokenizer;
  if (!name) throw new InputError(`${join(loaded.dir, 'config.json')}: field tokenizer is missing`, loaded.dir);
  return savedTokenizer(loaded.files, name, join(loaded.dir, name));
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
  const tokenizer = tokenizerOf(loaded);
  const maxLen = model.options.maxLen ?? 512;
  return {
    check: (inputs) =>
      inputs.flatMap(({ text, where }) => {
        if (text.length === 0) return [`${where}: empty (expected a text to translate)`];
        const n = tokenizer.encode(text).length;
        return n > maxLen ? [`${where}: ${n} tokens; this model handles at most ${maxLen}`] : [];
      }),
    translate: (texts) => translateIds(model, tokenizer, texts.map((t) => tokenizer.encode(t)), maxLen - 1),
  };
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** 0 is greedy. */
  temperature?: number;
  topK?: number;
  seed?: number;
}

/** Continues `prompt` with a saved language model (KV-cached); returns the new text only. */
export function generateText(loaded: LoadedModel, prompt: string, options: GenerateOptions): string {
  const { model } = loaded;
  if (!(model instanceof TransformerLM)) {
    throw new InputError(`${loaded.dir} holds a ${loaded.config.task} model, which translates rather than generates: use \`anneal translate ${loaded.dir} TEXT\``, loaded.dir);
  }
  const tokenizer = tokenizerOf(loaded);
  const ids = tokenizer.encode(prompt);
  if (ids.length === 0) throw new InputError('the prompt is empty: give --prompt some text to continue');
  const out = model.generate(new Tensor(Int32Array.from(ids), [1, ids.length]), {
    maxNewTokens: options.maxNewTokens,
    temperature: options.temperature ?? 1,
    topK: options.topK,
    generator: new Generator(options.seed ?? 0),
  });
  return tokenizer.decode(Array.from(out.values() as Int32Array).slice(ids.length));
}

/** The training config a model directory recorded, for rebuilding its task's data. */
function trainConfigOf(loaded: LoadedModel): TrainConfig {
  if (!loaded.config.trainConfig) throw new InputError(`${join(loaded.dir, 'config.json')} does not record its training config, so its data cannot be rebuilt: pass --data FILE`, loaded.dir);
  try {
    return parseTrainConfig(loaded.config.trainConfig);
  } catch (err) {
    throw new InputError(`${join(loaded.dir, 'config.json')}: field trainConfig: ${(err as Error).message}`, loaded.dir);
  }
}

/**
 * Scores a saved model: on `dataPath` (a text file for language models, a TSV file for seq2seq: all
 * of it), or without it on the held-out split it was trained with (the test split for
 * numbers-to-words, the validation split otherwise).
 */
export function evaluateSaved(loaded: LoadedModel, dataPath?: string): { split: string; result: EvalResult } {
  const config = trainConfigOf(loaded);
  if (config.task === 'numbers-to-words') {
    if (dataPath) throw new InputError('numbers-to-words models are scored on their own test split; --data does not apply');
    const task = createTask(config);
    const result = task.evaluate(loaded.model, 'test') ?? task.evaluate(loaded.model, 'valid');
    if (!result) throw new InputError(`${loaded.dir}: the model was trained without a test or validation split (data.testSize and data.validSize are 0)`);
    return { split: 'test', result };
  }
  const tokenizer = tokenizerOf(loaded);
  if (config.task === 'language-model') {
    const model = loaded.model as TransformerLM;
    if (dataPath) return { split: dataPath, result: scoreTextFile(model, tokenizer, dataPath, config) };
    return { split: `validation split of ${config.data.path}`, result: new LanguageModelTask(config, { tokenizer }).evaluate(model, 'valid')! };
  }
  const model = loaded.model as TransformerSeq2Seq;
  const task = new Seq2SeqTask(config, { tokenizer, evalPath: dataPath });
  return { split: dataPath ?? `validation split of ${config.data.path}`, result: task.evaluate(model, 'valid')! };
}
