/**
 * Mixed-precision regions (torch.autocast): inside `autocast('bf16' | 'fp16', fn)` the matrix
 * products round their operands to the half format, compute from those, and round their outputs
 * to it; their backward rounds the incoming gradient to the half format too, which is why fp16 can
 * overflow and needs a loss scaler (amp/gradScaler.ts). What each op does, after PyTorch's autocast
 * op lists (torch/csrc/autograd/autocast_mode.cpp):
 * - half (PyTorch's "lower precision" list): linear, matmul, mm, bmm. Their saved operands are kept
 *   as 16-bit bit patterns (Uint16Array) for the backward.
 * - float32 (PyTorch's "fp32" list): softmax, logSoftmax, crossEntropy, layerNorm, sum, mean and
 *   the other reductions, and the fused attention kernel (PyTorch runs its q k^T and weights v in
 *   half; ours stays float32 because the kernel has no 16-bit operands yet).
 * - everything else (add, gelu, dropout, ...) runs in float32 on whatever values it gets: PyTorch
 *   would run these in the dtype of their inputs, so it rounds once more per elementwise op.
 * Parameters, their gradients and the optimizer state stay float32 (master weights).
 */
import { ConfigError } from '../errors.js';

/** The half formats autocast can compute in. */
export type HalfDtype = 'bf16' | 'fp16';

/** The trainer's precision names: float32 everywhere, or autocast in one of the half formats. */
export type Precision = 'fp32' | HalfDtype;

export const PRECISIONS: readonly Precision[] = ['fp32', 'bf16', 'fp16'];

let current: HalfDtype | null = null;

/** The half format of the innermost autocast region, or null outside one (or inside autocast('fp32')). */
export function autocastDtype(): HalfDtype | null {
  return current;
}

/** Runs fn with the matrix products in `dtype` ('fp32' turns autocast off inside an outer region). */
export function autocast<T>(dtype: Precision, fn: () => T): T {
  if (!(PRECISIONS as readonly string[]).includes(dtype)) throw new ConfigError('dtype', `autocast: unknown precision ${JSON.stringify(dtype)}`, PRECISIONS);
  const prev = current;
  current = dtype === 'fp32' ? null : dtype;
  try {
    return fn();
  } finally {
    current = prev;
  }
}
