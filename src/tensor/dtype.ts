/** The dtypes anneal's tensors hold, and the check every factory and cast applies to a requested one. */
import type { DType } from '../backend/index.js';
import { ConfigError } from '../errors.js';

/** float32 data, int32 indices, bool masks: the dtypes a tensor can have. */
export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

/**
 * `dtype` when anneal supports it, else a ConfigError naming the op and listing the supported
 * dtypes (`float64`, `int64` and `float16` have no storage here: PyTorch's names are refused rather
 * than silently mapped). `allowed` narrows the list for ops that make only some dtypes (rand: float32).
 */
export function checkDtype(dtype: unknown, op: string, allowed: readonly DType[] = DTYPES): DType {
  if ((allowed as readonly unknown[]).includes(dtype)) return dtype as DType;
  const what = (DTYPES as readonly unknown[]).includes(dtype) ? `${op} cannot make ${String(dtype)} tensors` : `${JSON.stringify(dtype) ?? String(dtype)} is not supported by ${op}`;
  throw new ConfigError('dtype', what, allowed);
}
