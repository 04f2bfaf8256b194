/**
 * In-place ops (Tensor.add_, sub_, mul_, div_, clamp_, copy_, fill_, zero_) with PyTorch's autograd
 * rules:
 * - a leaf that requires grad may change in place only under noGrad (optimizers, init);
 * - otherwise, when the tensor or the other operand requires grad, the op is recorded: the tensor
 *   gets a new node whose edge leads to its old history, so `y = x.mul(2); y.add_(1)` backpropagates
 *   through both (the nodes recorded before keep pointing at the old history, as PyTorch's edges do);
 * - every in-place op bumps its storage's version (version.ts); a node whose backward reads a
 *   tensor that changed since fails at backward() with PyTorch's "modified by an inplace operation".
 * Values are computed by the out-of-place op and copied in, so they are bit for bit the same.
 */
import { getBackend } from '../../backend/index.js';
import { ArgumentError } from '../../errors.js';
import { AutogradError, checkNotStale, describeTensor, isGradEnabled, noGrad, recordOp } from '../autograd.js';
import { formatShape, sameShape, ShapeError } from '../shape.js';
import { allocFloat, floatData, strided, Tensor, type TensorLike } from '../tensor.js';
import { bumpGraphVersion, bumpVersion, graphVersionsInUse } from '../version.js';
import * as ew from './elementwise.js';
import { sumToShape } from './reduce.js';

/** The leaf a chain of views of t starts from, when that leaf requires grad. */
function viewedLeaf(t: Tensor): Tensor | null {
  let node = t.gradFn;
  while (node !== null && node.isView) {
    const base = node.inputs[0];
    if (!base) return null;
    if (base.isLeaf) return base.requiresGrad ? base : null;
    node = base.gradFn;
  }
  return null;
}

/** Whether autograd records the op, after PyTorch's checks on what may change in place. */
function shouldRecord(self: Tensor, op: string, others: readonly Tensor[]): boolean {
  if (!isGradEnabled()) return false;
  if (self.requiresGrad && self.isLeaf) {
    throw new AutogradError(
      `${op}: the ${describeTensor(self)} is a leaf that requires grad, so it cannot change in place while autograd records; ` +
        'change it inside noGrad(() => ...), as optimizers do',
    );
  }
  const record = self.dtype === 'float32' && (self.requiresGrad || others.some((o) => o.requiresGrad));
  if (record) {
    if (graphVersionsInUse()) for (const t of [self, ...others]) checkNotStale(t, op);
    const leaf = viewedLeaf(self);
    if (leaf) {
      throw new AutogradError(
        `${op}: the tensor is a view of the ${describeTensor(leaf)}, a leaf that requires grad, so it cannot change in place while autograd records; ` +
          'change it inside noGrad(() => ...)',
      );
    }
  }
  return record;
}

/** Writes value (this shape) into self, which may be any strided view; casts int or bool results into float32. */
function write(self: Tensor, value: Tensor, op: string): void {
  if (!sameShape(value.shape, self.shape)) {
    throw new ShapeError(`${op}: the result has shape ${formatShape(value.shape)}, but an in-place op keeps the tensor's shape ${formatShape(self.shape)}: the other operand must broadcast to it`);
  }
  for (let d = 0; d < self.ndim; d++) {
    if (self.strides[d] === 0 && self.shape[d]! > 1) {
      throw new ArgumentError(`${op}: the tensor is an expanded view whose elements share memory (stride 0 at dim ${d}); clone() it before changing it in place`);
    }
  }
  let v = value;
  if (v.dtype !== self.dtype) {
    if (self.dtype === 'float32' || (self.dtype === 'int32' && v.dtype === 'bool')) v = ew.toDtype(v, self.dtype);
    else throw new ArgumentError(`${op}: the result is ${v.dtype}, which cannot be written into a ${self.dtype} tensor`);
  }
  getBackend().copy(strided(v), strided(self), self.shape);
}

/**
 * The common tail of every in-place op: write, bump the version and, when recording, give self its
 * new node (moving a retainGrad() over to it).
 */
function finish(
  self: Tensor, op: string, value: Tensor, record: boolean, others: readonly Tensor[],
  backward: (g: Tensor) => readonly (Tensor | null)[], saves: () => readonly Tensor[],
): Tensor {
  write(self, value, op);
  bumpVersion(self.storage);
  if (!record) return self;
  const oldNode = self.gradFn;
  recordOp(self, op, [self, ...others], backward, { saves: saves() });
  if (oldNode?.retainer === self) {
    oldNode.retainer = null;
    self.gradFn!.retainer = self;
  }
  self.graphVersion = bumpGraphVersion(self.storage);
  return self;
}

function scalarOr(other: TensorLike, self: Tensor): Tensor {
  return ew.asTensor(other, self);
}

/** self += alpha * other. */
export function add_<T extends Tensor>(self: T, other: TensorLike, options: { alpha?: number } = {}): T {
  const b = scalarOr(other, self);
  const alpha = options.alpha ?? 1;
  const record = shouldRecord(self, 'add_', [b]);
  const value = noGrad(() => ew.add(self, b, options));
  return finish(self, 'add_', value, record, [b], (g) => [g, b.requiresGrad ? sumToShape(alpha === 1 ? g : ew.mul(g, alpha), b.shape) : null], () => []) as T;
}

/** self -= alpha * other. */
export function sub_<T extends Tensor>(self: T, other: TensorLike, options: { alpha?: number } = {}): T {
  const b = scalarOr(other, self);
  const alpha = options.alpha ?? 1;
  const record = shouldRecord(self, 'sub_', [b]);
  const value = noGrad(() => ew.sub(self, b, options));
  return finish(self, 'sub_', value, record, [b], (g) => [g, b.requiresGrad ? sumToShape(ew.mul(g, -alpha), b.shape) : null], () => []) as T;
}

/** self *= other. Where other requires grad, backward needs self's old values: they are copied first. */
export function mul_<T extends Tensor>(self: T, other: TensorLike): T {
  const b = scalarOr(other, self);
  const record = shouldRecord(self, 'mul_', [b]);
  const old = record && b.requiresGrad ? noGrad(() => self.clone()) : null;
  const value = noGrad(() => ew.mul(self, b));
  return finish(
    self, 'mul_', value, record, [b],
    (g) => [ew.mul(g, b), old ? sumToShape(ew.mul(g, old), b.shape) : null],
    () => [b],
  ) as T;
}

/** self /= other; the gradient of other reads the result (d(a/b)/db = -(a/b)/b), which is saved. */
export function div_<T extends Tensor>(self: T, other: TensorLike): T {
  const b = scalarOr(other, self);
  const record = shouldRecord(self, 'div_', [b]);
  const value = noGrad(() => ew.div(self, b));
  return finish(
    self, 'div_', value, record, [b],
    (g) => [ew.div(g, b), b.requiresGrad ? sumToShape(ew.neg(ew.mul(g, ew.div(self, b))), b.shape) : null],
    () => (b.requiresGrad ? [b, self] : [b]),
  ) as T;
}

/** Clamps self into [min, max]; the gradient passes where the old value was inside (as clamp's). */
export function clamp_<T extends Tensor>(self: T, min?: number | null, max?: number | null): T {
  const record = shouldRecord(self, 'clamp_', []);
  const old = record ? noGrad(() => self.clone()) : null;
  const value = noGrad(() => ew.clamp(self, min, max));
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  return finish(
    self, 'clamp_', value, record, [],
    (g) => {
      const gx = allocFloat(old!.numel());
      getBackend().clampBackward(floatData(old!), lo, hi, floatData(g), gx);
      return [new Tensor(gx, old!.shape)];
    },
    () => [],
  ) as T;
}

/** Copies src (broadcast to self's shape, cast to its dtype) into self; the gradient goes to src. */
export function copy_<T extends Tensor>(self: T, src: Tensor): T {
  const record = shouldRecord(self, 'copy_', [src]);
  // a source that shares self's storage is read in full before anything is written
  let source = src.rawStorage !== null && src.storage === self.storage ? noGrad(() => src.clone()) : src;
  source = noGrad(() => source.to(self.dtype).expand(self.shape));
  return finish(
    self, 'copy_', source, record, [src],
    (g) => [Tensor.zeros(self.shape), src.requiresGrad ? sumToShape(g, src.shape) : null],
    () => [],
  ) as T;
}

/** Sets every element of self to value; no gradient flows to self's old values. */
export function fill_<T extends Tensor>(self: T, value: number): T {
  const record = shouldRecord(self, 'fill_', []);
  if (!record && self.isContiguous()) {
    self.storage.fill(value, self.offset, self.offset + self.numel());
    bumpVersion(self.storage);
    return self;
  }
  const filled = Tensor.scalar(value, self.dtype).expand(self.shape);
  return finish(self, 'fill_', filled, record, [], () => [Tensor.zeros(self.shape)], () => []) as T;
}
