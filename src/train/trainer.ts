/**
 * Trains an encoder-decoder Transformer on the numbers-to-words task: AdamW with weight-decay groups,
 * a learning-rate schedule stepped once per optimizer step, label-smoothed cross-entropy with
 * padding ignored, and global gradient-norm clipping. The loop reports through events, so the CLI
 * can draw progress bars or print JSON without the trainer knowing.
 */
import { NumbersToWords } from '../data/index.js';
import { decoderInput, sequenceToSequenceLoss, tokenAccuracy } from '../loss/index.js';
import { LRScheduler, type SchedulableOptimizer } from '../lr/index.js';
import * as nn from '../nn/index.js';
import { Adafactor, Adam, AdamW, paramGroupsWithDecay, SGD, type Optimizer } from '../optim/index.js';
import { Generator, manualSeed, noGrad } from '../tensor/index.js';
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from './config.js';
import { exactMatch, translateNumbers } from './evaluate.js';

export type TrainEvent =
  | { type: 'start'; config: TrainConfig; parameters: number; trainable: number }
  | { type: 'step'; step: number; maxSteps: number; loss: number; tokenAccuracy: number; lr: number; gradNorm: number; tokensPerSecond: number; elapsedSeconds: number }
  | { type: 'eval'; step: number; split: 'valid'; loss: number; exactMatch: number; elapsedSeconds: number }
  | { type: 'end'; steps: number; elapsedSeconds: number; stopReason: string };

export interface Sample {
  input: string;
  output: string;
  expected: string;
}

export interface TrainResult {
  config: TrainConfig;
  model: nn.TransformerSeq2Seq;
  data: NumbersToWords;
  steps: number;
  /** Seconds in training steps (excluding evaluation). */
  trainSeconds: number;
  /** Seconds from the first step to the end of training, evaluations included. */
  elapsedSeconds: number;
  test: { correct: number; total: number; exactMatch: number };
  samples: Sample[];
}

export interface TrainHooks {
  onEvent?: (event: TrainEvent) => void;
}

/** Builds the model the config describes (after seeding, so init is reproducible). */
export function buildModel(config: TrainConfig, data: NumbersToWords): nn.TransformerSeq2Seq {
  const m = config.model;
  return new nn.TransformerSeq2Seq({
    srcVocabSize: data.srcVocab.size,
    tgtVocabSize: data.tgtVocab.size,
    dModel: m.dModel,
    nhead: m.nhead,
    numEncoderLayers: m.numEncoderLayers,
    numDecoderLayers: m.numDecoderLayers,
    dimFeedforward: m.dimFeedforward,
    dropout: m.dropout,
    embeddingDropout: m.embeddingDropout,
    attentionDropout: m.attentionDropout,
    activationDropout: m.activationDropout,
    activation: m.activation,
    normFirst: m.normFirst,
    positional: m.positional,
    tieOutput: m.tieOutput,
    maxLen: data.maxDigits + 2,
    srcPaddingIdx: data.srcVocab.padId,
    tgtPaddingIdx: data.tgtVocab.padId,
  });
}

/** The configured optimizer over the model's weight-decay groups (biases, norms and positions get none). */
export function buildOptimizer(config: TrainConfig, model: nn.Module): Optimizer<{ lr: number | null }> {
  const o = config.optimizer;
  const groups = paramGroupsWithDecay(model, { weightDecay: o.weightDecay });
  switch (o.name) {
    case 'adamw': return new AdamW(groups, { lr: o.lr, betas: o.betas, eps: o.eps });
    case 'adam': return new Adam(groups, { lr: o.lr, betas: o.betas, eps: o.eps });
    case 'sgd': return new SGD(groups, { lr: o.lr, momentum: o.momentum, nesterov: o.nesterov });
    // with an external schedule, as Hugging Face recommends for fine-tuning: fixed lr, no parameter scaling
    case 'adafactor': return new Adafactor(groups, { lr: o.lr, relativeStep: false, scaleParameter: false, warmupInit: false });
  }
}

/** Mean validation loss (label smoothing as in training) over the whole validation set. */
function validationLoss(model: nn.TransformerSeq2Seq, data: NumbersToWords, config: TrainConfig): number {
  return noGrad(() => {
    const wasTraining = model.training;
    model.eval();
    let total = 0;
    let tokens = 0;
    for (let i = 0; i < data.valid.length; i += 500) {
      const batch = data.batch(data.valid.slice(i, i + 500));
      const logits = model.forward(batch.src, decoderInput(batch.tgt));
      const loss = sequenceToSequenceLoss(logits, batch.tgt, { labelSmoothing: config.training.labelSmoothing, smoothing: config.training.smoothing, ignoreIndex: data.tgtVocab.padId, reduction: 'sum' });
      total += loss.item();
      tokens += batch.numTargetTokens;
    }
    model.train(wasTraining);
    return total / tokens;
  });
}

export function train(input: TrainConfigInput | TrainConfig, hooks: TrainHooks = {}): TrainResult {
  const config = parseTrainConfig(input);
  const emit = hooks.onEvent ?? (() => undefined);
  const t = config.training;
  const data = new NumbersToWords({
    minDigits: config.data.minDigits,
    maxDigits: config.data.maxDigits,
    validSize: config.data.validSize,
    testSize: config.data.testSize,
    trainSize: config.data.trainSize,
    seed: config.data.seed,
  });
  manualSeed(config.seed);
  const model = buildModel(config, data);
  const sampler = new Generator(config.seed + 1);
  const optimizer = buildOptimizer(config, model);
  const scheduler = new LRScheduler(optimizer as SchedulableOptimizer, config.schedule, { context: { totalSteps: t.maxSteps } });
  emit({ type: 'start', config, parameters: model.numParameters(), trainable: model.numParameters({ trainableOnly: true }) });

  const started = performance.now();
  let trainMs = 0;
  let windowTokens = 0;
  let windowMs = 0;
  let step = 0;
  let stopReason = 'reached training.maxSteps';
  model.train();
  while (step < t.maxSteps) {
    const stepStart = performance.now();
    const batch = data.batch(data.sampleTrain(t.batchSize, sampler));
    const logits = model.forward(batch.src, decoderInput(batch.tgt));
    const loss = sequenceToSequenceLoss(logits, batch.tgt, { labelSmoothing: t.labelSmoothing, smoothing: t.smoothing, ignoreIndex: data.tgtVocab.padId });
    optimizer.zeroGrad();
    loss.backward();
    const gradNorm = t.clipGradNorm === null ? nn.utils.totalNorm(model.parameters().flatMap((p) => (p.grad ? [p.grad] : []))) : nn.utils.clipGradNorm(model.parameters(), t.clipGradNorm);
    const lr = optimizer.paramGroups[0]!.lr ?? NaN;
    optimizer.step();
    scheduler.step();
    step++;
    const ms = performance.now() - stepStart;
    trainMs += ms;
    windowMs += ms;
    windowTokens += batch.numTargetTokens;
    if (step % t.logEvery === 0 || step === t.maxSteps) {
      const acc = tokenAccuracy(logits, batch.tgt.narrow(1, 1, batch.tgt.shape[1]! - 1), { ignoreIndex: data.tgtVocab.padId });
      emit({
        type: 'step', step, maxSteps: t.maxSteps, loss: loss.item(), tokenAccuracy: acc.accuracy, lr, gradNorm,
        tokensPerSecond: windowTokens / (windowMs / 1000), elapsedSeconds: (performance.now() - started) / 1000,
      });
      windowTokens = 0;
      windowMs = 0;
    }
    if (data.valid.length > 0 && (step % t.evalEvery === 0 || step === t.maxSteps)) {
      const valid = exactMatch(model, data, data.valid);
      emit({ type: 'eval', step, split: 'valid', loss: validationLoss(model, data, config), exactMatch: valid.exactMatch, elapsedSeconds: (performance.now() - started) / 1000 });
      if (t.targetExactMatch !== null && valid.exactMatch >= t.targetExactMatch) {
        stopReason = `validation exact match ${valid.exactMatch} reached the target ${t.targetExactMatch}`;
        break;
      }
    }
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  emit({ type: 'end', steps: step, elapsedSeconds, stopReason });
  const test = exactMatch(model, data, data.test);
  const shown = data.test.slice(0, t.samples);
  const outputs = translateNumbers(model, data, shown);
  const samples = shown.map((n, i) => ({ input: n, output: outputs[i]!, expected: data.tgtVocab.decode(data.encodeTarget(n)).join(' ') }));
  return { config, model, data, steps: step, trainSeconds: trainMs / 1000, elapsedSeconds, test, samples };
}
