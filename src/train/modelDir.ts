/**
 * A trained model on disk: `model.safetensors` (parameters) and `config.json` (everything needed to
 * rebuild it: architecture, vocabularies, task limits, and how it was trained). Both are written
 * atomically; reading names the path that is missing or malformed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { loadSafetensors, saveSafetensors, writeFileAtomic } from '../io/index.js';
import { TransformerSeq2Seq, type Seq2SeqOptions } from '../nn/index.js';
import { NumbersToWords } from '../data/index.js';

export const MODEL_FILE = 'model.safetensors';
export const CONFIG_FILE = 'config.json';
export const FORMAT = 'anneal.seq2seq';

export interface SavedModelConfig {
  format: typeof FORMAT;
  formatVersion: 1;
  task: 'numbers-to-words';
  model: Seq2SeqOptions;
  data: { minDigits: number; maxDigits: number };
  vocab: { source: readonly string[]; target: readonly string[] };
  training?: Record<string, unknown>;
}

export function saveModelDir(dir: string, model: TransformerSeq2Seq, data: NumbersToWords, training: Record<string, unknown> = {}): void {
  const { generator: _g, ...modelOptions } = model.options;
  const config: SavedModelConfig = {
    format: FORMAT,
    formatVersion: 1,
    task: 'numbers-to-words',
    model: modelOptions,
    data: { minDigits: data.minDigits, maxDigits: data.maxDigits },
    vocab: { source: data.srcVocab.tokens, target: data.tgtVocab.tokens },
    training,
  };
  // parameters first: a config.json present means its weights are complete
  saveSafetensors(join(dir, MODEL_FILE), model.stateDict(), { format: FORMAT });
  writeFileAtomic(join(dir, CONFIG_FILE), JSON.stringify(config, null, 2) + '\n');
}

export interface LoadedModel {
  model: TransformerSeq2Seq;
  data: NumbersToWords;
  config: SavedModelConfig;
}

export function loadModelDir(dir: string): LoadedModel {
  if (!existsSync(dir)) throw new InputError(`model directory ${dir} does not exist`, dir);
  if (!statSync(dir).isDirectory()) throw new InputError(`${dir} is not a directory (expected a model directory written by \`anneal train --out\`)`, dir);
  const configPath = join(dir, CONFIG_FILE);
  let config: SavedModelConfig;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8')) as SavedModelConfig;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${configPath} is missing: ${dir} is not a model directory written by \`anneal train --out\`` : `cannot read ${configPath}: ${code ?? (err as Error).message}`, configPath);
  }
  if (config.format !== FORMAT) throw new InputError(`${configPath}: unknown format ${JSON.stringify(config.format)} (expected ${FORMAT})`, configPath);
  const model = new TransformerSeq2Seq(config.model);
  let tensors;
  try {
    tensors = loadSafetensors(join(dir, MODEL_FILE)).tensors;
  } catch (err) {
    throw new InputError((err as Error).message, join(dir, MODEL_FILE));
  }
  model.loadStateDict(tensors);
  model.eval();
  const data = new NumbersToWords({ minDigits: config.data.minDigits, maxDigits: config.data.maxDigits, validSize: 0, testSize: 1 });
  return { model, data, config };
}
