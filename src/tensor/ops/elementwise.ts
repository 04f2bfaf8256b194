/** Elementwise ops with broadcasting: arithmetic, unary maths, comparisons, where. */
import { getBackend, type BinaryOp, type CompareOp, type DType, type UnaryOp } from '../../backend/index.js';
import { recordOp } from '../autograd.js';
import { broadcastShapes, broadcastStrides, numelOf, sameShape, ShapeError } from '../shape.js';
import { allocFloat, allocStorage, dataOf, floatData, Tensor, type TensorLike } from '../tensor.js';
import { sumToShape } from './reduce.js';
import { checkDtype } from '../dtype.js';
import { ArgumentError, ConfigError } from '../../errors.js';

/** A number becomes a 0-d tensor: int32 when it is an integer meeting an integer tensor. */
export function asTensor(x: TensorLike, like: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  const dtype: DType = like.dtype !== 'float32' && Number.isInteger(x) ? 'int32' : 'float32';
  return Tensor.scalar(x, dtype);
}

/** x as dtype: x itself when it has it, else a converted copy (outside the graph: casts have no gradient). */
export function toDtype(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  checkDtype(dtype, 'to');
  const out = allocStorage(dtype, x.numel());
  getBackend().cast(dataOf(x), out);
  return new Tensor(out, x.shape);
}

/** PyTorch's promotion, reduced to our dtypes: any float operand makes the result float. */
function promote(a: Tensor, b: Tensor, op: BinaryOp): DType {
  if (a.dtype === 'float32' || b.dtype === 'float32' || op === 'div') return 'float32';
  return 'int32';
}

function binaryForward(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const same = sameShape(a.shape, b.shape);
  const shape = same ? a.shape : broadcastShapes(a.shape, b.shape, op);
  const dtype = promote(a, b, op);
  const x = toDtype(a, dtype);
  const y = toDtype(b, dtype);
  const out = allocStorage(dtype, numelOf(shape));
  getBackend().binary(
    op,
    { data: x.storage, offset: x.offset, strides: same ? x.strides : broadcastStrides(x.shape, x.strides, shape) },
    { data: y.storage, offset: y.offset, strides: same ? y.strides : broadcastStrides(y.shape, y.strides, shape) },
    out,
    shape,
  );
  return new Tensor(out, shape);
}

/** What a product's backward reads, as PyTorch saves it: b for a's gradient, a for b's. */
export function crossSaves(a: Tensor, b: Tensor): Tensor[] {
  if (a.requiresGrad && b.requiresGrad) return [a, b];
  return a.requiresGrad ? [b] : [a];
}

export function add(a: Tensor, other: TensorLike, options: { alpha?: number } = {}): Tensor {
  let b = asTensor(other, a);
  if (options.alpha !== undefined && options.alpha !== 1) b = mul(b, options.alpha);
  const out = binaryForward('add', a, b);
  return recordOp(out, 'add', [a, b], (g) => [sumToShape(g, a.shape), sumToShape(g, b.shape)], { saves: [] });
}

export function sub(a: Tensor, other: TensorLike, options: { alpha?: number } = {}): Tensor {
  let b = asTensor(other, a);
  if (options.alpha !== undefined && options.alpha !== 1) b = mul(b, options.alpha);
  const out = binaryForward('sub', a, b);
  return recordOp(out, 'sub', [a, b], (g) => [sumToShape(g, a.shape), sumToShape(neg(g), b.shape)], { saves: [] });
}

export function mul(a: Tensor, other: TensorLike): Tensor {
  const b = asTensor(other, a);
  const out = binaryForward('mul', a, b);
  return recordOp(out, 'mul', [a, b], (g) => [
    a.requiresGrad ? sumToShape(mul(g, b), a.shape) : null,
    b.requiresGrad ? sumToShape(mul(g, a), b.shape) : null,
  ], { saves: crossSaves(a, b) });
}

export function div(a: Tensor, other: TensorLike): Tensor {
  const b = asTensor(other, a);
  const out = binaryForward('div', a, b);
  return recordOp(out, 'div', [a, b], (g) => [
    a.requiresGrad ? sumToShape(div(g, b), a.shape) : null,
    // d(a/b)/db = -a/b^2 = -out/b
    b.requiresGrad ? sumToShape(neg(mul(g, div(out, b))), b.shape) : null,
  ], { saves: b.requiresGrad ? [b, out] : [b] });
}

export function pow(a: Tensor, exponent: TensorLike): Tensor {
  if (typeof exponent === 'number') {
    const out = binaryForward('pow', a, Tensor.scalar(exponent));
    return recordOp(out, 'pow', [a], (g) => [
      exponent === 0 ? mul(g, 0) : mul(g, mul(binaryForward('pow', a, Tensor.scalar(exponent - 1)), exponent)),
    ], { saves: [a] });
  }
  const b = exponent;
  const out = binaryForward('pow', a, b);
  return recordOp(out, 'pow', [a, b], (g) => [
    a.requiresGrad ? sumToShape(mul(g, mul(b, pow(a, sub(b, 1)))), a.shape) : null,
    // PyTorch masks the exponent's gradient where the base is 0 and the exponent >= 0
    b.requiresGrad ? sumToShape(maskedFill(mul(g, mul(out, log(a))), a.eq(0).logicalAnd(b.ge(0)), 0), b.shape) : null,
  ], { saves: b.requiresGrad ? [a, b, out] : [a, b] });
}

function minMaxBackward(g: Tensor, a: Tensor, b: Tensor, aWins: Tensor, ties: Tensor): [Tensor | null, Tensor | null] {
  // PyTorch splits the gradient evenly between equal operands
  const half = mul(g, 0.5);
  const ga = where(ties, half, where(aWins, g, 0));
  const gb = where(ties, half, where(aWins, 0, g));
  return [a.requiresGrad ? sumToShape(ga, a.shape) : null, b.requiresGrad ? sumToShape(gb, b.shape) : null];
}

export function maximum(a: Tensor, other: TensorLike): Tensor {
  const b = asTensor(other, a);
  const out = binaryForward('maximum', a, b);
  return recordOp(out, 'maximum', [a, b], (g) => minMaxBackward(g, a, b, compareOp('gt', a, b), compareOp('eq', a, b)), { saves: [a, b] });
}

export function minimum(a: Tensor, other: TensorLike): Tensor {
  const b = asTensor(other, a);
  const out = binaryForward('minimum', a, b);
  return recordOp(out, 'minimum', [a, b], (g) => minMaxBackward(g, a, b, compareOp('lt', a, b), compareOp('eq', a, b)), { saves: [a, b] });
}

// ---- unary ---------------------------------------------------------------------------------------

function unaryOp(op: UnaryOp, input: Tensor): Tensor {
  const x = toDtype(input, 'float32');
  const xs = floatData(x);
  const out = allocFloat(xs.length);
  getBackend().unary(op, xs, out);
  const y = new Tensor(out, x.shape);
  return recordOp(y, op, [input], (g) => {
    const gx = allocFloat(xs.length);
    getBackend().unaryBackward(op, xs, out, floatData(g), gx);
    return [new Tensor(gx, x.shape)];
  }, { saves: [x, y] });
}

export function neg(x: Tensor): Tensor {
  return x.dtype === 'float32' ? unaryOp('neg', x) : mul(x, -1);
}
export function abs(x: Tensor): Tensor {
  return x.dtype === 'float32' ? unaryOp('abs', x) : where(compareOp('lt', x, 0), mul(x, -1), x);
}
export const exp = (x: Tensor): Tensor => unaryOp('exp', x);
export const log = (x: Tensor): Tensor => unaryOp('log', x);
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x);
export const rsqrt = (x: Tensor): Tensor => unaryOp('rsqrt', x);
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', x);
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', x);
export const relu = (x: Tensor): Tensor => unaryOp('relu', x);
export const erf = (x: Tensor): Tensor => unaryOp('erf', x);
export const sign = (x: Tensor): Tensor => unaryOp('sign', x);
export const sin = (x: Tensor): Tensor => unaryOp('sin', x);
export const cos = (x: Tensor): Tensor => unaryOp('cos', x);
export const square = (x: Tensor): Tensor => unaryOp('square', x);
export const reciprocal = (x: Tensor): Tensor => unaryOp('reciprocal', x);

/** GELU (Hendrycks & Gimpel): exact x * Phi(x) by default, or PyTorch's approximate='tanh'. */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ConfigError('approximate', `gelu: unknown value '${String(approximate)}'`, ['none', 'tanh']);
  }
  return unaryOp(approximate === 'tanh' ? 'geluTanh' : 'gelu', x);
}

/** Clamps into [min, max]; either bound may be omitted. The gradient passes where min <= x <= max. */
export function clamp(input: Tensor, min?: number | null, max?: number | null): Tensor {
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new ArgumentError('clamp: at least one of min or max must be given');
  }
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const x = toDtype(input, 'float32');
  const xs = floatData(x);
  const out = allocFloat(xs.length);
  getBackend().clamp(xs, lo, hi, out);
  const y = new Tensor(out, x.shape);
  return recordOp(y, 'clamp', [input], (g) => {
    const gx = allocFloat(xs.length);
    getBackend().clampBackward(xs, lo, hi, floatData(g), gx);
    return [new Tensor(gx, x.shape)];
  }, { saves: [x] });
}

// ---- comparisons and selection -----------------------------------------------------------------

export function compareOp(op: CompareOp, a: Tensor, other: TensorLike): Tensor {
  const b = asTensor(other, a);
  const shape = broadcastShapes(a.shape, b.shape, op);
  const out = allocStorage('bool', numelOf(shape)) as Uint8Array;
  getBackend().compare(
    op,
    { data: a.storage, offset: a.offset, strides: broadcastStrides(a.shape, a.strides, shape) },
    { data: b.storage, offset: b.offset, strides: broadcastStrides(b.shape, b.strides, shape) },
    out,
    shape,
  );
  return new Tensor(out, shape);
}

export function logicalNot(x: Tensor): Tensor {
  return compareOp('eq', x, 0);
}

export function logicalAnd(a: Tensor, b: Tensor): Tensor {
  return toDtype(binaryForward('mul', compareOp('ne', a, 0), compareOp('ne', b, 0)), 'bool');
}

export function logicalOr(a: Tensor, b: Tensor): Tensor {
  return toDtype(binaryForward('maximum', compareOp('ne', a, 0), compareOp('ne', b, 0)), 'bool');
}

/** cond ? a : b elementwise, all three broadcast together (torch.where). */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : Tensor.scalar(0);
  let x = asTensor(a, like);
  let y = asTensor(b, like);
  const dtype: DType = x.dtype === 'float32' || y.dtype === 'float32' ? 'float32' : x.dtype === y.dtype ? x.dtype : 'int32';
  x = toDtype(x, dtype);
  y = toDtype(y, dtype);
  const shape = broadcastShapes(broadcastShapes(cond.shape, x.shape, 'where'), y.shape, 'where');
  const out = allocStorage(dtype, numelOf(shape));
  getBackend().where(
    { data: cond.storage, offset: cond.offset, strides: broadcastStrides(cond.shape, cond.strides, shape) },
    { data: x.storage, offset: x.offset, strides: broadcastStrides(x.shape, x.strides, shape) },
    { data: y.storage, offset: y.offset, strides: broadcastStrides(y.shape, y.strides, shape) },
    out,
    shape,
  );
  const result = new Tensor(out, shape);
  const xs = x, ys = y;
  return recordOp(result, 'where', [xs, ys], (g) => [
    xs.requiresGrad ? sumToShape(where(cond, g, 0), xs.shape) : null,
    ys.requiresGrad ? sumToShape(where(cond, 0, g), ys.shape) : null,
  ], { saves: [cond] });
}

/** x with `value` where mask is true; the mask broadcasts to x's shape (Tensor.masked_fill). */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  const shape = broadcastShapes(x.shape, mask.shape, 'maskedFill');
  if (shape.length !== x.shape.length || shape.some((s, i) => s !== x.shape[i])) {
    throw new ShapeError(`maskedFill: mask of shape [${mask.shape.join(', ')}] does not broadcast to [${x.shape.join(', ')}]`);
  }
  const out = where(mask, Tensor.scalar(value, x.dtype), x.detach());
  return recordOp(out, 'maskedFill', [x], (g) => [where(mask, 0, g)], { saves: [mask] });
}
