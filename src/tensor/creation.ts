/** Tensor factories with PyTorch's names: tensor, zeros, ones, full, arange, rand, randn, randint, ... */
import type { DType, Storage } from '../backend/index.js';
import { defaultGenerator, type Generator } from './random.js';
import { formatShape, numelOf, ShapeError, type Shape } from './shape.js';
import { allocStorage, dtypeOf, Tensor } from './tensor.js';
import type { NestedArray } from './format.js';
import { checkDtype } from './dtype.js';
import { ArgumentError } from '../errors.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

const FLOAT_ONLY = ['float32'] as const;
const INT_OR_FLOAT = ['int32', 'float32'] as const;

/**
 * A typed array as tensor storage: float32, int32 and bool (Uint8Array) arrays as they are, a
 * Float64Array as float32 and smaller integer arrays as int32 (JavaScript's own number arrays, so
 * copying them is what a user means); anything else is an error naming what is accepted.
 */
function typedArrayStorage(data: unknown): Storage {
  if (data instanceof Float32Array || data instanceof Int32Array || data instanceof Uint8Array) return data;
  if (data instanceof Float64Array) return Float32Array.from(data);
  if (data instanceof Int8Array || data instanceof Int16Array || data instanceof Uint16Array || data instanceof Uint8ClampedArray) return Int32Array.from(data);
  const kind = (data as object)?.constructor?.name ?? typeof data;
  throw new ArgumentError(`tensor: cannot make a tensor from a ${kind}; pass a Float32Array, Float64Array, Int32Array (or a smaller integer array), Uint8Array (bool) or nested arrays`);
}

function finish(t: Tensor, options: TensorOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

function inferNested(data: NestedArray, op: string): { shape: number[]; flat: (number | boolean)[] } {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  const flat: (number | boolean)[] = [];
  const walk = (x: NestedArray, d: number): void => {
    if (d === shape.length) {
      if (Array.isArray(x)) throw new ShapeError(`${op}: ragged nested array (too deep at dim ${d})`);
      if (typeof x !== 'number' && typeof x !== 'boolean') throw new ArgumentError(`${op}: expected numbers or booleans, got ${typeof x}`);
      flat.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[d]) {
      throw new ShapeError(`${op}: ragged nested array: expected length ${shape[d]} at dim ${d}, got ${Array.isArray(x) ? x.length : 'a number'}`);
    }
    for (const v of x) walk(v, d + 1);
  };
  walk(data, 0);
  return { shape, flat };
}

/**
 * A tensor from nested arrays, a typed array or a number (torch.tensor). Numbers default to
 * float32, booleans to bool, and typed arrays keep their type (a Float64Array becomes float32, a
 * smaller integer array int32); `shape` reshapes flat data. dtype is float32, int32 or bool.
 */
export function tensor(data: NestedArray | Storage | Float64Array | Int8Array | Int16Array | Uint16Array | Uint8ClampedArray | readonly number[], options: TensorOptions & { shape?: Shape } = {}): Tensor {
  let storage: Storage;
  let shape: number[];
  if (ArrayBuffer.isView(data)) {
    const src = typedArrayStorage(data);
    const dtype = options.dtype === undefined ? dtypeOf(src) : checkDtype(options.dtype, 'tensor');
    storage = allocStorage(dtype, src.length);
    if (dtype === 'bool') for (let i = 0; i < src.length; i++) storage[i] = src[i] ? 1 : 0;
    else storage.set(src);
    shape = [src.length];
  } else {
    const { shape: s, flat } = inferNested(data as NestedArray, 'tensor');
    const dtype = options.dtype === undefined ? (flat.length > 0 && typeof flat[0] === 'boolean' ? 'bool' : 'float32') : checkDtype(options.dtype, 'tensor');
    storage = allocStorage(dtype, flat.length);
    for (let i = 0; i < flat.length; i++) storage[i] = Number(flat[i]);
    shape = s;
  }
  if (options.shape) {
    if (numelOf(options.shape) !== storage.length) {
      throw new ShapeError(`tensor: ${storage.length} values do not fill shape ${formatShape(options.shape)}`);
    }
    shape = [...options.shape];
  }
  return finish(new Tensor(storage, shape), options);
}

function checkShape(shape: Shape, op: string): void {
  for (const s of shape) if (!Number.isInteger(s) || s < 0) throw new ShapeError(`${op}: invalid shape ${formatShape(shape)}`);
}

/** A tensor of shape filled with value; `op` names the factory in errors. */
function filled(shape: Shape, value: number, options: TensorOptions, op: string): Tensor {
  checkShape(shape, op);
  const t = Tensor.empty(shape, checkDtype(options.dtype ?? 'float32', op));
  t.storage.fill(value);
  return finish(t, options);
}

/** A tensor of shape filled with value (torch.full); float32 unless options.dtype says otherwise. */
export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  return filled(shape, value, options, 'full');
}

export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  return filled(shape, 0, options, 'zeros');
}

export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return filled(shape, 1, options, 'ones');
}

/** Uninitialised in PyTorch; here zero-filled, so that no stale pool contents ever show. */
export function empty(shape: Shape, options: TensorOptions = {}): Tensor {
  return filled(shape, 0, options, 'empty');
}

export function zerosLike(x: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(x.shape, { dtype: x.dtype, ...options });
}

export function onesLike(x: Tensor, options: TensorOptions = {}): Tensor {
  return ones(x.shape, { dtype: x.dtype, ...options });
}

export function fullLike(x: Tensor, value: number, options: TensorOptions = {}): Tensor {
  return full(x.shape, value, { dtype: x.dtype, ...options });
}

/** Values from start (inclusive) to end (exclusive) by step; int32 when all three are integers. */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  let lo = start;
  let hi = end;
  if (hi === undefined) { hi = lo; lo = 0; }
  if (step === 0) throw new ArgumentError('arange: step must be non-zero');
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const dtype = options.dtype !== undefined ? checkDtype(options.dtype, 'arange') : Number.isInteger(lo) && Number.isInteger(hi) && Number.isInteger(step) ? 'int32' : 'float32';
  const storage = allocStorage(dtype, n);
  for (let i = 0; i < n; i++) storage[i] = lo + i * step;
  return finish(new Tensor(storage, [n]), options);
}

export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  const storage = allocStorage(checkDtype(options.dtype ?? 'float32', 'linspace'), steps);
  for (let i = 0; i < steps; i++) storage[i] = steps === 1 ? start : start + ((end - start) * i) / (steps - 1);
  return finish(new Tensor(storage, [steps]), options);
}

export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  const t = zeros([n, m], options);
  for (let i = 0; i < Math.min(n, m); i++) t.storage[i * m + i] = 1;
  return t;
}

/** Uniform on [0, 1), float32 (the only dtype rand makes: use randint for integers). */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  checkShape(shape, 'rand');
  if (options.dtype !== undefined) checkDtype(options.dtype, 'rand', FLOAT_ONLY);
  const g = options.generator ?? defaultGenerator;
  const t = Tensor.empty(shape);
  const s = t.storage;
  for (let i = 0; i < s.length; i++) s[i] = g.uniform();
  return finish(t, options);
}

/** Standard normal, float32 (the only dtype randn makes). */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  checkShape(shape, 'randn');
  if (options.dtype !== undefined) checkDtype(options.dtype, 'randn', FLOAT_ONLY);
  const g = options.generator ?? defaultGenerator;
  const t = Tensor.empty(shape);
  const s = t.storage;
  for (let i = 0; i < s.length; i++) s[i] = g.normal();
  return finish(t, options);
}

/** Uniform integers in [0, high) or [low, high), int32 by default (torch.randint(high, size) and torch.randint(low, high, size)). */
export function randint(high: number, shape: Shape, options?: RandomOptions): Tensor;
export function randint(low: number, high: number, shape: Shape, options?: RandomOptions): Tensor;
export function randint(first: number, second: number | Shape, third?: Shape | RandomOptions, fourth?: RandomOptions): Tensor {
  const withLow = typeof second === 'number';
  const low = withLow ? first : 0;
  const high = withLow ? second : first;
  const shape = (withLow ? third : second) as Shape;
  const options = (withLow ? fourth : (third as RandomOptions | undefined)) ?? {};
  if (!Array.isArray(shape)) throw new ArgumentError('randint: expected randint(high, shape) or randint(low, high, shape), with shape an array of sizes');
  checkShape(shape, 'randint');
  const g = options.generator ?? defaultGenerator;
  const t = Tensor.empty(shape, checkDtype(options.dtype ?? 'int32', 'randint', INT_OR_FLOAT));
  const s = t.storage;
  for (let i = 0; i < s.length; i++) s[i] = g.integer(low, high);
  return t;
}

/** 1 with probability p, else 0, elementwise (torch.bernoulli with a scalar p). */
export function bernoulli(shape: Shape, p: number, options: RandomOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`bernoulli: p must be in [0, 1], got ${p}`);
  const g = options.generator ?? defaultGenerator;
  const t = Tensor.empty(shape, checkDtype(options.dtype ?? 'float32', 'bernoulli'));
  const s = t.storage;
  for (let i = 0; i < s.length; i++) s[i] = g.uniform() < p ? 1 : 0;
  return t;
}

export function randLike(x: Tensor, options: RandomOptions = {}): Tensor {
  return rand(x.shape, options);
}

export function randnLike(x: Tensor, options: RandomOptions = {}): Tensor {
  return randn(x.shape, options);
}

function triangle(x: Tensor, diagonal: number, upper: boolean): Tensor {
  if (x.ndim < 2) throw new ShapeError(`${upper ? 'triu' : 'tril'}: expects a tensor with at least 2 dims, got ${formatShape(x.shape)}`);
  const rows = x.shape[x.ndim - 2]!;
  const cols = x.shape[x.ndim - 1]!;
  const keep = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) keep[i * cols + j] = (upper ? j - i >= diagonal : j - i <= diagonal) ? 1 : 0;
  }
  const mask = new Tensor(keep, [rows, cols]);
  return x.maskedFill(mask.logicalNot(), 0);
}

/** Upper triangle (j - i >= diagonal) of the last two dims, zeros elsewhere (torch.triu). */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, true);
}

/** Lower triangle (j - i <= diagonal) of the last two dims, zeros elsewhere (torch.tril). */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, false);
}

/**
 * Draws numSamples category indices per row of probs ([V] or [B, V], rows need not sum to 1),
 * with replacement (torch.multinomial(probs, n, replacement=True)).
 */
export function multinomial(probs: Tensor, numSamples: number, options: { generator?: Generator } = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  const rows = probs.ndim === 1 ? 1 : probs.shape[0]!;
  const V = probs.shape[probs.ndim - 1]!;
  const p = probs.values();
  const out = new Int32Array(rows * numSamples);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let j = 0; j < V; j++) {
      const v = p[r * V + j]!;
      if (!(v >= 0) || !Number.isFinite(v)) throw new ArgumentError('multinomial: probabilities must be finite and non-negative');
      total += v;
    }
    if (total <= 0) throw new ArgumentError('multinomial: a row of probabilities sums to zero');
    // rounding can leave u >= 0 after the last subtraction: fall back to the last category with weight
    let lastPositive = V - 1;
    while (lastPositive > 0 && !(p[r * V + lastPositive]! > 0)) lastPositive--;
    for (let s = 0; s < numSamples; s++) {
      let u = g.uniform53() * total;
      let pick = lastPositive;
      for (let j = 0; j < V; j++) {
        u -= p[r * V + j]!;
        if (u < 0) { pick = j; break; }
      }
      out[r * numSamples + s] = pick;
    }
  }
  return new Tensor(out, probs.ndim === 1 ? [numSamples] : [rows, numSamples]);
}
