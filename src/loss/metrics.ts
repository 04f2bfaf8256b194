/** Training metrics computed from logits and targets (no gradients). */
import type { Tensor } from '../tensor/index.js';

/** exp of the mean per-token loss (natural log), the usual language-model perplexity. */
export function perplexity(meanTokenLoss: number | Tensor): number {
  const v = typeof meanTokenLoss === 'number' ? meanTokenLoss : meanTokenLoss.item();
  return Math.exp(v);
}

/**
 * Fraction of positions whose argmax over the last dim equals the target, over positions whose
 * target is not ignoreIndex. Returns { correct, total, accuracy } so callers can aggregate batches.
 */
export function tokenAccuracy(logits: Tensor, target: Tensor, options: { ignoreIndex?: number } = {}): { correct: number; total: number; accuracy: number } {
  const ignoreIndex = options.ignoreIndex ?? -100;
  const C = logits.shape[logits.ndim - 1]!;
  const z = logits.values() as Float32Array;
  const y = target.values() as Int32Array;
  let correct = 0;
  let total = 0;
  for (let r = 0; r < y.length; r++) {
    if (y[r] === ignoreIndex) continue;
    total++;
    let best = 0;
    for (let c = 1; c < C; c++) if (z[r * C + c]! > z[r * C + best]!) best = c;
    if (best === y[r]) correct++;
  }
  return { correct, total, accuracy: total === 0 ? NaN : correct / total };
}
