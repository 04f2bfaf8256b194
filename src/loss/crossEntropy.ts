/**
 * Cross-entropy losses for language modelling and sequence-to-sequence training. The core op is
 * tensor/ops/crossEntropy (one fused kernel); these helpers shift and flatten sequences the way the
 * training loops need.
 */
import { crossEntropy as crossEntropyOp, type CrossEntropyOptions, type Tensor } from '../tensor/index.js';
import { crossEntropyOptions, lossOptions } from './options.js';

export type { CrossEntropyOptions, Reduction, Smoothing } from '../tensor/index.js';

/**
 * Cross-entropy of logits [N, C] or [B, T, C] (class dim last) against int32 class targets [N] or
 * [B, T], with PyTorch's labelSmoothing / ignoreIndex / reduction semantics, plus
 * smoothing: 'offTarget' for the eps/(C-1) variant.
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  return crossEntropyOp(logits, target, lossOptions(crossEntropyOptions, options, 'crossEntropy'));
}

/**
 * Next-token loss for a language model: logits [B, T, V] at positions 0..T-2 predict the ids at
 * 1..T-1 (the inputs shifted by one). Positions whose target is ignoreIndex (padding) count for nothing.
 */
export function languageModelLoss(logits: Tensor, ids: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const T = ids.shape[1]!;
  const predictions = logits.narrow(1, 0, T - 1);
  const targets = ids.narrow(1, 1, T - 1);
  return crossEntropyOp(predictions, targets, options);
}

/**
 * Teacher-forced sequence-to-sequence loss: with tgt = [<sos>, y1, ..., yn, <eos>, <pad>...], the
 * decoder reads tgt[:, :-1] and `logits` [B, T-1, V] are scored against tgt[:, 1:]. Pass the
 * padding id as ignoreIndex.
 */
export function sequenceToSequenceLoss(logits: Tensor, tgt: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const T = tgt.shape[1]!;
  return crossEntropyOp(logits, tgt.narrow(1, 1, T - 1), options);
}

/** The decoder input for teacher forcing: tgt[:, :-1]. */
export function decoderInput(tgt: Tensor): Tensor {
  return tgt.narrow(1, 0, tgt.shape[1]! - 1);
}
