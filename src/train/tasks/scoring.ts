/** Held-out scoring shared by the tasks: the training objective, perplexity and token accuracy over batches. */
import { crossEntropy, tokenAccuracy, type Smoothing } from '../../loss/index.js';
import type { Module } from '../../nn/index.js';
import { noGrad, tidy, type Tensor } from '../../tensor/index.js';
import type { EvalResult } from '../task.js';

export interface LossOptions {
  labelSmoothing: number;
  smoothing: Smoothing;
  ignoreIndex: number;
}

/** Summed, label-smoothed cross-entropy of logits [B, T, V] against targets [B, T]. */
export function summedLoss(logits: Tensor, target: Tensor, o: LossOptions): Tensor {
  return crossEntropy(logits, target, { labelSmoothing: o.labelSmoothing, smoothing: o.smoothing, ignoreIndex: o.ignoreIndex, reduction: 'sum' });
}

/**
 * Scores a model over batches in eval mode without gradients. `forward` maps a batch to logits and
 * their targets; perplexity uses the plain cross-entropy (no smoothing), as is conventional.
 */
export function scoreBatches<B>(
  model: Module,
  batches: Iterable<B>,
  forward: (batch: B) => { logits: Tensor; target: Tensor },
  o: LossOptions,
): Omit<EvalResult, 'metrics'> {
  return noGrad(() => {
    const wasTraining = model.training;
    model.eval();
    try {
      let smoothed = 0;
      let plain = 0;
      let correct = 0;
      let tokens = 0;
      for (const batch of batches) {
        // the batch's activations go back to the backend's pool as soon as it is scored
        const r = tidy(() => {
          const { logits, target } = forward(batch);
          const acc = tokenAccuracy(logits, target, { ignoreIndex: o.ignoreIndex });
          return {
            smoothed: summedLoss(logits, target, o).item(),
            plain: o.labelSmoothing === 0 ? 0 : crossEntropy(logits, target, { ignoreIndex: o.ignoreIndex, reduction: 'sum' }).item(),
            correct: acc.correct,
            total: acc.total,
          };
        });
        smoothed += r.smoothed;
        plain += r.plain;
        correct += r.correct;
        tokens += r.total;
      }
      if (o.labelSmoothing === 0) plain = smoothed;
      return { loss: smoothed / tokens, perplexity: Math.exp(plain / tokens), tokenAccuracy: correct / tokens, targetTokens: tokens };
    } finally {
      model.train(wasTraining);
    }
  });
}
