/**
 * The training config: one JSON object, every field optional with the default that trains the
 * built-in numbers-to-words example. Each field carries a description (shown by the schema); a bad
 * value is a ConfigError naming the field and, for closed choices, the allowed values.
 */
import { z } from 'zod';
import { validateScheduleSpec, type ScheduleSpec } from '../lr/index.js';
import { ConfigError } from '../errors.js';
import { parseConfig } from './configErrors.js';

const positiveInt = () => z.number().int().positive();
const rate = () => z.number().min(0).max(1);

export const dataSchema = z
  .object({
    task: z.enum(['numbers-to-words']).default('numbers-to-words').describe('the built-in dataset'),
    minDigits: positiveInt().default(1).describe('shortest number, in digits'),
    maxDigits: positiveInt().default(6).describe('longest number, in digits'),
    validSize: z.number().int().min(0).default(1000).describe('held-out numbers used for evaluation during training'),
    testSize: z.number().int().min(1).default(1000).describe('held-out numbers scored at the end'),
    trainSize: positiveInt().nullable().default(null).describe('a fixed training set of this many numbers; null draws fresh numbers every batch'),
    seed: z.number().int().min(0).default(0).describe('seed of the validation/test split (kept apart from the run seed so splits match across runs)'),
  })
  .strict();

export const modelSchema = z
  .object({
    dModel: positiveInt().default(32).describe('width of the residual stream'),
    nhead: positiveInt().default(4).describe('attention heads (must divide dModel)'),
    numEncoderLayers: positiveInt().default(2).describe('encoder layers'),
    numDecoderLayers: positiveInt().default(2).describe('decoder layers'),
    dimFeedforward: positiveInt().default(128).describe('inner width of the feed-forward blocks'),
    dropout: rate().default(0).describe('residual dropout, and the default of the other rates (0: the data never repeats)'),
    embeddingDropout: rate().optional().describe('dropout on embeddings + positions'),
    attentionDropout: rate().optional().describe('dropout on attention weights'),
    activationDropout: rate().optional().describe('dropout inside the feed-forward block'),
    activation: z.enum(['relu', 'gelu', 'gelu_tanh']).default('relu').describe('feed-forward activation'),
    normFirst: z.boolean().default(false).describe('pre-norm instead of post-norm'),
    positional: z.enum(['sinusoidal', 'learned']).default('sinusoidal').describe('fixed sinusoidal positions or learned position embeddings'),
    tieOutput: z.boolean().default(false).describe('share the target embedding with the output projection'),
  })
  .strict();

export const optimizerSchema = z
  .object({
    name: z
      .enum(['adamw', 'adam', 'sgd', 'adafactor'])
      .default('adamw')
      .describe('AdamW (decoupled weight decay), Adam (L2 added to the gradient), SGD, or Adafactor with an external LR (relativeStep off)'),
    lr: z.number().positive().default(1).describe('base learning rate; the schedule multiplies it (Noam is meant with 1)'),
    betas: z.tuple([rate(), rate()]).default([0.9, 0.98]).describe('Adam/AdamW coefficients for the running averages of the gradient and its square'),
    eps: z.number().min(0).default(1e-9).describe('Adam/AdamW: added to the denominator for numerical stability'),
    weightDecay: z.number().min(0).default(0.01).describe('weight decay of matrices; biases, norms and positions get none'),
    momentum: z.number().min(0).default(0).describe('SGD momentum (PyTorch default 0)'),
    nesterov: z.boolean().default(false).describe('SGD: Nesterov momentum (needs momentum > 0)'),
  })
  .strict();

export const trainingSchema = z
  .object({
    batchSize: positiveInt().default(64).describe('numbers per training batch'),
    maxSteps: positiveInt().default(600).describe('optimizer steps to train for'),
    evalEvery: positiveInt().default(100).describe('steps between validation evaluations'),
    logEvery: positiveInt().default(20).describe('steps between progress lines'),
    clipGradNorm: z.number().positive().nullable().default(1).describe('max global gradient norm; null disables clipping'),
    labelSmoothing: rate().default(0.1).describe('probability mass spread over the vocabulary (Szegedy et al. 2016)'),
    smoothing: z.enum(['uniform', 'offTarget']).default('uniform').describe("how it is spread: 'uniform' (PyTorch: eps/C to every class) or 'offTarget' (eps/(C-1) to each wrong class)"),
    samples: z.number().int().min(0).default(5).describe('test translations printed at the end'),
    targetExactMatch: rate().nullable().default(null).describe('stop once validation exact match reaches this (a convergence criterion); null trains for maxSteps'),
  })
  .strict();

const scheduleSchema = z
  .custom<ScheduleSpec>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { message: 'expected a schedule object like {"name": "noam", "warmupSteps": 100}' })
  .describe('learning-rate schedule (see `anneal schedule`)');

export const trainConfigSchema = z
  .object({
    seed: z.number().int().min(0).default(0).describe('seeds model init, dropout and batch sampling'),
    data: dataSchema.prefault({}).describe('the dataset and its splits'),
    model: modelSchema.prefault({}).describe('the encoder-decoder Transformer'),
    optimizer: optimizerSchema.prefault({}).describe('the optimizer; weight decay skips biases, LayerNorm and positional parameters'),
    schedule: scheduleSchema.default({ name: 'noam', warmupSteps: 100, factor: 0.1 }),
    training: trainingSchema.prefault({}).describe('the training loop'),
  })
  .strict();

export type TrainConfig = z.output<typeof trainConfigSchema>;
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/** Validates a config object, filling defaults; throws ConfigError naming the first bad field. */
export function parseTrainConfig(input: unknown): TrainConfig {
  const config = parseConfig(trainConfigSchema, input ?? {});
  if (config.model.dModel % config.model.nhead !== 0) {
    throw new ConfigError('model.nhead', `must divide model.dModel (${config.model.dModel}), got ${config.model.nhead}`);
  }
  if (config.data.minDigits > config.data.maxDigits) {
    throw new ConfigError('data.minDigits', `must not exceed data.maxDigits (${config.data.maxDigits}), got ${config.data.minDigits}`);
  }
  const schedule = { ...(config.schedule as Record<string, unknown>) };
  // Noam scales by d^-0.5 of the model it trains
  if (schedule.name === 'noam' && schedule.dModel === undefined) schedule.dModel = config.model.dModel;
  validateScheduleSpec(schedule as ScheduleSpec, 'schedule');
  return { ...config, schedule: schedule as ScheduleSpec };
}
