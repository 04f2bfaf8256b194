import type { BinaryOp, CompareOp, Storage, Strided, UnaryOp } from '../backend.js';
import { erf32, gelu, geluBackward } from './erf32.js';

const GELU_TANH_C = Math.sqrt(2 / Math.PI);

export function unary(op: UnaryOp, x: Float32Array, out: Float32Array): void {
  const n = x.length;
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -x[i]!; return;
    case 'abs': for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!); return;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!); return;
    case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!); return;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!); return;
    case 'rsqrt': for (let i = 0; i < n; i++) out[i] = 1 / Math.sqrt(x[i]!); return;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!); return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        // two branches so exp never overflows
        if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
        else { const e = Math.exp(v); out[i] = e / (1 + e); }
      }
      return;
    // NaN propagates, as in PyTorch
    case 'relu': for (let i = 0; i < n; i++) { const v = x[i]!; out[i] = v > 0 || v !== v ? v : 0; } return;
    case 'gelu': gelu(x, out); return;
    case 'geluTanh':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = 0.5 * v * (1 + Math.tanh(GELU_TANH_C * (v + 0.044715 * v * v * v)));
      }
      return;
    case 'erf': for (let i = 0; i < n; i++) out[i] = erf32(x[i]!); return;
    case 'sign': for (let i = 0; i < n; i++) { const v = x[i]!; out[i] = v > 0 ? 1 : v < 0 ? -1 : v; } return;
    case 'sin': for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]!); return;
    case 'cos': for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]!); return;
    case 'square': for (let i = 0; i < n; i++) { const v = x[i]!; out[i] = v * v; } return;
    case 'reciprocal': for (let i = 0; i < n; i++) out[i] = 1 / x[i]!; return;
  }
}

export function unaryBackward(op: UnaryOp, x: Float32Array, y: Float32Array, gy: Float32Array, gx: Float32Array): void {
  const n = x.length;
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) gx[i] = -gy[i]!; return;
    case 'abs': for (let i = 0; i < n; i++) { const v = x[i]!; gx[i] = v > 0 ? gy[i]! : v < 0 ? -gy[i]! : 0; } return;
    case 'exp': for (let i = 0; i < n; i++) gx[i] = gy[i]! * y[i]!; return;
    case 'log': for (let i = 0; i < n; i++) gx[i] = gy[i]! / x[i]!; return;
    case 'sqrt': for (let i = 0; i < n; i++) gx[i] = gy[i]! / (2 * y[i]!); return;
    case 'rsqrt': for (let i = 0; i < n; i++) { const r = y[i]!; gx[i] = -0.5 * gy[i]! * r * r * r; } return;
    case 'tanh': for (let i = 0; i < n; i++) { const t = y[i]!; gx[i] = gy[i]! * (1 - t * t); } return;
    case 'sigmoid': for (let i = 0; i < n; i++) { const s = y[i]!; gx[i] = gy[i]! * s * (1 - s); } return;
    case 'relu': for (let i = 0; i < n; i++) gx[i] = y[i]! > 0 ? gy[i]! : 0; return;
    case 'gelu': geluBackward(x, gy, gx); return;
    case 'geluTanh':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        const inner = GELU_TANH_C * (v + 0.044715 * v * v * v);
        const t = Math.tanh(inner);
        const dInner = GELU_TANH_C * (1 + 3 * 0.044715 * v * v);
        gx[i] = gy[i]! * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * dInner);
      }
      return;
    case 'erf': for (let i = 0; i < n; i++) { const v = x[i]!; gx[i] = gy[i]! * 1.1283791670955126 * Math.exp(-v * v); } return;
    case 'sign': gx.fill(0); return;
    case 'sin': for (let i = 0; i < n; i++) gx[i] = gy[i]! * Math.cos(x[i]!); return;
    case 'cos': for (let i = 0; i < n; i++) gx[i] = -gy[i]! * Math.sin(x[i]!); return;
    case 'square': for (let i = 0; i < n; i++) gx[i] = 2 * gy[i]! * x[i]!; return;
    case 'reciprocal': for (let i = 0; i < n; i++) { const r = y[i]!; gx[i] = -gy[i]! * r * r; } return;
  }
}

function isContiguous(strides: readonly number[], shape: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

function isScalar(strides: readonly number[]): boolean {
  for (const s of strides) if (s !== 0) return false;
  return true;
}

function applyFlat(op: BinaryOp, a: Float32Array, ao: number, b: Float32Array, bo: number, out: Float32Array, n: number): void {
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) out[i] = a[ao + i]! + b[bo + i]!; return;
    case 'sub': for (let i = 0; i < n; i++) out[i] = a[ao + i]! - b[bo + i]!; return;
    case 'mul': for (let i = 0; i < n; i++) out[i] = a[ao + i]! * b[bo + i]!; return;
    case 'div': for (let i = 0; i < n; i++) out[i] = a[ao + i]! / b[bo + i]!; return;
    case 'pow': for (let i = 0; i < n; i++) out[i] = Math.pow(a[ao + i]!, b[bo + i]!); return;
    case 'maximum': for (let i = 0; i < n; i++) out[i] = maxNan(a[ao + i]!, b[bo + i]!); return;
    case 'minimum': for (let i = 0; i < n; i++) out[i] = minNan(a[ao + i]!, b[bo + i]!); return;
  }
}

function applyScalarRight(op: BinaryOp, a: Float32Array, ao: number, s: number, out: Float32Array, n: number): void {
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) out[i] = a[ao + i]! + s; return;
    case 'sub': for (let i = 0; i < n; i++) out[i] = a[ao + i]! - s; return;
    case 'mul': for (let i = 0; i < n; i++) out[i] = a[ao + i]! * s; return;
    case 'div': for (let i = 0; i < n; i++) out[i] = a[ao + i]! / s; return;
    case 'pow':
      if (s === 2) { for (let i = 0; i < n; i++) { const v = a[ao + i]!; out[i] = v * v; } return; }
      for (let i = 0; i < n; i++) out[i] = Math.pow(a[ao + i]!, s);
      return;
    case 'maximum': for (let i = 0; i < n; i++) out[i] = maxNan(a[ao + i]!, s); return;
    case 'minimum': for (let i = 0; i < n; i++) out[i] = minNan(a[ao + i]!, s); return;
  }
}

function scalarOp(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case 'add': return x + y;
    case 'sub': return x - y;
    case 'mul': return x * y;
    case 'div': return x / y;
    case 'pow': return Math.pow(x, y);
    case 'maximum': return maxNan(x, y);
    case 'minimum': return minNan(x, y);
  }
}

// PyTorch's maximum/minimum propagate NaN from either side.
function maxNan(x: number, y: number): number { return x !== x || y !== y ? NaN : x > y ? x : y; }
function minNan(x: number, y: number): number { return x !== x || y !== y ? NaN : x < y ? x : y; }

/**
 * Walks `shape` in row-major order calling `row(outOffset, aOffset, bOffset, cOffset, rowLength)`
 * for each run along the last axis. Shared by every strided elementwise kernel.
 */
function forEachRow(
  shape: readonly number[], aStrides: readonly number[], bStrides: readonly number[], cStrides: readonly number[],
  aBase: number, bBase: number, cBase: number,
  row: (o: number, a: number, b: number, c: number, len: number) => void,
): void {
  const rank = shape.length;
  if (rank === 0) { row(0, aBase, bBase, cBase, 1); return; }
  const len = shape[rank - 1]!;
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= shape[d]!;
  if (rows === 0 || len === 0) return;
  const idx = new Array<number>(rank - 1).fill(0);
  let a = aBase, b = bBase, c = cBase;
  for (let r = 0; r < rows; r++) {
    row(r * len, a, b, c, len);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      a += aStrides[d]!; b += bStrides[d]!; c += cStrides[d]!;
      if (idx[d]! < shape[d]!) break;
      a -= aStrides[d]! * shape[d]!; b -= bStrides[d]! * shape[d]!; c -= cStrides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

export function binary(op: BinaryOp, a: Strided, b: Strided, out: Storage, shape: readonly number[]): void {
  if (!(out instanceof Float32Array && a.data instanceof Float32Array && b.data instanceof Float32Array)) {
    return binaryAnyDtype(op, a, b, out, shape);
  }
  binaryFloat(op, a as Strided<Float32Array>, b as Strided<Float32Array>, out, shape);
}

// Kept apart from the float path so V8 sees only Float32Array there and keeps it monomorphic.
function binaryAnyDtype(op: BinaryOp, a: Strided, b: Strided, out: Storage, shape: readonly number[]): void {
  const zero = new Array<number>(shape.length).fill(0);
  const ad = a.data, bd = b.data;
  const rank = shape.length;
  const as = rank ? a.strides[rank - 1]! : 0;
  const bs = rank ? b.strides[rank - 1]! : 0;
  // int32 products and powers can exceed 2^53, where a double loses the low bits that wrapping keeps
  const int = out instanceof Int32Array;
  forEachRow(shape, a.strides, b.strides, zero, a.offset, b.offset, 0, (o, ao, bo, _c, len) => {
    if (int && op === 'mul') for (let j = 0; j < len; j++) out[o + j] = Math.imul(ad[ao + j * as]!, bd[bo + j * bs]!);
    else if (int && op === 'pow') for (let j = 0; j < len; j++) out[o + j] = intPow(ad[ao + j * as]!, bd[bo + j * bs]!);
    else for (let j = 0; j < len; j++) out[o + j] = scalarOp(op, ad[ao + j * as]!, bd[bo + j * bs]!);
  });
}

/** x^y in wrapping int32 arithmetic by repeated squaring; a negative y truncates x^y toward zero. */
function intPow(x: number, y: number): number {
  if (y < 0) return Math.trunc(Math.pow(x, y));
  let r = 1;
  for (let b = x, e = y; e > 0; e >>>= 1) {
    if (e & 1) r = Math.imul(r, b);
    b = Math.imul(b, b);
  }
  return r;
}

function binaryFloat(op: BinaryOp, a: Strided<Float32Array>, b: Strided<Float32Array>, out: Float32Array, shape: readonly number[]): void {
  const n = out.length;
  const aContig = isContiguous(a.strides, shape);
  const bContig = isContiguous(b.strides, shape);
  if (aContig && bContig) return applyFlat(op, a.data, a.offset, b.data, b.offset, out, n);
  if (aContig && isScalar(b.strides)) return applyScalarRight(op, a.data, a.offset, b.data[b.offset]!, out, n);
  if (isScalar(a.strides) && bContig) {
    const s = a.data[a.offset]!;
    const bd = b.data, bo = b.offset;
    if (op === 'add' || op === 'mul' || op === 'maximum' || op === 'minimum') return applyScalarRight(op, bd, bo, s, out, n);
    for (let i = 0; i < n; i++) out[i] = scalarOp(op, s, bd[bo + i]!);
    return;
  }
  const zero = new Array<number>(shape.length).fill(0);
  const ad = a.data, bd = b.data;
  const rank = shape.length;
  const as = rank ? a.strides[rank - 1]! : 0;
  const bs = rank ? b.strides[rank - 1]! : 0;
  forEachRow(shape, a.strides, b.strides, zero, a.offset, b.offset, 0, (o, ao, bo, _c, len) => {
    if (as === 1 && bs === 1) {
      switch (op) {
        case 'add': for (let j = 0; j < len; j++) out[o + j] = ad[ao + j]! + bd[bo + j]!; return;
        case 'mul': for (let j = 0; j < len; j++) out[o + j] = ad[ao + j]! * bd[bo + j]!; return;
        default: break;
      }
    } else if (as === 1 && bs === 0) {
      const s = bd[bo]!;
      switch (op) {
        case 'add': for (let j = 0; j < len; j++) out[o + j] = ad[ao + j]! + s; return;
        case 'sub': for (let j = 0; j < len; j++) out[o + j] = ad[ao + j]! - s; return;
        case 'mul': for (let j = 0; j < len; j++) out[o + j] = ad[ao + j]! * s; return;
        case 'div': for (let j = 0; j < len; j++) out[o + j] = ad[ao + j]! / s; return;
        default: break;
      }
    }
    for (let j = 0; j < len; j++) out[o + j] = scalarOp(op, ad[ao + j * as]!, bd[bo + j * bs]!);
  });
}

function compareValues(op: CompareOp, x: number, y: number): boolean {
  switch (op) {
    case 'eq': return x === y;
    case 'ne': return x !== y;
    case 'lt': return x < y;
    case 'le': return x <= y;
    case 'gt': return x > y;
    case 'ge': return x >= y;
  }
}

export function compare(op: CompareOp, a: Strided, b: Strided, out: Uint8Array, shape: readonly number[]): void {
  const zero = new Array<number>(shape.length).fill(0);
  const ad = a.data, bd = b.data;
  const rank = shape.length;
  const as = rank ? a.strides[rank - 1]! : 0;
  const bs = rank ? b.strides[rank - 1]! : 0;
  forEachRow(shape, a.strides, b.strides, zero, a.offset, b.offset, 0, (o, ao, bo, _c, len) => {
    for (let j = 0; j < len; j++) out[o + j] = compareValues(op, ad[ao + j * as]!, bd[bo + j * bs]!) ? 1 : 0;
  });
}

export function where(cond: Strided, a: Strided, b: Strided, out: Storage, shape: readonly number[]): void {
  const cd = cond.data, ad = a.data, bd = b.data;
  const rank = shape.length;
  const cs = rank ? cond.strides[rank - 1]! : 0;
  const as = rank ? a.strides[rank - 1]! : 0;
  const bs = rank ? b.strides[rank - 1]! : 0;
  forEachRow(shape, a.strides, b.strides, cond.strides, a.offset, b.offset, cond.offset, (o, ao, bo, co, len) => {
    for (let j = 0; j < len; j++) out[o + j] = cd[co + j * cs] ? ad[ao + j * as]! : bd[bo + j * bs]!;
  });
}

export function clamp(x: Float32Array, lo: number, hi: number, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    // min(max(v, lo), hi): hi wins when lo > hi
    out[i] = v !== v ? v : v > hi ? hi : v < lo ? (lo > hi ? hi : lo) : v;
  }
}

export function clampBackward(x: Float32Array, lo: number, hi: number, gy: Float32Array, gx: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    gx[i] = v >= lo && v <= hi ? gy[i]! : 0;
  }
}

export function copy(src: Strided, dst: Strided, shape: readonly number[]): void {
  const rank = shape.length;
  const sd = src.data, dd = dst.data;
  const zero = new Array<number>(rank).fill(0);
  const ss = rank ? src.strides[rank - 1]! : 0;
  const ds = rank ? dst.strides[rank - 1]! : 0;
  forEachRow(shape, src.strides, dst.strides, zero, src.offset, dst.offset, 0, (_o, so, dOff, _c, len) => {
    if (ss === 1 && ds === 1) for (let j = 0; j < len; j++) dd[dOff + j] = sd[so + j]!;
    else for (let j = 0; j < len; j++) dd[dOff + j * ds] = sd[so + j * ss]!;
  });
}

export function cast(src: Storage, out: Storage): void {
  // non-zero is true, NaN included (NaN is falsy in JS, but not in PyTorch)
  if (out instanceof Uint8Array) { for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0; return; }
  // Int32Array assignment truncates toward zero, as a float -> int cast does in PyTorch
  for (let i = 0; i < src.length; i++) out[i] = src[i]!;
}

export function accumulate(dst: Strided<Float32Array>, src: Strided<Float32Array>, shape: readonly number[]): void {
  const rank = shape.length;
  const sd = src.data, dd = dst.data;
  const zero = new Array<number>(rank).fill(0);
  const ss = rank ? src.strides[rank - 1]! : 0;
  const ds = rank ? dst.strides[rank - 1]! : 0;
  forEachRow(shape, src.strides, dst.strides, zero, src.offset, dst.offset, 0, (_o, so, dOff, _c, len) => {
    if (ss === 1 && ds === 1) for (let j = 0; j < len; j++) dd[dOff + j]! += sd[so + j]!;
    else for (let j = 0; j < len; j++) dd[dOff + j * ds]! += sd[so + j * ss]!;
  });
}
