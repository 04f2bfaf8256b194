/**
 * Trains one small Transformer on the numbers-to-words task once per optimizer, from the same seed:
 * the same initial weights, the same batches in the same order, the same loss (cross-entropy, padding
 * ignored) and the same gradient clipping, so the loss curves differ only by the optimizer. Behind
 * `anneal compare-optimizers`; each optimizer keeps a constant learning rate (Adafactor its own
 * relative step), stated in the result.
 */
import { NumbersToWords } from '../data/index.js';
import { decoderInput, sequenceToSequenceLoss, tokenAccuracy } from '../loss/index.js';
import * as nn from '../nn/index.js';
import { Adafactor, Adam, AdamW, SGD, paramGroupsWithDecay } from '../optim/index.js';
import { Generator, manualSeed, noGrad } from '../tensor/index.js';
import { ConfigError } from '../errors.js';

export const optimizerNames = ['sgd', 'adam', 'adamw', 'adafactor'] as const;
export type OptimizerName = (typeof optimizerNames)[number];

export interface OptimizerSetting {
  label: string;
  /** Constructor options, in anneal's (camelCase PyTorch) names. */
  options: Record<string, unknown>;
}

/**
 * The learning rates with the lowest final training loss in a coarse sweep on the default setup
 * (300 steps; SGD over 0.03, 0.1, 0.3, 1; Adam over 1e-3, 3e-3, 1e-2, 3e-2, where 3e-2 diverges).
 * AdamW takes Adam's lr with PyTorch's default decay. Adafactor runs with Hugging Face's defaults:
 * no lr, a relative step of min(1e-2, 1/sqrt(t)) scaled by each parameter's RMS.
 */
export const defaultOptimizerSettings: Record<OptimizerName, OptimizerSetting> = {
  sgd: { label: 'SGD (momentum 0.9, lr 0.03)', options: { lr: 0.03, momentum: 0.9 } },
  adam: { label: 'Adam (lr 3e-3)', options: { lr: 3e-3 } },
  adamw: { label: 'AdamW (lr 3e-3, weight decay 0.01)', options: { lr: 3e-3, weightDecay: 0.01 } },
  adafactor: { label: 'Adafactor (relative step, Hugging Face defaults)', options: {} },
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

/** What the loop needs of an optimizer. */
interface Stepper {
  zeroGrad(): void;
  step(): unknown;
}

function makeOptimizer(name: OptimizerName, model: nn.TransformerSeq2Seq, options: Record<string, unknown>): Stepper {
  // biases, norms and embeddings get no decay where an optimizer decays at all (the trainer's groups)
  const groups = paramGroupsWithDecay(model, { weightDecay: (options.weightDecay as number | undefined) ?? 0 });
  switch (name) {
    case 'sgd': return new SGD(groups, options);
    case 'adam': return new Adam(groups, options);
    case 'adamw': return new AdamW(groups, options);
    case 'adafactor': return new Adafactor(groups, options);
  }
}

function validation(model: nn.TransformerSeq2Seq, data: NumbersToWords): { loss: number; tokenAccuracy: number } {
  return noGrad(() => {
    model.eval();
    const batch = data.batch(data.valid);
    const logits = model.forward(batch.src, decoderInput(batch.tgt));
    const pad = data.tgtVocab.padId;
    const loss = sequenceToSequenceLoss(logits, batch.tgt, { ignoreIndex: pad }).item();
    const acc = tokenAccuracy(logits, batch.tgt.narrow(1, 1, batch.tgt.shape[1]! - 1), { ignoreIndex: pad }).accuracy;
    model.train();
    return { loss, tokenAccuracy: acc };
  });
}

/** Trains the same model with each optimizer and returns every loss curve and a table of final losses. */
export function compareOptimizers(options: CompareOptimizersOptions = {}): CompareOptimizersResult {
  const names = options.optimizers ?? optimizerNames;
  for (const n of names) if (!optimizerNames.includes(n)) throw new ConfigError('optimizers', `unknown optimizer '${String(n)}'`, optimizerNames);
  const steps = options.steps ?? 300;
  const batchSize = options.batchSize ?? 32;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new ConfigError('steps', `must be a positive integer, got ${steps}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new ConfigError('batchSize', `must be a positive integer, got ${batchSize}`);
  const m = { dModel: 32, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 64, ...options.model };
  const clip = options.clipGradNorm === undefined ? 1 : options.clipGradNorm;
  const data = new NumbersToWords({ minDigits: options.data?.minDigits ?? 1, maxDigits: options.data?.maxDigits ?? 6, validSize: options.validSize ?? 200, testSize: 0, seed });
  const build = () => {
    manualSeed(seed);
    // pre-norm and no dropout: stable at a constant lr without warmup, and nothing random but the batches
    return new nn.TransformerSeq2Seq({
      srcVocabSize: data.srcVocab.size, tgtVocabSize: data.tgtVocab.size, ...m, dropout: 0, normFirst: true,
      maxLen: data.maxDigits + 2, srcPaddingIdx: data.srcVocab.padId, tgtPaddingIdx: data.tgtVocab.padId,
    });
  };
  const initial = build();
  const initialValidLoss = validation(initial, data).loss;

  const curves: OptimizerCurve[] = [];
  const table: OptimizerRow[] = [];
  for (const name of names) {
    const setting = options.settings?.[name] ?? defaultOptimizerSettings[name];
    const model = build();
    const optimizer = makeOptimizer(name, model, setting.options);
    const sampler = new Generator(seed + 1);
    const loss: number[] = [];
    const started = performance.now();
    model.train();
    for (let step = 1; step <= steps; step++) {
      const batch = data.batch(data.sampleTrain(batchSize, sampler));
      const logits = model.forward(batch.src, decoderInput(batch.tgt));
      const l = sequenceToSequenceLoss(logits, batch.tgt, { ignoreIndex: data.tgtVocab.padId });
      optimizer.zeroGrad();
      l.backward();
      if (clip !== null) nn.utils.clipGradNorm(model.parameters(), clip);
      optimizer.step();
      loss.push(l.item());
      options.onStep?.(name, step, l.item());
    }
    const seconds = (performance.now() - started) / 1000;
    const tail = loss.slice(-Math.max(1, Math.ceil(steps / 10)));
    const valid = validation(model, data);
    curves.push({ optimizer: name, label: setting.label, loss });
    table.push({
      optimizer: name, label: setting.label, options: setting.options,
      initialLoss: loss[0]!, finalLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
      validLoss: valid.loss, validTokenAccuracy: valid.tokenAccuracy, seconds,
    });
  }
  return { steps, batchSize, seed, model: { ...m, parameters: initial.numParameters() }, clipGradNorm: clip, initialValidLoss, curves, table };
}
