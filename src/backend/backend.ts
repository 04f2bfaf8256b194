/**
 * The kernel interface every backend implements. Kernels see only flat typed arrays plus the sizes
 * and strides they need: no Tensor, no autograd. That keeps a native or GPU backend a drop-in
 * replacement: ops and nn never change when the backend does.
 *
 * The backend owns memory and every inner loop of a training step:
 * - Buffers come from `alloc` (pooled: a step whose shapes repeat reuses the same memory) and go back
 *   through `release` when the tensor layer can prove nothing reads them again (tensor/scope.ts:
 *   `tidy`, and autograd's release of intermediate gradients). Outputs a kernel writes in full are
 *   allocated without a zero fill. Buffers nobody releases are garbage-collected as usual.
 * - Optimizer updates (multi-tensor: one call per parameter group), gradient norms and scaling,
 *   dropout masks (the generator's state goes in and comes back advanced), cross-entropy, layer norm,
 *   softmax and fused attention are all kernels, so a fast backend never waits on a JS loop.
 * - Kernels write only their outputs; an output may alias an input only where a method says so.
 *
 * How a GPU (WebGPU) backend would slot in behind this interface, owning device memory:
 * - Storage would become a handle (a GPUBuffer plus dtype and length) instead of a typed array:
 *   `alloc`/`release` map onto a device-side size-class pool exactly as BufferPool does on the host;
 *   tidy and autograd already tell the backend when a buffer is dead, which is what a GPU needs (it
 *   cannot wait for the JS GC to notice a 100 MB buffer).
 * - Kernels would enqueue compute passes instead of running; nothing in ops or nn reads a storage's
 *   elements except through `Tensor.values()`, `item()` and `toArray()`, which become the (async)
 *   readback points: a mapAsync copy to the host, awaited there. Today they are synchronous; a GPU
 *   backend would add `await tensor.data()` (tfjs's name) and make the sync forms flush and wait.
 * - What would change: the few host-side loops in the tensor layer that read values directly (index
 *   bounds checks in indexing/crossEntropy, `multinomial`, the optimizer's scalar bookkeeping) would
 *   move into kernels or read back once; the RNG state would live in a small device buffer that the
 *   dropout kernel advances (the interface already passes it in and out).
 * - What would not: the Backend method signatures (they take sizes, strides and buffers, never
 *   Tensors), autograd, the scopes, nn and the optimizers' structure.
 */
import type { PoolStats } from './pool.js';

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
 * Batched C = alpha * A @ B + beta * C (+ bias). For batch b, element (i, p) of A is
 * a[aOffsets[b] + i * aRowStride + p * aColStride], (p, j) of B is
 * b[bOffsets[b] + p * bRowStride + j * bColStride]; C is written m x n per batch, by default
 * contiguously at c[b * m * n] (cOffsets and ldc place it elsewhere). Strides describe transposed
 * views without copying them. beta 0 (the default) never reads C.
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
  /** Element (i, j) of batch b is c[cOffsets[b] + i * ldc + j]; default b * m * n and n. */
  cOffsets?: ArrayLike<number>;
  ldc?: number;
  /** Default 1. */
  alpha?: number;
  /** Default 0: C is not read. */
  beta?: number;
  /** Added to every row: length n. */
  bias?: Float32Array | null;
}

/**
 * One multi-tensor Adam/AdamW update, in place, bit for bit as PyTorch 1.13's _single_tensor_adam(w)
 * (see optim/adam.ts for the float32 rounding order every backend must follow).
 */
export interface AdamArgs {
  params: readonly Float32Array[];
  grads: readonly Float32Array[];
  expAvg: readonly Float32Array[];
  expAvgSq: readonly Float32Array[];
  /** amsgrad's running maximum of expAvgSq, or null. */
  maxExpAvgSq: readonly Float32Array[] | null;
  /** Each parameter's step number after this update (1 for the first). */
  steps: readonly number[];
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW's decoupled decay (true) or Adam's L2 term (false). */
  decoupled: boolean;
  maximize: boolean;
}

/** One multi-tensor SGD update, in place, bit for bit as PyTorch 1.13's _single_tensor_sgd (see optim/sgd.ts). */
export interface SgdArgs {
  params: readonly Float32Array[];
  grads: readonly Float32Array[];
  /** Velocities (null entries, or null, without momentum). */
  momentumBuffers: readonly (Float32Array | null)[] | null;
  /** Per parameter: the buffer's first use, when it takes the (decayed) gradient itself. */
  initializeBuffers: readonly boolean[];
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/** The operands of fused attention: [B, H, T, headDim] queries, [B, H, S, headDim] keys, [B, H, S, valueDim] values (4 strides each). */
export interface AttentionOperands {
  batch: number;
  heads: number;
  tgtLen: number;
  srcLen: number;
  headDim: number;
  valueDim: number;
  q: Strided<Float32Array>;
  k: Strided<Float32Array>;
  v: Strided<Float32Array>;
  scale: number;
  dropoutP: number;
}

/**
 * Fused scaled dot-product attention: weights = softmax(scale * q k^T + mask (+ causal)),
 * out = dropout(weights) v. The dropout draws one uniform per weight in row-major [B, H, T, S] order
 * from rngState (xoshiro128**, advanced in place), exactly as `bernoulliMask` would, so the masks
 * equal the composite's.
 */
export interface AttentionArgs extends AttentionOperands {
  /** Key j is hidden from query i when j > i (top-left aligned, as torch's is_causal). */
  causal: boolean;
  /** Additive mask broadcast over [B, H, T, S] (4 strides, 0 on broadcast dims), or null. */
  mask: Strided<Float32Array> | null;
  rngState: Uint32Array | null;
  /** Out: the softmax weights before dropout, [B, H, T, S] contiguous. */
  weights: Float32Array;
  /** Out when dropoutP > 0: 1 where a weight was kept, [B, H, T, S]. */
  keep: Uint8Array | null;
  /** Out: [B, T, H, valueDim] contiguous, so merging the heads is a view. */
  out: Float32Array;
}

/** Gradients of AttentionArgs' q, k and v; each written [B, L, H, d] contiguous (null: not needed). */
export interface AttentionBackwardArgs extends AttentionOperands {
  weights: Float32Array;
  keep: Uint8Array | null;
  /** [B, H, T, valueDim], 4 strides. */
  gOut: Strided<Float32Array>;
  gq: Float32Array | null;
  gk: Float32Array | null;
  gv: Float32Array | null;
}

/** What a backend reports about itself (for `anneal bench` and the startup message). */
export interface BackendInfo {
  name: string;
  threads: number;
  /** The instruction set its kernels use ('js' for the TypeScript backend). */
  isa: string;
  /** Where each kernel family comes from, e.g. { sgemm: 'avx512' }. */
  kernels: Record<string, string>;
}

export interface Backend {
  readonly name: string;
  info(): BackendInfo;

  /** A buffer of n elements from the pool; contents unspecified unless `zero`. */
  alloc(dtype: DType, n: number, zero?: boolean): Storage;
  /** Returns a buffer from `alloc` for reuse; nothing may read or write it afterwards. Others are ignored. */
  release(storage: Storage): void;
  memoryStats(): PoolStats;

  /** out[i] = op(x[i]). */
  unary(op: UnaryOp, x: Float32Array, out: Float32Array): void;
  /** gx[i] = gy[i] * op'(x[i]); y = op(x) is passed for ops whose derivative is cheaper from it. */
  unaryBackward(op: UnaryOp, x: Float32Array, y: Float32Array, gy: Float32Array, gx: Float32Array): void;
  /**
   * out (contiguous, `shape`) = a op b, with a and b strided (stride 0 broadcasts). Operands share
   * out's dtype: float32, or int32 for integer arithmetic (wrapping on overflow like C). out may be
   * a.data itself when a is contiguous at offset 0 (in-place accumulation).
   */
  binary(op: BinaryOp, a: Strided, b: Strided, out: Storage, shape: readonly number[]): void;
  /** Same as binary, for any dtype, producing 0/1. */
  compare(op: CompareOp, a: Strided, b: Strided, out: Uint8Array, shape: readonly number[]): void;
  /** out = cond ? a : b, all three strided. */
  where(cond: Strided, a: Strided, b: Strided, out: Storage, shape: readonly number[]): void;
  /** out[i] = min(max(x[i], lo), hi); out may be x (in place). */
  clamp(x: Float32Array, lo: number, hi: number, out: Float32Array): void;
  /** gx[i] = gy[i] where lo <= x[i] <= hi, else 0 (PyTorch's clamp gradient). */
  clampBackward(x: Float32Array, lo: number, hi: number, gy: Float32Array, gx: Float32Array): void;
  /** dst += src elementwise over `shape`, both strided (gradient accumulation into a region); dst must not overlap src. */
  accumulate(dst: Strided<Float32Array>, src: Strided<Float32Array>, shape: readonly number[]): void;
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

  /**
   * keep[i] = 1 with probability keepProb: the i-th uniform of rngState's xoshiro128** stream
   * (24 bits, as Generator.uniform()) is below keepProb. rngState (4 words) is advanced by n draws.
   */
  bernoulliMask(n: number, keepProb: number, rngState: Uint32Array, keep: Uint8Array): void;
  /** Inverted dropout: out[i] = x[i] * (keep[i] ? scale : 0) in float32 (NaN * 0 stays NaN). Also its backward. */
  dropoutApply(x: Float32Array, keep: Uint8Array, scale: number, out: Float32Array): void;

  adam(args: AdamArgs): void;
  sgd(args: SgdArgs): void;
  /** out[t] = sum_i |x_t[i]|^p in double precision, or max_i |x_t[i]| (NaN if any is NaN) for p = Infinity. */
  sumPow(tensors: readonly Float32Array[], p: number, out: Float64Array): void;
  /** x_t[i] *= factor (float32) for every tensor, in place. */
  scaleInPlace(tensors: readonly Float32Array[], factor: number): void;

  attention(args: AttentionArgs): void;
  attentionBackward(args: AttentionBackwardArgs): void;

  /** BF16 storage (round to nearest even, bit patterns in a Uint16Array), where the backend has it. */
  toBf16?(x: Float32Array, out: Uint16Array): void;
  /** bf16 bit patterns back to float32 (exact). */
  fromBf16?(x: Uint16Array, out: Float32Array): void;
  /** IEEE fp16 storage (round to nearest even, overflow to Inf, subnormals kept), bit patterns in a Uint16Array. */
  toFp16?(x: Float32Array, out: Uint16Array): void;
  /** fp16 bit patterns back to float32 (exact). */
  fromFp16?(x: Uint16Array, out: Float32Array): void;
  /** gemm on BF16 operands with float32 accumulation and output, same contract as gemm (mixed precision). */
  gemmBf16?(args: Omit<GemmArgs, 'a' | 'b'> & { a: Uint16Array; b: Uint16Array }): void;
}
