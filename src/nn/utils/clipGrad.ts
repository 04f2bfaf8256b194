/** Gradient clipping with torch.nn.utils' semantics; the loops over the elements are backend kernels. */
import { z } from 'zod';
import { getBackend } from '../../backend/index.js';
import { parseConfig, strictOptions } from '../../options.js';
import { Tensor } from '../../tensor/index.js';
import { floatData } from '../../tensor/tensor.js';
import { ArgumentError } from '../../errors.js';

function gradsOf(params: Iterable<Tensor> | Tensor): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  return list.filter((p) => p.grad !== null).map((p) => p.grad!);
}

const normTypeField = z.union([z.number().positive(), z.literal(Infinity)]).describe('the p of the p-norm: any p > 0, or Infinity for the largest absolute value (default 2)');
const errorIfNonfiniteField = z.boolean().describe('throw instead of clipping when the total norm is NaN or infinite (default false)');

/** clipGradNorm's options when given as one object after maxNorm. */
export const clipGradNormOptions = z.strictObject({ normType: normTypeField.optional(), errorIfNonfinite: errorIfNonfiniteField.optional() });
/** clipGradNorm's options after a positional normType (PyTorch's order). */
export const clipGradNormExtraOptions = z.strictObject({ errorIfNonfinite: errorIfNonfiniteField.optional() });

export type ClipGradNormOptions = z.input<typeof clipGradNormOptions>;

/**
 * Scales all gradients together so their combined norm is at most maxNorm, and returns the norm
 * before clipping (torch.nn.utils.clip_grad_norm_ of PyTorch 1.13): the coefficient is
 * maxNorm / (norm + 1e-6), clamped to at most 1. normType may be any p > 0 or Infinity (max
 * absolute value). A NaN norm makes every gradient NaN and an infinite one zeroes the finite
 * gradients, as in PyTorch; pass errorIfNonfinite to throw instead. Both PyTorch's positional form
 * `clipGradNorm(params, maxNorm, normType, { errorIfNonfinite })` and an options object
 * `clipGradNorm(params, maxNorm, { normType, errorIfNonfinite })` are accepted; unknown option
 * names are errors.
 */
export function clipGradNorm(
  params: Iterable<Tensor> | Tensor,
  maxNorm: number,
  normTypeOrOptions: number | ClipGradNormOptions = 2,
  extra?: z.input<typeof clipGradNormExtraOptions>,
): number {
  let normType: number;
  let errorIfNonfinite: boolean;
  if (typeof normTypeOrOptions === 'object') {
    if (extra !== undefined) throw new ArgumentError('clipGradNorm: give the options either as one object after maxNorm or after a numeric normType, not both');
    const o = strictOptions(clipGradNormOptions, normTypeOrOptions, 'clipGradNorm');
    normType = o.normType ?? 2;
    errorIfNonfinite = o.errorIfNonfinite ?? false;
  } else {
    normType = parseConfig(normTypeField, normTypeOrOptions, 'normType');
    errorIfNonfinite = extra === undefined ? false : (strictOptions(clipGradNormExtraOptions, extra, 'clipGradNorm').errorIfNonfinite ?? false);
  }
  const grads = gradsOf(params);
  if (grads.length === 0) return 0;
  const backend = getBackend();
  const data = grads.map((g) => floatData(g));
  const perTensor = new Float64Array(data.length);
  backend.sumPow(data, normType, perTensor);
  let total: number;
  if (normType === Infinity) {
    total = 0;
    // Math.max propagates NaN like torch.max
    for (const m of perTensor) total = Math.max(total, m);
  } else {
    // PyTorch takes each tensor's p-norm in float32, then the p-norm of those norms
    let acc = 0;
    for (const s of perTensor) acc += Math.fround(s ** (1 / normType)) ** normType;
    total = Math.fround(acc ** (1 / normType));
  }
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new ArgumentError(`The total norm of order ${normType} for gradients is non-finite, so it cannot be clipped`);
  }
  // float32 as in PyTorch, where maxNorm / tensor is tensor.reciprocal() * maxNorm
  const coef = Math.fround(Math.fround(1 / Math.fround(total + 1e-6)) * maxNorm);
  // PyTorch multiplies by clamp(coef, max=1) unconditionally; only a coefficient of 1 changes nothing
  const clamped = coef > 1 ? 1 : coef;
  if (clamped !== 1) backend.scaleInPlace(data, clamped);
  return total;
}

/** PyTorch's in-place name for clipGradNorm. */
export const clipGradNorm_ = clipGradNorm;

/** Clamps every gradient element into [-clipValue, clipValue] (torch.nn.utils.clip_grad_value_). */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  const backend = getBackend();
  for (const g of gradsOf(params)) {
    const v = floatData(g);
    backend.clamp(v, -clipValue, clipValue, v);
  }
}

export const clipGradValue_ = clipGradValue;

/** The total p-norm of the given tensors' values (e.g. the parameter norm metric). */
export function totalNorm(tensors: Iterable<Tensor>, normType = 2): number {
  const data = [...tensors].map((t) => floatData(t.float()));
  const perTensor = new Float64Array(data.length);
  getBackend().sumPow(data, normType, perTensor);
  let acc = 0;
  for (const s of perTensor) acc = normType === Infinity ? Math.max(acc, s) : acc + s;
  return normType === Infinity ? acc : acc ** (1 / normType);
}
