/** Training metrics computed from logits and targets (no gradients). */
import { ShapeError, type Tensor } from '../tensor/index.js';
import { ConfigError } from '../errors.js';

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

/** One equal-width confidence bin of calibrationError: (lower, upper], its positions, mean confidence and accuracy (0 when empty). */
export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  confidence: number;
  accuracy: number;
}

export interface CalibrationOptions {
  /** Equal-width bins over [0, 1] (Guo et al. use 15). */
  numBins?: number;
  /** Target value of positions to leave out (padding); PyTorch's default -100. */
  ignoreIndex?: number;
  /** 'l1': expected calibration error (ECE); 'l2': its root-mean-square form; 'max': the maximum calibration error (MCE). */
  norm?: 'l1' | 'l2' | 'max';
}

/**
 * Calibration of the max-softmax confidence (Guo et al. 2017, "On Calibration of Modern Neural
 * Networks"): positions are binned by confidence into numBins equal-width bins (lower, upper], and
 * ECE = sum over bins of (count / n) * |accuracy - confidence|. An over-confident model (the usual
 * state without label smoothing) has confidence above accuracy; label smoothing lowers confidence.
 * Logits [..., C] with targets [...]; ece is NaN when no position is scored.
 */
export function calibrationError(logits: Tensor, target: Tensor, options: CalibrationOptions = {}): { ece: number; count: number; bins: CalibrationBin[] } {
  const numBins = options.numBins ?? 15;
  const ignoreIndex = options.ignoreIndex ?? -100;
  const norm = options.norm ?? 'l1';
  if (!(Number.isInteger(numBins) && numBins >= 1)) throw new ConfigError('numBins', `calibrationError: must be a positive integer, got ${numBins}`);
  if (norm !== 'l1' && norm !== 'l2' && norm !== 'max') throw new ConfigError('norm', `calibrationError: unknown value '${String(norm)}'`, ['l1', 'l2', 'max']);
  const C = logits.shape[logits.ndim - 1]!;
  const z = logits.values() as Float32Array;
  const y = target.values() as Int32Array;
  if (y.length * C !== z.length) throw new ShapeError(`calibrationError: ${y.length} targets for ${z.length / C} rows of logits`);
  const count = new Array<number>(numBins).fill(0);
  const confidenceSum = new Array<number>(numBins).fill(0);
  const correctSum = new Array<number>(numBins).fill(0);
  let n = 0;
  for (let r = 0; r < y.length; r++) {
    if (y[r] === ignoreIndex) continue;
    let best = 0;
    for (let c = 1; c < C; c++) if (z[r * C + c]! > z[r * C + best]!) best = c;
    // the max softmax probability is 1 / sum_c exp(z_c - z_max)
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(z[r * C + c]! - z[r * C + best]!);
    const confidence = 1 / s;
    const bin = Math.min(numBins - 1, Math.max(0, Math.ceil(confidence * numBins) - 1));
    count[bin]!++;
    confidenceSum[bin]! += confidence;
    if (best === y[r]) correctSum[bin]!++;
    n++;
  }
  const bins: CalibrationBin[] = count.map((k, b) => ({
    lower: b / numBins,
    upper: (b + 1) / numBins,
    count: k,
    confidence: k === 0 ? 0 : confidenceSum[b]! / k,
    accuracy: k === 0 ? 0 : correctSum[b]! / k,
  }));
  if (n === 0) return { ece: NaN, count: 0, bins };
  let ece = 0;
  for (const bin of bins) {
    if (bin.count === 0) continue;
    const gap = Math.abs(bin.accuracy - bin.confidence);
    if (norm === 'l1') ece += (bin.count / n) * gap;
    else if (norm === 'l2') ece += (bin.count / n) * gap * gap;
    else ece = Math.max(ece, gap);
  }
  return { ece: norm === 'l2' ? Math.sqrt(ece) : ece, count: n, bins };
}
