/**
 * The kernel interface every backend implements. Kernels see only flat typed arrays plus the sizes
 * and strides they need: no Tensor, no autograd. That keeps a native or GPU backend a drop-in
 * replacement: ops and nn never change when the backend does.
 */

export type DType = 'float32' | 'int32' | 'bool';
export type Storage = Float32Array | Int32Array | Uint8Array;

export type UnaryOp =
  | 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'tanh' | 'sigmoid' | 'relu'
  | 'gelu' | 'geluTanh' | 'erf' | 'sign' | 'sin' | 'cos' | 'square' | 'reciprocal';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';
export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** A strided view into a flat array: element at multi-index i is data[offset + sum(i_d * strides[d])]. */
export interface Strided<T extends Storage = Storage> {
  data: T;
  offset: number;
  strides: readonly number[];
}

/**
 * Batched C = A @ B. For batch b, element (i, p) of A is
 * a[aOffsets[b] + i * aRowStride + p * aColStride], (p, j) of B is
 * b[bOffsets[b] + p * bRowStride + j * bColStride]; C is written contiguously, m x n per batch,
 * at c[b * m * n]. Strides describe transposed views without copying them.
 */
export interface GemmArgs {
  m: number;
  n: number;
  k: number;
  batch: number;
  a: Float32Array;
  aOffsets: ArrayLike<number>;
  aRowStride: number;
  aColStride: number;
  b: Float32Array;
  bOffsets: ArrayLike<number>;
  bRowStride: number;
  bColStride: number;
  c: Float32Array;
}

export interface Backend {
  readonly name: string;

  /** out[i] = op(x[i]). */
  unary(op: UnaryOp, x: Float32Array, out: Float32Array): void;
  /** gx[i] = gy[i] * op'(x[i]); y = op(x) is passed for ops whose derivative is cheaper from it. */
  unaryBackward(op: UnaryOp, x: Float32Array, y: Float32Array, gy: Float32Array, gx: Float32Array): void;
  /**
   * out (contiguous, `shape`) = a op b, with a and b strided (stride 0 broadcasts). Operands share
   * out's dtype: float32, or int32 for integer arithmetic (wrapping on overflow like C).
   */
  binary(op: BinaryOp, a: Strided, b: Strided, out: Storage, shape: readonly number[]): void;
  /** Same as binary, for any dtype, producing 0/1. */
  compare(op: CompareOp, a: Strided, b: Strided, out: Uint8Array, shape: readonly number[]): void;
  /** out = cond ? a : b, all three strided. */
  where(cond: Strided, a: Strided, b: Strided, out: Storage, shape: readonly number[]): void;
  /** out[i] = min(max(x[i], lo), hi). */
  clamp(x: Float32Array, lo: number, hi: number, out: Float32Array): void;
  /** gx[i] = gy[i] where lo <= x[i] <= hi, else 0 (PyTorch's clamp gradient). */
  clampBackward(x: Float32Array, lo: number, hi: number, gy: Float32Array, gx: Float32Array): void;
  /** Copies a strided view into another strided view of the same dtype (materialise, slice-assign). */
  copy(src: Strided, dst: Strided, shape: readonly number[]): void;
  /** Casts between dtypes (contiguous), truncating toward zero into int32 as PyTorch does. */
  cast(src: Storage, out: Storage): void;

  /** Reduces the middle axis of a contiguous [outer, n, inner] array: out is [outer, inner]. */
  sum(x: Float32Array, outer: number, n: number, inner: number, out: Float32Array): void;
  /** Max over the middle axis; indices are the first maximum, as PyTorch returns. */
  max(x: Float32Array, outer: number, n: number, inner: number, values: Float32Array, indices: Int32Array): void;

  gemm(args: GemmArgs): void;

  /** Softmax over the middle axis of a contiguous [outer, n, inner] array. */
  softmax(x: Float32Array, outer: number, n: number, inner: number, out: Float32Array): void;
  softmaxBackward(y: Float32Array, gy: Float32Array, outer: number, n: number, inner: number, gx: Float32Array): void;
  logSoftmax(x: Float32Array, outer: number, n: number, inner: number, out: Float32Array): void;
  logSoftmaxBackward(y: Float32Array, gy: Float32Array, outer: number, n: number, inner: number, gx: Float32Array): void;

  /** Normalises each row of [rows, cols]; saves mean and 1/std for the backward pass. */
  layerNorm(
    x: Float32Array, weight: Float32Array | null, bias: Float32Array | null, rows: number, cols: number, eps: number,
    out: Float32Array, mean: Float32Array, rstd: Float32Array,
  ): void;
  /** gw and gb are accumulated into (callers pass zeros), so a row-split native version can add partials. */
  layerNormBackward(
    x: Float32Array, weight: Float32Array | null, mean: Float32Array, rstd: Float32Array, gy: Float32Array,
    rows: number, cols: number, gx: Float32Array, gw: Float32Array | null, gb: Float32Array | null,
  ): void;

  /** out[o, j, i] = src[o, index[j], i] for contiguous src [outer, n, inner]; any dtype. */
  indexSelect(src: Storage, outer: number, n: number, inner: number, index: Int32Array, out: Storage): void;
  /** gx[o, index[j], i] += gy[o, j, i]: the backward of indexSelect (and of embedding lookups). */
  indexAdd(gy: Float32Array, outer: number, n: number, inner: number, index: Int32Array, gx: Float32Array): void;
  /** out[o, j, i] = src[o, index[o, j, i], i]: gather with index shaped [outer, m, inner]. */
  gather(src: Storage, outer: number, n: number, inner: number, index: Int32Array, m: number, out: Storage): void;
  /** gx[o, index[o, j, i], i] += gy[o, j, i]: the backward of gather. */
  scatterAdd(gy: Float32Array, outer: number, n: number, inner: number, index: Int32Array, m: number, gx: Float32Array): void;

  /**
   * Cross-entropy of each row of logits [rows, classes] against a target distribution
   * q_c = base + (c == target ? extra : 0) (label smoothing): loss = -sum_c q_c log softmax(z)_c.
   * Rows whose target is ignoreIndex get loss 0. Saves each row's log-sum-exp for the backward.
   */
  crossEntropy(
    logits: Float32Array, targets: Int32Array, rows: number, classes: number, ignoreIndex: number,
    base: number, extra: number, losses: Float32Array, logSumExp: Float32Array,
  ): void;
  /** gx = rowGrad[r] * (softmax(z_r) - q_r), zero for ignored rows. */
  crossEntropyBackward(
    logits: Float32Array, targets: Int32Array, logSumExp: Float32Array, rowGrad: Float32Array, rows: number, classes: number,
    ignoreIndex: number, base: number, extra: number, gx: Float32Array,
  ): void;
}
