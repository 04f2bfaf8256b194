/**
 * A trained model on disk: `model.safetensors` (the parameters), `config.json` (what rebuilds the
 * model and says how to use it: task, architecture, vocabulary or tokenizer) and the tokenizer's
 * own file. Parameter names are PyTorch's (src/nn/pytorchNames.ts), so PyTorch's load_state_dict takes
 * the weights as they are. A run keeps it at OUT/model, a link that is switched atomically to a complete new
 * version (src/io/atomicDir.ts), so a crash never leaves one run's weights beside another's config.
 * Reading checks every field and names the file and field that are wrong.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { deserializeSafetensors, replaceDirAtomic, serializeSafetensors, type DirWriteOptions } from '../io/index.js';
import { loadWeightsFrom, TransformerLM, TransformerSeq2Seq, type LMOptions, type Seq2SeqOptions, type StateDict } from '../nn/index.js';
import { taskNames, type TaskName } from './config.js';

export const MODEL_FILE = 'model.safetensors';
export const CONFIG_FILE = 'config.json';
/** The name of the model directory inside a run's output directory. */
export const MODEL_DIR = 'model';
export const FORMAT = 'anneal.model';

const savedConfigSchema = z
  .object({
    format: z.literal(FORMAT),
    formatVersion: z.literal(2),
    task: z.enum(taskNames),
    architecture: z.enum(['seq2seq', 'lm']),
    model: z.record(z.string(), z.unknown()),
    /** numbers-to-words: the word lists (specials first). */
    vocab: z.object({ source: z.array(z.string()), target: z.array(z.string()) }).strict().optional(),
    /** The tokenizer file in the directory, for tasks on text files. */
    tokenizer: z.string().optional(),
    /** Task limits (numbers-to-words: digits), and the data the model was trained on. */
    data: z.record(z.string(), z.unknown()).default({}),
    /** How it was trained: steps, seed, which model (final or best), metrics. */
    training: z.record(z.string(), z.unknown()).optional(),
    /** The whole training config, so `anneal eval` can rebuild the task's data. */
    trainConfig: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export interface SavedModelConfig {
  format: typeof FORMAT;
  formatVersion: 2;
  task: TaskName;
  architecture: 'seq2seq' | 'lm';
  model: Seq2SeqOptions | LMOptions;
  vocab?: { source: readonly string[]; target: readonly string[] };
  tokenizer?: string;
  data: Record<string, unknown>;
  training?: Record<string, unknown>;
  trainConfig?: unknown;
}

export interface ModelDirContents {
  config: SavedModelConfig;
  weights: StateDict;
  /** Further files (the tokenizer), by name. */
  files?: Record<string, string>;
}

function withoutGenerator<T extends { generator?: unknown }>(options: T): Omit<T, 'generator'> {
  const { generator: _g, ...rest } = options;
  return rest;
}

/** Writes (or atomically replaces) the model directory at `path`. */
export function saveModelDir(path: string, contents: ModelDirContents, options: DirWriteOptions = {}): void {
  const config = { ...contents.config, model: withoutGenerator(contents.config.model) };
  replaceDirAtomic(
    path,
    {
      [MODEL_FILE]: serializeSafetensors(contents.weights, { format: FORMAT }),
      [CONFIG_FILE]: JSON.stringify(config, null, 2) + '\n',
      ...(contents.files ?? {}),
    },
    options,
  );
}

/** The directory holding config.json: `dir` itself, or a run's `dir/model`. */
export function resolveModelDir(dir: string): string {
  if (!existsSync(dir)) throw new InputError(`model directory ${dir} does not exist`, dir);
  if (!statSync(dir).isDirectory()) throw new InputError(`${dir} is not a directory (expected a model directory written by \`anneal train --out\`)`, dir);
  if (!existsSync(join(dir, CONFIG_FILE)) && existsSync(join(dir, MODEL_DIR, CONFIG_FILE))) return join(dir, MODEL_DIR);
  return dir;
}

export interface LoadedModel {
  dir: string;
  config: SavedModelConfig;
  model: TransformerSeq2Seq | TransformerLM;
  /** The text of each extra file the config names (the tokenizer). */
  files: Record<string, string>;
}

function readConfig(dir: string): SavedModelConfig {
  const path = join(dir, CONFIG_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${path} is missing: ${dir} is not a model directory written by \`anneal train --out\``, path);
    throw new InputError(`cannot read ${path}: ${code ?? (err as Error).message}`, path);
  }
  const parsed = savedConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || '(top level)';
    const hint = field === 'format' ? ` (expected "${FORMAT}": is this a model directory written by anneal?)` : '';
    throw new InputError(`${path}: field ${field}: ${issue.message}${hint}`, path);
  }
  return parsed.data as unknown as SavedModelConfig;
}

/** Loads a model directory (or a run's output directory), in eval mode. */
export function loadModelDir(dirOrRun: string): LoadedModel {
  const dir = resolveModelDir(dirOrRun);
  const config = readConfig(dir);
  const configPath = join(dir, CONFIG_FILE);
  let model: TransformerSeq2Seq | TransformerLM;
  try {
    model = config.architecture === 'seq2seq' ? new TransformerSeq2Seq(config.model as Seq2SeqOptions) : new TransformerLM(config.model as LMOptions);
  } catch (err) {
    throw new InputError(`${configPath}: field model does not describe a ${config.architecture} model: ${(err as Error).message}`, configPath);
  }
  const weightsPath = join(dir, MODEL_FILE);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(weightsPath);
  } catch (err) {
    throw new InputError(`cannot read ${weightsPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, weightsPath);
  }
  loadWeightsFrom(model, deserializeSafetensors(bytes, weightsPath).tensors, weightsPath);
  model.eval();
  const files: Record<string, string> = {};
  if (config.tokenizer) {
    const p = join(dir, config.tokenizer);
    try {
      files[config.tokenizer] = readFileSync(p, 'utf8');
    } catch (err) {
      throw new InputError(`cannot read ${p} (named by ${configPath}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, p);
    }
  }
  return { dir, config, model, files };
}

