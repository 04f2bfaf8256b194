/**
 * The training config: one JSON object whose `task` picks the data and model sections that apply
 * (fairseq's --task). Every field but a data file's path is optional, with defaults that train
 * something sensible; the defaults of a bare config train the built-in numbers-to-words example.
 * Each field carries a description (shown by the schema); a bad value is a ConfigError naming the
 * field and, for closed choices, the allowed values. Rules that tie fields together are checked
 * here too, so a config that parses is a config that runs.
 */
import { z } from 'zod';
import { isSequentialSpec, validateScheduleSpec, type ScheduleSpec } from '../lr/index.js';
import { ConfigError } from '../errors.js';
import { parseConfig } from './configErrors.js';

export const taskNames = ['numbers-to-words', 'language-model', 'seq2seq'] as const;
export type TaskName = (typeof taskNames)[number];

const positiveInt = () => z.number().int().positive();
const rate = () => z.number().min(0).max(1);
/** Adam's betas: 1 would stop the running averages from forgetting, and their bias correction divides by 1 - beta^t = 0. */
const beta = () => z.number().min(0).lt(1);

// ---- data --------------------------------------------------------------------------------------

/** Numbers this long still fit a double exactly (2^53 ~ 9.007e15 has 16 digits). */
export const MAX_DIGITS = 15;

const numbersDataSchema = z
  .object({
    minDigits: positiveInt().default(1).describe('shortest number, in digits'),
    maxDigits: positiveInt().max(MAX_DIGITS).default(6).describe(`longest number, in digits (at most ${MAX_DIGITS}, so every number is an exact integer)`),
    validSize: z.number().int().min(0).default(1000).describe('held-out numbers used for evaluation during training'),
    testSize: z.number().int().min(0).default(1000).describe('held-out numbers scored at the end'),
    trainSize: positiveInt().nullable().default(null).describe('a fixed training set of this many numbers; null draws fresh numbers every batch'),
    seed: z.number().int().min(0).default(0).describe('seed of the validation/test split (kept apart from the run seed so splits match across runs)'),
  })
  .strict();

const tokenizerSchema = z
  .object({
    type: z.enum(['char', 'byte', 'huggingface']).default('char').describe("'char': one token per character of the training text; 'byte': UTF-8 bytes; 'huggingface': a tokenizer.json (BPE, WordPiece, ...) at `path`"),
    path: z.string().min(1).optional().describe("the tokenizer.json file, for type 'huggingface'"),
  })
  .strict();

const languageModelDataSchema = z
  .object({
    path: z.string().min(1).describe('a UTF-8 text file to train on'),
    tokenizer: tokenizerSchema.prefault({}).describe('how text becomes tokens; saved in the model directory'),
    contextLength: positiveInt().default(128).describe('tokens per training window (the model sees this much context)'),
    validFraction: z.number().gt(0).lt(1).default(0.1).describe('share of the text held out for validation, a contiguous span chosen by data.seed'),
    seed: z.number().int().min(0).default(0).describe('seed of the train/validation split'),
    shuffle: z.boolean().default(true).describe('reshuffle the training windows each epoch (seeded by the run seed)'),
  })
  .strict();

const seq2seqDataSchema = z
  .object({
    path: z.string().min(1).describe('a UTF-8 TSV file of source<TAB>target lines to train on'),
    validPath: z.string().min(1).nullable().default(null).describe('a TSV file for validation; null holds out data.validFraction of data.path'),
    validFraction: z.number().gt(0).lt(1).default(0.1).describe('share of data.path held out for validation when there is no data.validPath'),
    tokenizer: tokenizerSchema.prefault({}).describe('how text becomes tokens, shared by source and target; saved in the model directory'),
    seed: z.number().int().min(0).default(0).describe('seed of the train/validation split'),
    shuffle: z.boolean().default(true).describe('reshuffle the training batches each epoch (seeded by the run seed)'),
    bucket: z.boolean().default(true).describe('batch sequences of similar length together, so batches carry less padding'),
    padToMultiple: positiveInt().default(1).describe('pad batch lengths up to a multiple of this (1: no rounding)'),
  })
  .strict();

// ---- models ------------------------------------------------------------------------------------

const commonModelFields = {
  initFrom: z.string().min(1).nullable().default(null).describe('a safetensors file (anneal\'s or PyTorch\'s parameter names) whose weights training starts from; null: the papers\' random init'),
  dropout: rate().describe('residual dropout, and the default of the other rates'),
  embeddingDropout: rate().optional().describe('dropout on embeddings + positions (default: dropout)'),
  attentionDropout: rate().optional().describe('dropout on attention weights (default: dropout)'),
  activationDropout: rate().optional().describe('dropout inside the feed-forward block (default: dropout)'),
};

const seq2seqModelSchema = (d: { dModel: number; layers: number; ff: number; dropout: number }) =>
  z
    .object({
      dModel: positiveInt().default(d.dModel).describe('width of the residual stream'),
      nhead: positiveInt().default(4).describe('attention heads (must divide dModel)'),
      numEncoderLayers: positiveInt().default(d.layers).describe('encoder layers'),
      numDecoderLayers: positiveInt().default(d.layers).describe('decoder layers'),
      dimFeedforward: positiveInt().default(d.ff).describe('inner width of the feed-forward blocks'),
      ...commonModelFields,
      dropout: commonModelFields.dropout.default(d.dropout),
      activation: z.enum(['relu', 'gelu', 'gelu_tanh']).default('relu').describe('feed-forward activation'),
      normFirst: z.boolean().default(false).describe('pre-norm instead of post-norm'),
      positional: z.enum(['sinusoidal', 'learned']).default('sinusoidal').describe('fixed sinusoidal positions or learned position embeddings'),
      tieWeights: z.boolean().default(false).describe('share the target embedding with the output projection (the head)'),
    })
    .strict();

const lmModelSchema = z
  .object({
    dModel: positiveInt().default(128).describe('width of the residual stream'),
    nhead: positiveInt().default(4).describe('attention heads (must divide dModel)'),
    numLayers: positiveInt().default(4).describe('decoder blocks'),
    dimFeedforward: positiveInt().default(512).describe('inner width of the feed-forward blocks'),
    ...commonModelFields,
    dropout: commonModelFields.dropout.default(0.1),
    activation: z.enum(['relu', 'gelu', 'gelu_tanh']).default('gelu').describe('feed-forward activation'),
    normFirst: z.boolean().default(true).describe('pre-norm (GPT-2) instead of post-norm'),
    positional: z.enum(['sinusoidal', 'learned']).default('learned').describe('learned position embeddings (GPT) or fixed sinusoidal ones'),
    tieWeights: z.boolean().default(true).describe('share the token embedding with the output projection'),
  })
  .strict();

// ---- optimizer, schedule, training -------------------------------------------------------------

export const optimizerNames = ['adamw', 'adam', 'sgd', 'adafactor'] as const;

export const optimizerSchema = z
  .object({
    name: z
      .enum(optimizerNames)
      .default('adamw')
      .describe('AdamW (decoupled weight decay), Adam (L2 added to the gradient), SGD, or Adafactor'),
    lr: z
      .number()
      .positive()
      .optional()
      .describe('base learning rate; the schedule multiplies it. Default: 1 under the noam schedule (which carries its own scale), else 1e-3 (adam, adamw, adafactor) or 0.01 (sgd)'),
    betas: z.tuple([beta(), beta()]).default([0.9, 0.98]).describe('Adam/AdamW coefficients for the running averages of the gradient and its square (each in [0, 1))'),
    eps: z.number().min(0).default(1e-9).describe('Adam/AdamW: added to the denominator for numerical stability'),
    weightDecay: z.number().min(0).default(0.01).describe('weight decay of matrices; biases, norms and positions get none'),
    momentum: z.number().min(0).default(0).describe('SGD momentum (PyTorch default 0)'),
    nesterov: z.boolean().default(false).describe('SGD: Nesterov momentum (needs momentum > 0)'),
    relativeStep: z.boolean().default(false).describe("Adafactor: Hugging Face's relative step min(1e-2, 1/sqrt(t)) instead of lr and the schedule (needs schedule.name 'constant')"),
  })
  .strict();

const convergenceSchema = z
  .object({
    window: positiveInt().default(100).describe('optimizer steps per window'),
    threshold: z.number().positive().default(0.01).describe('stop when the mean training loss of the last window differs from the window before by less than this fraction'),
  })
  .strict();

const trainingSchema = (d: { batchSize: number; maxSteps: number | null; maxEpochs: number | null; evalEvery: number; logEvery: number }) =>
  z
    .object({
      batchSize: positiveInt().default(d.batchSize).describe('sequences per micro-batch (when maxTokens is null)'),
      maxTokens: positiveInt().nullable().default(null).describe('a token budget per micro-batch instead of batchSize: sequences x padded length, padding included'),
      gradAccumSteps: positiveInt().default(1).describe('micro-batches per optimizer step; the loss is normalised by all their target tokens together'),
      maxSteps: positiveInt().nullable().default(d.maxSteps).describe('stop after this many optimizer steps'),
      maxEpochs: z.number().positive().nullable().default(d.maxEpochs).describe('stop after this many passes over the training data (used when maxSteps is null, or whichever comes first)'),
      maxTime: z.number().positive().nullable().default(null).describe('stop after this many seconds of training'),
      evalEvery: positiveInt().default(d.evalEvery).describe('optimizer steps between validation evaluations'),
      evalBatchSize: positiveInt().default(256).describe('sequences per batch during evaluation'),
      logEvery: positiveInt().default(d.logEvery).describe('optimizer steps between progress lines (metrics.jsonl gets every step)'),
      clipGradNorm: z.number().positive().nullable().default(1).describe('max global gradient norm; null disables clipping'),
      labelSmoothing: rate().default(0.1).describe('probability mass spread over the vocabulary (Szegedy et al. 2016)'),
      smoothing: z.enum(['uniform', 'offTarget']).default('uniform').describe("how it is spread: 'uniform' (PyTorch: eps/C to every class) or 'offTarget' (eps/(C-1) to each wrong class)"),
      samples: z.number().int().min(0).default(5).describe('sample outputs (translations or generated text) shown at the end'),
      patience: positiveInt().nullable().default(null).describe('early stopping: stop after this many evaluations without a validation loss better than the best by minDelta; null disables'),
      minDelta: z.number().min(0).default(0).describe('early stopping: the improvement of validation loss that counts'),
      convergence: convergenceSchema.nullable().default(null).describe('stop when the training loss stops changing; null disables'),
      targetExactMatch: rate().nullable().default(null).describe('stop once validation exact match reaches this (seq2seq tasks); null disables'),
      targetPerplexity: z.number().min(1).nullable().default(null).describe('stop once validation perplexity falls to this; null disables'),
      checkpointEvery: positiveInt().nullable().default(null).describe('optimizer steps between checkpoints in OUT/checkpoints (null: at every evaluation)'),
      keepCheckpoints: positiveInt().default(2).describe('the most recent checkpoints kept, besides the best by validation loss'),
      gradientCheckpointing: z.union([z.boolean(), z.array(z.number().int().min(0))]).default(false)
        .describe('recompute Transformer layers in backward instead of storing their activations (less memory, about one more forward): true for all, or layer indices (seq2seq: encoder layers first, then decoder layers)'),
      saveModel: z.enum(['final', 'best']).default('final').describe("which model OUT/model holds: the final one, or the best by validation loss"),
      precision: z.enum(['fp32', 'bf16', 'fp16']).default('fp32').describe("'fp32'; or mixed precision: forward and loss under autocast in 'bf16' or 'fp16' (matrix products in the half format, float32 master weights and optimizer state)"),
      lossScaling: z.boolean().nullable().default(null).describe('dynamic loss scaling (GradScaler with PyTorch\'s defaults: skips steps whose gradients overflow); null: on for fp16, off for bf16 and fp32'),
    })
    .strict();

const finetuneSchema = z
  .object({
    steps: positiveInt().describe('optimizer steps of the fine-tuning phase, after the main training'),
    lr: z.number().positive().describe('its constant learning rate'),
    dropout: rate().optional().describe('its dropout on every dropout layer (default: unchanged)'),
  })
  .strict();

const scheduleSchema = z
  .custom<ScheduleSpec>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { message: 'expected a schedule object like {"name": "cosine", "warmupSteps": 100}' })
  .describe('learning-rate schedule (see `anneal schedule --help`); a schedule that needs totalSteps gets the run\'s');

function configSchema<T extends TaskName, D extends z.ZodType, M extends z.ZodType>(
  task: T,
  data: D,
  model: M,
  defaults: { schedule: ScheduleSpec; training: Parameters<typeof trainingSchema>[0] },
) {
  return z
    .object({
      task: z.literal(task).describe(`what to train: ${taskNames.join(', ')}`),
      seed: z.number().int().min(0).default(0).describe('seeds model init, dropout and batch order'),
      data: (data as unknown as z.ZodObject).prefault({}).describe('the dataset and its splits') as unknown as z.ZodDefault<D>,
      model: (model as unknown as z.ZodObject).prefault({}).describe('the Transformer') as unknown as z.ZodDefault<M>,
      optimizer: optimizerSchema.prefault({}).describe('the optimizer; weight decay skips biases, LayerNorm and positional parameters'),
      schedule: scheduleSchema.default(defaults.schedule),
      training: trainingSchema(defaults.training).prefault({}).describe('the training loop'),
      finetune: finetuneSchema.nullable().default(null).describe('an optional phase after the main training with its own steps, learning rate and dropout'),
    })
    .strict();
}

const numbersConfigSchema = configSchema('numbers-to-words', numbersDataSchema, seq2seqModelSchema({ dModel: 32, layers: 2, ff: 128, dropout: 0 }), {
  schedule: { name: 'noam', warmupSteps: 100, factor: 0.1 },
  training: { batchSize: 64, maxSteps: 600, maxEpochs: null, evalEvery: 100, logEvery: 20 },
});
const languageModelConfigSchema = configSchema('language-model', languageModelDataSchema, lmModelSchema, {
  schedule: { name: 'cosine', warmupSteps: 100 },
  training: { batchSize: 32, maxSteps: null, maxEpochs: 3, evalEvery: 200, logEvery: 20 },
});
const seq2seqConfigSchema = configSchema('seq2seq', seq2seqDataSchema, seq2seqModelSchema({ dModel: 128, layers: 3, ff: 512, dropout: 0.1 }), {
  schedule: { name: 'cosine', warmupSteps: 100 },
  training: { batchSize: 32, maxSteps: null, maxEpochs: 3, evalEvery: 200, logEvery: 20 },
});

export const trainConfigSchemas = {
  'numbers-to-words': numbersConfigSchema,
  'language-model': languageModelConfigSchema,
  seq2seq: seq2seqConfigSchema,
} as const;

type Resolved<C> = C extends { optimizer: infer O } ? Omit<C, 'optimizer'> & { optimizer: O & { lr: number } } : never;

export type NumbersConfig = Resolved<z.output<typeof numbersConfigSchema>>;
export type LanguageModelConfig = Resolved<z.output<typeof languageModelConfigSchema>>;
export type Seq2SeqConfig = Resolved<z.output<typeof seq2seqConfigSchema>>;
/** A parsed config: every default filled in and every cross-field rule checked. */
export type TrainConfig = NumbersConfig | LanguageModelConfig | Seq2SeqConfig;
/** What a user writes: any subset of the fields. */
export type TrainConfigInput = Record<string, unknown>;
export type TrainingConfig = TrainConfig['training'];

function defaultLr(config: { optimizer: { name: string }; schedule: ScheduleSpec }): number {
  if (!isSequentialSpec(config.schedule) && config.schedule.name === 'noam') return 1;
  return config.optimizer.name === 'sgd' ? 0.01 : 1e-3;
}

/** Validates a config object, filling defaults; throws ConfigError naming the first bad field. */
export function parseTrainConfig(input: unknown): TrainConfig {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new ConfigError('(config)', `the config must be a JSON object, got ${JSON.stringify(input)}`);
  const raw = input as Record<string, unknown>;
  const task = raw.task ?? 'numbers-to-words';
  if (!(taskNames as readonly unknown[]).includes(task)) throw new ConfigError('task', `unknown task ${JSON.stringify(task)}`, taskNames);
  const schema = trainConfigSchemas[task as TaskName];
  const parsed = parseConfig(schema as z.ZodType, { ...raw, task }) as z.output<typeof numbersConfigSchema> | z.output<typeof languageModelConfigSchema> | z.output<typeof seq2seqConfigSchema>;
  const config = { ...parsed, optimizer: { ...parsed.optimizer, lr: parsed.optimizer.lr ?? defaultLr(parsed) } } as TrainConfig;
  checkCrossFields(config);
  const schedule = { ...(config.schedule as Record<string, unknown>) };
  // Noam scales by d^-0.5 of the model it trains
  if (schedule.name === 'noam' && schedule.dModel === undefined) schedule.dModel = config.model.dModel;
  validateScheduleSpec(schedule as ScheduleSpec, 'schedule');
  return { ...config, schedule: schedule as ScheduleSpec };
}

function checkCheckpointedLayers(config: TrainConfig): void {
  const layers = config.training.gradientCheckpointing;
  if (!Array.isArray(layers)) return;
  const m = config.model;
  const count = 'numLayers' in m ? m.numLayers : m.numEncoderLayers + m.numDecoderLayers;
  for (const i of layers) {
    if (i >= count) throw new ConfigError('training.gradientCheckpointing', `layer index ${i} is out of range: the model has ${count} Transformer layers (0-${count - 1}${'numLayers' in m ? '' : ', encoder layers first'})`);
  }
}

function checkCrossFields(config: TrainConfig): void {
  const { model, optimizer: o, training: t } = config;
  if (model.dModel % model.nhead !== 0) throw new ConfigError('model.nhead', `must divide model.dModel (${model.dModel}), got ${model.nhead}`);
  if (o.nesterov && !(o.momentum > 0)) throw new ConfigError('optimizer.nesterov', 'Nesterov momentum needs optimizer.momentum > 0');
  if (o.nesterov && o.name !== 'sgd') throw new ConfigError('optimizer.nesterov', `applies to sgd only, not ${o.name}`);
  if (o.relativeStep) {
    if (o.name !== 'adafactor') throw new ConfigError('optimizer.relativeStep', `applies to adafactor only, not ${o.name}`);
    if (isSequentialSpec(config.schedule) || config.schedule.name !== 'constant') {
      throw new ConfigError('schedule.name', "Adafactor's relative step sets its own learning rate: use {\"name\": \"constant\"} with optimizer.relativeStep", ['constant']);
    }
  }
  checkCheckpointedLayers(config);
  if (t.maxSteps === null && t.maxEpochs === null) throw new ConfigError('training.maxSteps', 'set training.maxSteps or training.maxEpochs (both are null, so the run would never end)');
  if (config.task === 'numbers-to-words') {
    const d = config.data;
    if (d.minDigits > d.maxDigits) throw new ConfigError('data.minDigits', `must not exceed data.maxDigits (${d.maxDigits}), got ${d.minDigits}`);
    const count = (k: number) => (k === 1 ? 10 : 9 * 10 ** (k - 1));
    let available = 0;
    let holdable = 0;
    for (let k = d.minDigits; k <= d.maxDigits; k++) {
      available += count(k);
      holdable += Math.floor(count(k) / 2);
    }
    if (d.validSize + d.testSize > holdable) {
      throw new ConfigError(
        'data.validSize',
        `${d.validSize} validation + ${d.testSize} test numbers do not fit: numbers of ${d.minDigits}-${d.maxDigits} digits allow ${holdable} held out (half of each length)`,
      );
    }
    if (d.trainSize !== null && d.validSize + d.testSize + d.trainSize > available) {
      throw new ConfigError('data.trainSize', `${d.trainSize} training numbers do not fit beside ${d.validSize + d.testSize} held-out ones among the ${available} numbers of ${d.minDigits}-${d.maxDigits} digits`);
    }
    if (d.trainSize === null && t.maxEpochs !== null && t.maxSteps === null) {
      throw new ConfigError('training.maxEpochs', 'fresh numbers are drawn for every batch (data.trainSize is null), so there are no epochs: set training.maxSteps, or data.trainSize');
    }
    if (t.targetExactMatch !== null && d.validSize === 0) throw new ConfigError('training.targetExactMatch', 'needs a validation set (data.validSize > 0)');
  }
  if (config.task === 'language-model') {
    if (t.targetExactMatch !== null) throw new ConfigError('training.targetExactMatch', 'applies to seq2seq tasks; a language model can stop at training.targetPerplexity');
    if (t.maxTokens !== null && t.maxTokens < config.data.contextLength) {
      throw new ConfigError('training.maxTokens', `must hold at least one window of data.contextLength (${config.data.contextLength}) tokens, got ${t.maxTokens}`);
    }
  }
  if (config.task !== 'language-model' && config.data && 'tokenizer' in config.data) {
    const tok = config.data.tokenizer;
    if (tok.type === 'huggingface' && !tok.path) throw new ConfigError('data.tokenizer.path', "is required with data.tokenizer.type 'huggingface'");
  }
  if (config.task === 'language-model') {
    const tok = config.data.tokenizer;
    if (tok.type === 'huggingface' && !tok.path) throw new ConfigError('data.tokenizer.path', "is required with data.tokenizer.type 'huggingface'");
  }
  if (config.training.maxSteps !== null) checkScheduleLength(config.schedule, config.training.maxSteps, 'training.maxSteps');
}

/**
 * A decaying schedule whose own totalSteps ends before the run does would misbehave past its end:
 * Hugging Face's cosine climbs back up and PyTorch's OneCycleLR raises. Only explicit lengths are
 * checked here; a schedule that takes the run's length gets it from the trainer.
 */
export function checkScheduleLength(s: ScheduleSpec, maxSteps: number, what: string): void {
  if (isSequentialSpec(s)) return;
  const spec = s as Record<string, unknown>;
  const total = typeof spec.totalSteps === 'number' ? spec.totalSteps : null;
  if (total !== null && total < maxSteps && (s.name === 'cosine' || s.name === 'cosine_with_min_lr' || s.name === 'OneCycleLR')) {
    throw new ConfigError(
      'schedule.totalSteps',
      `${total} is shorter than the run (${what}: ${maxSteps} steps): ${s.name === 'OneCycleLR' ? 'OneCycleLR cannot step past its end' : 'the cosine would climb back up'}. Leave schedule.totalSteps out to use the run's length, or make it at least ${maxSteps}`,
    );
  }
  if (s.name === 'CosineAnnealingLR' && typeof spec.tMax === 'number' && spec.tMax < maxSteps) {
    throw new ConfigError('schedule.tMax', `${spec.tMax} is shorter than the run (${what}: ${maxSteps} steps): past tMax CosineAnnealingLR climbs back up; make it at least ${maxSteps}, or use CosineAnnealingWarmRestarts for restarts`);
  }
}

/** A line for the user when a schedule with its own length ends before the run does (its LR then stays at its final value). */
export function scheduleWarning(s: ScheduleSpec, runSteps: number): string | null {
  if (isSequentialSpec(s)) return null;
  const total = (s as Record<string, unknown>).totalSteps;
  if (typeof total !== 'number' || total >= runSteps) return null;
  return `schedule.totalSteps (${total}) ends before the run's ${runSteps} steps: the learning rate stays at the schedule's final value for the last ${runSteps - total} steps`;
}
