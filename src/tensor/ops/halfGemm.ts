/**
 * The matrix products of an autocast region (see ../autocast.ts): operands as 16-bit bit patterns,
 * float32 accumulation, output rounded to the half format (as PyTorch's half matmuls return half).
 * bf16 runs on the backend's BF16 GEMM where it has one; fp16, and bf16 elsewhere, widen the
 * operands to float32 (exactly) and run the float32 GEMM, which gives the same products.
 */
import { getBackend } from '../../backend/index.js';
import type { HalfDtype } from '../autocast.js';
import { fromHalf, roundHalf } from '../half.js';
import { allocFloat } from '../tensor.js';

/** One 16-bit operand: element (i, p) of batch b is data[offsets[b] + i * rowStride + p * colStride]. */
export interface HalfOperand {
  data: Uint16Array;
  offsets: ArrayLike<number>;
  rowStride: number;
  colStride: number;
}

/** C = A B (+ bias) for `batch` m x k by k x n products, C contiguous and rounded to `dtype`. */
export function halfGemm(dtype: HalfDtype, m: number, n: number, k: number, batch: number, a: HalfOperand, b: HalfOperand, bias: Float32Array | null = null): Float32Array {
  const backend = getBackend();
  const c = allocFloat(batch * m * n);
  const shape = { m, n, k, batch, aOffsets: a.offsets, aRowStride: a.rowStride, aColStride: a.colStride, bOffsets: b.offsets, bRowStride: b.rowStride, bColStride: b.colStride, c, bias };
  if (dtype === 'bf16' && backend.gemmBf16) backend.gemmBf16({ ...shape, a: a.data, b: b.data });
  else {
    // the widened operands live only for this call: untracked by the scopes, handed back at once
    const af = fromHalf(dtype, a.data, backend.alloc('float32', a.data.length) as Float32Array);
    const bf = fromHalf(dtype, b.data, backend.alloc('float32', b.data.length) as Float32Array);
    backend.gemm({ ...shape, a: af, b: bf });
    backend.release(af);
    backend.release(bf);
  }
  return roundHalf(dtype, c);
}
