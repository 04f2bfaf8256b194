import { getBackend, type DType, type Storage, type Strided } from '../backend/index.js';
import { AutogradError, runBackward, type GradNode } from './autograd.js';
import { ArgumentError } from '../errors.js';
import { graphVersionOf } from './version.js';
import { checkDtype } from './dtype.js';
import * as inplace from './ops/inplace.js';
import { topk as topkOp, type TopkOptions } from './ops/topk.js';
import { contiguousStrides, formatShape, normalizeDim, numelOf, sameShape, ShapeError, type Shape } from './shape.js';
import * as ew from './ops/elementwise.js';
import * as red from './ops/reduce.js';
import * as view from './ops/view.js';
import * as idx from './ops/indexing.js';
import * as mm from './ops/matmul.js';
import * as sm from './ops/softmax.js';
import { formatTensor, toNested, type NestedArray } from './format.js';
import { exposeStorage, keep, ReleasedTensorError, trackStorage, trackTensor, type ScopedTensor } from './scope.js';

export type TensorLike = Tensor | number;

/**
 * A buffer for n elements of dtype from the backend's pool, its contents unspecified: for outputs a
 * kernel writes in full. The innermost scope (tidy, backward) owns it.
 */
export function allocStorage(dtype: DType, n: number): Storage {
  const s = getBackend().alloc(dtype, n);
  trackStorage(s);
  return s;
}

/** allocStorage, filled with zeros. */
export function zeroStorage(dtype: DType, n: number): Storage {
  const s = getBackend().alloc(dtype, n, true);
  trackStorage(s);
  return s;
}

/** A float32 buffer from the pool (see allocStorage). */
export function allocFloat(n: number): Float32Array {
  return allocStorage('float32', n) as Float32Array;
}

/**
 * A tensor's elements in row-major order for a kernel: the storage (or a subarray of it) when
 * contiguous, else a copy from the pool that the innermost scope owns. Unlike values() it does not
 * pin the buffer: ops use it for data they read at once.
 */
export function dataOf(t: Tensor): Storage {
  const n = t.numel();
  const s = t.storage;
  if (t.isContiguous()) {
    if (t.offset === 0 && s.length === n) return s;
    return s.subarray(t.offset, t.offset + n);
  }
  const out = allocStorage(t.dtype, n);
  getBackend().copy(strided(t), { data: out, offset: 0, strides: contiguousStrides(t.shape) }, t.shape);
  return out;
}

/** dataOf for a float32 tensor. */
export function floatData(t: Tensor): Float32Array {
  return dataOf(t) as Float32Array;
}

/** The kernel-facing description of a tensor's elements. */
export function strided(t: Tensor): Strided {
  return { data: t.storage, offset: t.offset, strides: t.strides };
}

/** The dtype a storage holds: Float32Array, Int32Array, or Uint8Array (bool). */
export function dtypeOf(storage: Storage): DType {
  if (storage instanceof Float32Array) return 'float32';
  if (storage instanceof Int32Array) return 'int32';
  if (storage instanceof Uint8Array) return 'bool';
  const kind = (storage as object)?.constructor?.name ?? typeof storage;
  throw new ArgumentError(`a tensor's storage must be a Float32Array (float32), Int32Array (int32) or Uint8Array (bool), got ${kind}`);
}

/**
 * An n-dimensional array with reverse-mode autograd. Storage is a flat typed array that views
 * (reshape, transpose, slicing) share; element i_0..i_k lives at offset + sum(i_d * strides[d]).
 */
export class Tensor implements ScopedTensor {
  private storage_: Storage | null;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  /** Whether ops on this tensor record a graph for backward(). */
  requiresGrad = false;
  /** Accumulated gradient of a leaf (or of a tensor that called retainGrad()) after backward(). */
  grad: Tensor | null = null;
  /** The op that produced this tensor, or null for a leaf. */
  gradFn: GradNode | null = null;
  /** Whether backward() stores this non-leaf tensor's gradient in .grad. */
  retainsGrad = false;
  /** A module parameter's dotted name once its module listed its parameters (for error messages), else null. */
  name: string | null = null;
  /** The graph version of the storage this tensor's history describes (version.ts); set by the constructor and in-place ops. */
  graphVersion: number;

  constructor(storage: Storage, shape: Shape, strides?: readonly number[], offset = 0) {
    this.storage_ = storage;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape));
    this.offset = offset;
    this.dtype = dtypeOf(storage);
    this.graphVersion = graphVersionOf(storage);
    trackTensor(this);
  }

  /** The flat typed array holding the elements (shared by views). Throws once a scope released the tensor. */
  get storage(): Storage {
    const s = this.storage_;
    if (s === null) {
      throw new ReleasedTensorError(
        'this tensor was released when the tidy() that created it ended (it was not returned from it); return it from the tidy ' +
          'function to use it afterwards, and call backward() inside the same tidy as the forward pass',
      );
    }
    return s;
  }

  /** The storage, or null once released (for scopes). */
  get rawStorage(): Storage | null {
    return this.storage_;
  }

  /** Whether a scope released this tensor. */
  get isReleased(): boolean {
    return this.storage_ === null;
  }

  /** Drops the data (scopes call this); later uses throw ReleasedTensorError. */
  release(): void {
    this.storage_ = null;
  }

  /** A new contiguous tensor of zeros. */
  static zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') checkDtype(dtype, 'Tensor.zeros');
    return new Tensor(zeroStorage(dtype, numelOf(shape)), shape);
  }

  /** A new contiguous tensor whose contents are unspecified (torch.empty): for buffers written in full. */
  static empty(shape: Shape, dtype: DType = 'float32'): Tensor {
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') checkDtype(dtype, 'Tensor.empty');
    return new Tensor(allocStorage(dtype, numelOf(shape)), shape);
  }

  /** A 0-d tensor holding one number. */
  static scalar(value: number, dtype: DType = 'float32'): Tensor {
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') checkDtype(dtype, 'Tensor.scalar');
    const s = allocStorage(dtype, 1);
    s[0] = value;
    return new Tensor(s, []);
  }

  get ndim(): number {
    return this.shape.length;
  }

  dim(): number {
    return this.shape.length;
  }

  numel(): number {
    return numelOf(this.shape);
  }

  /** Size of one dim (negative counts from the end), or the whole shape. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.shape];
    return this.shape[normalizeDim(dim, this.ndim, 'size')]!;
  }

  /** A leaf is a tensor not produced by a recorded op (parameters, inputs). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  isContiguous(): boolean {
    let expected = 1;
    for (let d = this.shape.length - 1; d >= 0; d--) {
      if (this.shape[d] !== 1 && this.strides[d] !== expected) return false;
      expected *= this.shape[d]!;
    }
    return true;
  }

  isFloatingPoint(): boolean {
    return this.dtype === 'float32';
  }

  // ---- reading values ------------------------------------------------------------------------

  /**
   * The elements in row-major order as a typed array of exactly numel() entries: the storage
   * itself (or a subarray of it) when contiguous, else a fresh copy. Writing to it writes to the
   * tensor only in the first case; use clone() first to be sure of a private copy. The buffer is
   * then never recycled by a scope, so the array stays valid for as long as you hold it.
   */
  values(): Storage {
    const v = dataOf(this);
    exposeStorage(this.isContiguous() ? this.storage : v);
    return v;
  }

  /** A private contiguous copy of the elements as a typed array (not from the pool: the caller owns it). */
  toTypedArray(): Storage {
    return this.values().slice();
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.numel() !== 1) throw new ShapeError(`item(): a tensor with ${this.numel()} elements cannot be converted to a number`);
    return this.storage[this.offset]!;
  }

  /** The elements as nested JS arrays (a number for a 0-d tensor; booleans for bool). */
  toArray(): NestedArray {
    return toNested(this.values(), this.shape, this.dtype === 'bool');
  }

  /** PyTorch's name for toArray(): nested arrays, or a number for a 0-d tensor. */
  tolist(): NestedArray {
    return this.toArray();
  }

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }

  // ---- autograd ------------------------------------------------------------------------------

  /**
   * Computes gradients of this tensor with respect to every leaf requiring grad and accumulates
   * them into their .grad. A non-scalar tensor needs `gradient` (the vector of the vector-Jacobian
   * product), as in PyTorch.
   */
  backward(gradient?: Tensor, options: { retainGraph?: boolean } = {}): void {
    if (!this.requiresGrad) {
      throw new AutogradError('backward(): this tensor does not require grad and has no grad_fn (did you forget requiresGrad, or call it under noGrad?)');
    }
    let g = gradient;
    if (!g) {
      if (this.numel() !== 1) throw new ShapeError(`backward(): grad can be implicitly created only for scalar outputs, got shape ${formatShape(this.shape)}`);
      g = Tensor.scalar(1).reshape(this.shape);
    } else if (!sameShape(g.shape, this.shape)) {
      throw new ShapeError(`backward(): gradient has shape ${formatShape(g.shape)} but the tensor has shape ${formatShape(this.shape)}`);
    }
    runBackward(this, g.detach(), options.retainGraph ?? false);
  }

  /**
   * Adds g into .grad in place, keeping .grad a private contiguous buffer that no scope releases.
   * With `adopt` (autograd passes it when g's buffer is provably its own and read by nothing else)
   * the first gradient becomes .grad without a copy.
   */
  accumulateGrad(g: Tensor, adopt = false): void {
    const shape = this.shape;
    if (this.grad === null) {
      const gs = g.storage;
      if (adopt && g.offset === 0 && gs.length === g.numel() && g.isContiguous()) {
        this.grad = keep(new Tensor(gs, shape));
        return;
      }
      const out = allocStorage('float32', g.numel());
      getBackend().copy(strided(g), { data: out, offset: 0, strides: contiguousStrides(shape) }, shape);
      this.grad = keep(new Tensor(out, shape));
      return;
    }
    const acc = this.grad;
    getBackend().binary('add', strided(acc), strided(g), acc.storage, shape);
  }

  /** Makes backward() keep this non-leaf tensor's gradient in .grad (a leaf gets its .grad anyway). */
  retainGrad(): this {
    this.retainsGrad = true;
    if (this.gradFn) this.gradFn.retainer = this;
    return this;
  }

  /** Sets requiresGrad in place (PyTorch's requires_grad_). */
  requiresGrad_(requiresGrad = true): this {
    if (requiresGrad && this.dtype !== 'float32') throw new ArgumentError(`only float32 tensors can require grad, got ${this.dtype}`);
    if (!requiresGrad && this.gradFn) throw new AutogradError('requiresGrad_(false) is only allowed on leaf tensors; use detach()');
    this.requiresGrad = requiresGrad;
    return this;
  }

  /** A tensor sharing this one's storage but outside the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }

  // ---- in-place ops (ops/inplace.ts: PyTorch's autograd rules, version counters) -----------------

  /** this += alpha * other (other broadcasts to this shape); returns this. */
  add_(other: TensorLike, options?: { alpha?: number }): this { return inplace.add_(this, other, options); }
  /** this -= alpha * other; returns this. */
  sub_(other: TensorLike, options?: { alpha?: number }): this { return inplace.sub_(this, other, options); }
  /** this *= other; returns this. */
  mul_(other: TensorLike): this { return inplace.mul_(this, other); }
  /** this /= other (true division: this must be float32); returns this. */
  div_(other: TensorLike): this { return inplace.div_(this, other); }
  /** Clamps this into [min, max] in place; returns this. */
  clamp_(min?: number | null, max?: number | null): this { return inplace.clamp_(this, min, max); }
  /** Copies src (broadcast to this shape, cast to this dtype) into this tensor; returns this. */
  copy_(src: Tensor): this { return inplace.copy_(this, src); }
  /** Sets every element to value; returns this. */
  fill_(value: number): this { return inplace.fill_(this, value); }
  /** Sets every element to 0; returns this. */
  zero_(): this { return inplace.fill_(this, 0); }

  // ---- dtype ---------------------------------------------------------------------------------

  /** A copy converted to dtype (this tensor when it already has it). */
  to(dtype: DType): Tensor {
    return ew.toDtype(this, dtype);
  }

  float(): Tensor {
    return this.to('float32');
  }

  int(): Tensor {
    return this.to('int32');
  }

  bool(): Tensor {
    return this.to('bool');
  }

  // ---- elementwise ---------------------------------------------------------------------------

  add(other: TensorLike, options?: { alpha?: number }): Tensor { return ew.add(this, other, options); }
  sub(other: TensorLike, options?: { alpha?: number }): Tensor { return ew.sub(this, other, options); }
  mul(other: TensorLike): Tensor { return ew.mul(this, other); }
  div(other: TensorLike): Tensor { return ew.div(this, other); }
  pow(exponent: TensorLike): Tensor { return ew.pow(this, exponent); }
  maximum(other: TensorLike): Tensor { return ew.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return ew.minimum(this, other); }
  neg(): Tensor { return ew.neg(this); }
  abs(): Tensor { return ew.abs(this); }
  exp(): Tensor { return ew.exp(this); }
  log(): Tensor { return ew.log(this); }
  sqrt(): Tensor { return ew.sqrt(this); }
  rsqrt(): Tensor { return ew.rsqrt(this); }
  tanh(): Tensor { return ew.tanh(this); }
  sigmoid(): Tensor { return ew.sigmoid(this); }
  relu(): Tensor { return ew.relu(this); }
  /** GELU; approximate 'none' is the exact erf form, 'tanh' the tanh approximation (PyTorch's names). */
  gelu(options?: { approximate?: 'none' | 'tanh' }): Tensor { return ew.gelu(this, options); }
  erf(): Tensor { return ew.erf(this); }
  sign(): Tensor { return ew.sign(this); }
  sin(): Tensor { return ew.sin(this); }
  cos(): Tensor { return ew.cos(this); }
  square(): Tensor { return ew.square(this); }
  reciprocal(): Tensor { return ew.reciprocal(this); }
  clamp(min?: number | null, max?: number | null): Tensor { return ew.clamp(this, min, max); }
  eq(other: TensorLike): Tensor { return ew.compareOp('eq', this, other); }
  ne(other: TensorLike): Tensor { return ew.compareOp('ne', this, other); }
  lt(other: TensorLike): Tensor { return ew.compareOp('lt', this, other); }
  le(other: TensorLike): Tensor { return ew.compareOp('le', this, other); }
  gt(other: TensorLike): Tensor { return ew.compareOp('gt', this, other); }
  ge(other: TensorLike): Tensor { return ew.compareOp('ge', this, other); }
  logicalNot(): Tensor { return ew.logicalNot(this); }
  logicalAnd(other: Tensor): Tensor { return ew.logicalAnd(this, other); }
  logicalOr(other: Tensor): Tensor { return ew.logicalOr(this, other); }
  /** Where mask is true, value; elsewhere this tensor. The mask broadcasts to this shape. */
  maskedFill(mask: Tensor, value: number): Tensor { return ew.maskedFill(this, mask, value); }

  // ---- reductions ----------------------------------------------------------------------------

  sum(dim?: number | readonly number[] | null, keepdim = false): Tensor { return red.sum(this, dim, keepdim); }
  mean(dim?: number | readonly number[] | null, keepdim = false): Tensor { return red.mean(this, dim, keepdim); }
  /** Variance with Bessel's correction by default (correction 1), as torch.var. */
  var(dim?: number | readonly number[] | null, options?: { correction?: number; keepdim?: boolean }): Tensor { return red.variance(this, dim, options); }
  std(dim?: number | readonly number[] | null, options?: { correction?: number; keepdim?: boolean }): Tensor { return red.variance(this, dim, options).sqrt(); }
  /** Largest element; with a dim, the values and indices along it (torch.max). */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? red.maxAll(this) : red.maxDim(this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? red.minAll(this) : red.minDim(this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor { return red.argmax(this, dim, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return red.argmin(this, dim, keepdim); }
  /** The k largest (or smallest) entries along dim and their int32 indices, ties ordered as PyTorch's (torch.topk). */
  topk(k: number, dim = -1, largest: boolean | TopkOptions = true, sorted = true): { values: Tensor; indices: Tensor } {
    return topkOp(this, k, dim, largest, sorted);
  }

  // ---- shape and views -----------------------------------------------------------------------

  /** Same elements in a new shape: a view when strides allow, otherwise a copy (one -1 is inferred). */
  reshape(...shape: (number | readonly number[])[]): Tensor { return view.reshape(this, flattenShapeArgs(shape)); }
  /** Like reshape, but never copies: throws when the strides do not allow a view. */
  view(...shape: (number | readonly number[])[]): Tensor { return view.view(this, flattenShapeArgs(shape)); }
  transpose(dim0: number, dim1: number): Tensor { return view.transpose(this, dim0, dim1); }
  /** 2-D transpose. */
  t(): Tensor { return view.t(this); }
  /** Transpose of the last two dims (PyTorch's .mT). */
  get mT(): Tensor { return view.transpose(this, -2, -1); }
  permute(...dims: (number | readonly number[])[]): Tensor { return view.permute(this, flattenShapeArgs(dims)); }
  /** This tensor if already contiguous, else a contiguous copy. */
  contiguous(): Tensor { return view.contiguous(this); }
  unsqueeze(dim: number): Tensor { return view.unsqueeze(this, dim); }
  squeeze(dim?: number): Tensor { return view.squeeze(this, dim); }
  flatten(startDim = 0, endDim = -1): Tensor { return view.flatten(this, startDim, endDim); }
  unflatten(dim: number, sizes: readonly number[]): Tensor { return view.unflatten(this, dim, sizes); }
  /** A view repeating size-1 dims (stride 0); -1 keeps a size. */
  expand(...shape: (number | readonly number[])[]): Tensor { return view.expand(this, flattenShapeArgs(shape)); }
  expandAs(other: Tensor): Tensor { return view.expand(this, other.shape); }
  /** A view of `length` entries along dim starting at `start`. */
  narrow(dim: number, start: number, length: number): Tensor { return view.narrow(this, dim, start, length); }
  /** Python's x[..., start:end:step] along one dim, as a view; negative bounds count from the end. */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor { return view.slice(this, dim, start, end, step); }
  /** Index one entry of dim, removing it (x[:, i] selects along dim 1). */
  select(dim: number, index: number): Tensor { return view.select(this, dim, index); }
  split(splitSize: number | readonly number[], dim = 0): Tensor[] { return view.split(this, splitSize, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return view.chunk(this, chunks, dim); }
  /** A contiguous copy that is part of the graph. */
  clone(): Tensor { return view.clone(this); }
  /** Tiles the tensor repeats[d] times along each dim; extra leading repeats add dims (Tensor.repeat, a copy). */
  repeat(...repeats: (number | readonly number[])[]): Tensor { return view.repeat(this, flattenShapeArgs(repeats)); }

  // ---- indexing ------------------------------------------------------------------------------

  indexSelect(dim: number, index: Tensor): Tensor { return idx.indexSelect(this, dim, index); }
  gather(dim: number, index: Tensor): Tensor { return idx.gather(this, dim, index); }

  // ---- linear algebra and normalisation ------------------------------------------------------

  matmul(other: Tensor): Tensor { return mm.matmul(this, other); }
  /** 2-D matrix product (torch.mm: no broadcasting, no 1-D operands). */
  mm(other: Tensor): Tensor { return mm.mm(this, other); }
  /** Batched matrix product of 3-D tensors with equal batch sizes (torch.bmm). */
  bmm(other: Tensor): Tensor { return mm.bmm(this, other); }
  softmax(dim: number): Tensor { return sm.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return sm.logSoftmax(this, dim); }
}

function flattenShapeArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && typeof args[0] !== 'number') return [...args[0]!];
  return args as number[];
}
