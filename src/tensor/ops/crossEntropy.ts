/**
 * Cross-entropy between logits and class-index targets with label smoothing (Szegedy et al. 2016),
 * as one fused op. 'uniform' smoothing is PyTorch's label_smoothing (eps/C to every class, the
 * target included); 'offTarget' gives eps/(C-1) to each wrong class and 1-eps to the target
 * (fairseq's and the Annotated Transformer's form).
 */
import { getBackend } from '../../backend/index.js';
import { recordOp } from '../autograd.js';
import { formatShape, ShapeError } from '../shape.js';
import { allocFloat, dataOf, floatData, Tensor } from '../tensor.js';
import { ArgumentError, ConfigError } from '../../errors.js';

export type Reduction = 'mean' | 'sum' | 'none';
export type Smoothing = 'uniform' | 'offTarget';

export interface CrossEntropyOptions {
  labelSmoothing?: number;
  /** Target value whose positions contribute nothing (PyTorch's default -100). */
  ignoreIndex?: number;
  /** 'mean' divides by the number of non-ignored positions. */
  reduction?: Reduction;
  smoothing?: Smoothing;
}

export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const eps = options.labelSmoothing ?? 0;
  const ignoreIndex = options.ignoreIndex ?? -100;
  const reduction = options.reduction ?? 'mean';
  const smoothing = options.smoothing ?? 'uniform';
  if (!(eps >= 0 && eps <= 1)) throw new ConfigError('labelSmoothing', `crossEntropy: must be in [0, 1], got ${eps}`);
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ConfigError('reduction', `crossEntropy: unknown value '${String(reduction)}'`, ['mean', 'sum', 'none']);
  }
  if (smoothing !== 'uniform' && smoothing !== 'offTarget') {
    throw new ConfigError('smoothing', `crossEntropy: unknown value '${String(smoothing)}'`, ['uniform', 'offTarget']);
  }
  if (target.dtype !== 'int32') throw new ArgumentError(`crossEntropy: target must hold int32 class indices, got ${target.dtype}`);
  if (logits.ndim < 2 || target.ndim !== logits.ndim - 1 || target.shape.some((s, i) => s !== logits.shape[i])) {
    throw new ShapeError(`crossEntropy: logits ${formatShape(logits.shape)} need targets of shape ${formatShape(logits.shape.slice(0, -1))}, got ${formatShape(target.shape)}`);
  }
  const C = logits.shape[logits.ndim - 1]!;
  const rows = target.numel();
  const targets = dataOf(target) as Int32Array;
  let count = 0;
  for (let i = 0; i < rows; i++) {
    const y = targets[i]!;
    if (y === ignoreIndex) continue;
    if (y < 0 || y >= C) throw new ArgumentError(`crossEntropy: target ${y} is out of bounds for ${C} classes`);
    count++;
  }
  let base: number, extra: number;
  if (smoothing === 'uniform') { base = eps / C; extra = 1 - eps; }
  else { base = C > 1 ? eps / (C - 1) : 0; extra = 1 - eps - base; }
  const z = floatData(logits);
  const losses = allocFloat(rows);
  const lse = allocFloat(rows);
  const backend = getBackend();
  backend.crossEntropy(z, targets, rows, C, ignoreIndex, base, extra, losses, lse);
  let out: Tensor;
  if (reduction === 'none') out = new Tensor(losses, target.shape);
  else {
    const total = allocFloat(1);
    backend.sum(losses, 1, rows, 1, total);
    // mean over zero counted positions is 0/0 = NaN, as in PyTorch
    out = Tensor.scalar(reduction === 'sum' ? total[0]! : total[0]! / count);
  }
  return recordOp(out, 'crossEntropy', [logits], (g) => {
    const rowGrad = allocFloat(rows);
    if (reduction === 'none') rowGrad.set(floatData(g));
    else rowGrad.fill(reduction === 'sum' ? g.item() : g.item() / count);
    const gx = allocFloat(z.length);
    getBackend().crossEntropyBackward(z, targets, lse, rowGrad, rows, C, ignoreIndex, base, extra, gx);
    return [new Tensor(gx, logits.shape)];
  }, { saves: [logits, target] });
}
