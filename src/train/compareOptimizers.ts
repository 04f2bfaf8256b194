/**
 * Trains one small Transformer on the numbers-to-words task once per optimizer, through the same
 * training loop as `anneal train` and from the same seed: the same initial weights, the same batches
 * in the same order, the same loss (cross-entropy, padding ignored) and the same gradient clipping,
 * so the loss curves differ only by the optimizer. Behind `anneal compare-optimizers`; each optimizer
 * keeps a constant learning rate (Adafactor its own relative step), stated in the result.
 */
import { ConfigError } from '../errors.js';
import { manualSeed } from '../tensor/index.js';
import { parseTrainConfig, type TrainConfigInput } from './config.js';
import { createTask } from './tasks/index.js';
import { train } from './trainer.js';

export const optimizerNames = ['sgd', 'adam', 'adamw', 'adafactor'] as const;
export type OptimizerName = (typeof optimizerNames)[number];

export interface OptimizerSetting {
  label: string;
  /** The training config's optimizer fields (name aside): lr, betas, eps, weightDecay, momentum, relativeStep. */
  options: Record<string, unknown>;
}

/**
 * The learning rates with the lowest final training loss in a coarse sweep on the default setup
 * (300 steps; SGD over 0.03, 0.1, 0.3, 1; Adam over 1e-3, 3e-3, 1e-2, 3e-2, where 3e-2 diverges).
 * AdamW takes Adam's lr with PyTorch's default decay. Adafactor runs with Hugging Face's defaults:
 * no lr, a relative step of min(1e-2, 1/sqrt(t)) scaled by each parameter's RMS.
 */
const torchAdam = { betas: [0.9, 0.999], eps: 1e-8 };
export const defaultOptimizerSettings: Record<OptimizerName, OptimizerSetting> = {
  sgd: { label: 'SGD (momentum 0.9, lr 0.03)', options: { lr: 0.03, momentum: 0.9, weightDecay: 0 } },
  adam: { label: 'Adam (lr 3e-3)', options: { lr: 3e-3, weightDecay: 0, ...torchAdam } },
  adamw: { label: 'AdamW (lr 3e-3, weight decay 0.01)', options: { lr: 3e-3, weightDecay: 0.01, ...torchAdam } },
  adafactor: { label: 'Adafactor (relative step, Hugging Face defaults)', options: { relativeStep: true, weightDecay: 0 } },
};

export interface CompareOptimizersOptions {
  optimizers?: readonly OptimizerName[];
  /** Override an optimizer's label and options. */
  settings?: Partial<Record<OptimizerName, OptimizerSetting>>;
  steps?: number;
  batchSize?: number;
  seed?: number;
  model?: { dModel?: number; nhead?: number; numEncoderLayers?: number; numDecoderLayers?: number; dimFeedforward?: number };
  data?: { minDigits?: number; maxDigits?: number };
  /** Held-out numbers whose loss is measured before training and after it. */
  validSize?: number;
  /** Max global gradient norm for every optimizer; null for none. */
  clipGradNorm?: number | null;
  /** Called after every step (progress reporting). */
  onStep?: (optimizer: OptimizerName, step: number, loss: number) => void;
}

export interface OptimizerCurve {
  optimizer: OptimizerName;
  label: string;
  /** Training loss (mean per target token) at steps 1..steps, before each step's update. */
  loss: number[];
}

export interface OptimizerRow {
  optimizer: OptimizerName;
  label: string;
  options: Record<string, unknown>;
  /** Training loss of the first batch, before any update (the same for every optimizer). */
  initialLoss: number;
  /** Mean training loss over the last tenth of the steps. */
  finalLoss: number;
  /** Validation loss and token accuracy after training. */
  validLoss: number;
  validTokenAccuracy: number;
  seconds: number;
}

export interface CompareOptimizersResult {
  steps: number;
  batchSize: number;
  seed: number;
  model: Required<NonNullable<CompareOptimizersOptions['model']>> & { parameters: number };
  clipGradNorm: number | null;
  /** Validation loss of the initial model (the same for every optimizer). */
  initialValidLoss: number;
  curves: OptimizerCurve[];
  table: OptimizerRow[];
}

/** Trains the same model with each optimizer and returns every loss curve and a table of final losses. */
export async function compareOptimizers(options: CompareOptimizersOptions = {}): Promise<CompareOptimizersResult> {
  const names = options.optimizers ?? optimizerNames;
  for (const n of names) if (!optimizerNames.includes(n)) throw new ConfigError('optimizers', `unknown optimizer '${String(n)}'`, optimizerNames);
  const steps = options.steps ?? 300;
  const batchSize = options.batchSize ?? 32;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new ConfigError('steps', `must be a positive integer, got ${steps}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new ConfigError('batchSize', `must be a positive integer, got ${batchSize}`);
  const m = { dModel: 32, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 64, ...options.model };
  const clip = options.clipGradNorm === undefined ? 1 : options.clipGradNorm;
  const configFor = (name: OptimizerName, setting: OptimizerSetting): TrainConfigInput => ({
    task: 'numbers-to-words',
    seed,
    data: { minDigits: options.data?.minDigits ?? 1, maxDigits: options.data?.maxDigits ?? 6, validSize: options.validSize ?? 200, testSize: 0, seed },
    // pre-norm and no dropout: stable at a constant lr without warmup, and nothing random but the batches
    model: { ...m, dropout: 0, normFirst: true },
    optimizer: { name, ...setting.options },
    schedule: { name: 'constant' },
    training: { batchSize, maxSteps: steps, evalEvery: steps, clipGradNorm: clip, labelSmoothing: 0, samples: 0 },
  });

  // the validation loss of the initial weights, which every run starts from
  const first = parseTrainConfig(configFor(names[0]!, options.settings?.[names[0]!] ?? defaultOptimizerSettings[names[0]!]));
  const task = createTask(first);
  manualSeed(seed);
  const initial = task.buildModel();
  const initialValidLoss = task.evaluate(initial, 'valid')!.loss;

  const curves: OptimizerCurve[] = [];
  const table: OptimizerRow[] = [];
  for (const name of names) {
    const setting = options.settings?.[name] ?? defaultOptimizerSettings[name];
    const loss: number[] = [];
    const result = await train(configFor(name, setting), {
      onEvent: (e) => {
        if (e.type !== 'step') return;
        loss.push(e.loss);
        options.onStep?.(name, e.step, e.loss);
      },
    });
    const tail = loss.slice(-Math.max(1, Math.ceil(steps / 10)));
    const valid = result.history[result.history.length - 1]!;
    curves.push({ optimizer: name, label: setting.label, loss });
    table.push({
      optimizer: name, label: setting.label, options: setting.options,
      initialLoss: loss[0]!, finalLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
      validLoss: valid.loss, validTokenAccuracy: valid.tokenAccuracy, seconds: result.trainSeconds,
    });
  }
  return { steps, batchSize, seed, model: { ...m, parameters: initial.numParameters() }, clipGradNorm: clip, initialValidLoss, curves, table };
}
