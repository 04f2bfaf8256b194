/** Gradient clipping with torch.nn.utils' semantics. */
import { Tensor } from '../../tensor/index.js';

function gradsOf(params: Iterable<Tensor> | Tensor): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  return list.filter((p) => p.grad !== null).map((p) => p.grad!);
}

/**
 * Scales all gradients together so their combined norm is at most maxNorm, and returns the norm
 * before clipping (torch.nn.utils.clip_grad_norm_ of PyTorch 1.13): the coefficient is
 * maxNorm / (norm + 1e-6), clamped to at most 1. normType may be any p >= 1 or Infinity (max
 * absolute value). A NaN norm makes every gradient NaN and an infinite one zeroes the finite
 * gradients, as in PyTorch; pass errorIfNonfinite to throw instead.
 */
export function clipGradNorm(
  params: Iterable<Tensor> | Tensor,
  maxNorm: number,
  normType = 2,
  options: { errorIfNonfinite?: boolean } = {},
): number {
  const grads = gradsOf(params);
  if (grads.length === 0) return 0;
  let total: number;
  if (normType === Infinity) {
    total = 0;
    for (const g of grads) {
      const v = g.values() as Float32Array;
      // Math.max propagates NaN like torch.max
      for (let i = 0; i < v.length; i++) total = Math.max(total, Math.abs(v[i]!));
    }
  } else {
    // PyTorch takes each tensor's p-norm in float32, then the p-norm of those norms
    let acc = 0;
    for (const g of grads) {
      const v = g.values() as Float32Array;
      let s = 0;
      for (let i = 0; i < v.length; i++) s += Math.abs(v[i]!) ** normType;
      acc += Math.fround(s ** (1 / normType)) ** normType;
    }
    total = Math.fround(acc ** (1 / normType));
  }
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new RangeError(`The total norm of order ${normType} for gradients is non-finite, so it cannot be clipped`);
  }
  // float32 as in PyTorch, where maxNorm / tensor is tensor.reciprocal() * maxNorm
  const coef = Math.fround(Math.fround(1 / Math.fround(total + 1e-6)) * maxNorm);
  // PyTorch multiplies by clamp(coef, max=1) unconditionally; only a coefficient of 1 changes nothing
  const clamped = coef > 1 ? 1 : coef;
  if (clamped !== 1) {
    for (const g of grads) {
      const v = g.storage as Float32Array;
      const start = g.offset;
      const end = start + g.numel();
      for (let i = start; i < end; i++) v[i] = v[i]! * clamped;
    }
  }
  return total;
}

/** PyTorch's in-place name for clipGradNorm. */
export const clipGradNorm_ = clipGradNorm;

/** Clamps every gradient element into [-clipValue, clipValue] (torch.nn.utils.clip_grad_value_). */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  for (const g of gradsOf(params)) {
    const v = g.storage as Float32Array;
    const start = g.offset;
    const end = start + g.numel();
    for (let i = start; i < end; i++) v[i] = Math.min(Math.max(v[i]!, -clipValue), clipValue);
  }
}

export const clipGradValue_ = clipGradValue;

/** The total p-norm of the given tensors' values (e.g. the parameter norm metric). */
export function totalNorm(tensors: Iterable<Tensor>, normType = 2): number {
  let acc = 0;
  for (const t of tensors) {
    const v = t.values() as Float32Array;
    if (normType === Infinity) for (let i = 0; i < v.length; i++) acc = Math.max(acc, Math.abs(v[i]!));
    else for (let i = 0; i < v.length; i++) acc += Math.abs(v[i]!) ** normType;
  }
  return normType === Infinity ? acc : acc ** (1 / normType);
}
