/**
 * Shape ops. Each returns a view sharing storage when the strides allow (reshape of contiguous
 * data, transpose, permute, slicing, expand) and copies only when they do not.
 */
import { getBackend, type Strided } from '../../backend/index.js';
import { recordOp, type RecordOptions } from '../autograd.js';
import { contiguousStrides, formatShape, inferShape, normalizeDim, numelOf, sameShape, ShapeError, viewStrides } from '../shape.js';
import { allocStorage, strided, Tensor } from '../tensor.js';
import { sumToShape } from './reduce.js';

/** Views and copies read nothing in backward but the gradient: an in-place change of x afterwards is fine. */
const NOTHING_SAVED: RecordOptions = { saves: [] };
const A_VIEW: RecordOptions = { saves: [], view: true };

function makeView(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(x.storage, shape, strides, offset);
}

/** A contiguous copy of x (no graph). */
function materialize(x: Tensor): Tensor {
  const out = allocStorage(x.dtype, x.numel());
  getBackend().copy(strided(x), { data: out, offset: 0, strides: contiguousStrides(x.shape) }, x.shape);
  return new Tensor(out, x.shape);
}

export function contiguous(x: Tensor): Tensor {
  if (x.isContiguous()) return x;
  return recordOp(materialize(x), 'contiguous', [x], (g) => [g], NOTHING_SAVED);
}

export function clone(x: Tensor): Tensor {
  return recordOp(materialize(x), 'clone', [x], (g) => [g], NOTHING_SAVED);
}

export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, x.numel(), 'view');
  const strides = viewStrides(x.shape, x.strides, target);
  if (!strides) {
    throw new ShapeError(
      `view: size ${formatShape(target)} is not compatible with the input's size and stride ${formatShape(x.shape)}/${formatShape(x.strides)}; use reshape() (which copies) instead`,
    );
  }
  return recordOp(makeView(x, target, strides, x.offset), 'view', [x], (g) => [g.reshape(x.shape)], A_VIEW);
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, x.numel(), 'reshape');
  if (sameShape(target, x.shape)) return x;
  const strides = viewStrides(x.shape, x.strides, target);
  const out = strides ? makeView(x, target, strides, x.offset) : new Tensor(materialize(x).storage, target);
  return recordOp(out, 'reshape', [x], (g) => [g.reshape(x.shape)], strides ? A_VIEW : NOTHING_SAVED);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim(dim0, x.ndim, 'transpose');
  const b = normalizeDim(dim1, x.ndim, 'transpose');
  if (x.ndim < 2 || a === b) return x;
  const shape = [...x.shape];
  const strides = [...x.strides];
  [shape[a], shape[b]] = [shape[b]!, shape[a]!];
  [strides[a], strides[b]] = [strides[b]!, strides[a]!];
  return recordOp(makeView(x, shape, strides, x.offset), 'transpose', [x], (g) => [transpose(g, a, b)], A_VIEW);
}

export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new ShapeError(`t() expects a tensor with <= 2 dimensions, got ${x.ndim}; use transpose() or .mT`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) throw new ShapeError(`permute: got ${dims.length} dims for a tensor of rank ${x.ndim}`);
  const order = dims.map((d) => normalizeDim(d, x.ndim, 'permute'));
  if (new Set(order).size !== order.length) throw new ShapeError(`permute: repeated dim in ${formatShape(dims)}`);
  const out = makeView(x, order.map((d) => x.shape[d]!), order.map((d) => x.strides[d]!), x.offset);
  const inverse = new Array<number>(order.length);
  order.forEach((d, i) => (inverse[d] = i));
  return recordOp(out, 'permute', [x], (g) => [permute(g, inverse)], A_VIEW);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1, 'unsqueeze');
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.strides[d]! * x.shape[d]! : 1);
  return recordOp(makeView(x, shape, strides, x.offset), 'unsqueeze', [x], (g) => [g.reshape(x.shape)], A_VIEW);
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  let keep: number[];
  if (dim === undefined) keep = x.shape.map((_, i) => i).filter((i) => x.shape[i] !== 1);
  else {
    const d = normalizeDim(dim, x.ndim, 'squeeze');
    keep = x.shape.map((_, i) => i).filter((i) => i !== d || x.shape[i] !== 1);
  }
  if (keep.length === x.ndim) return x;
  const out = makeView(x, keep.map((i) => x.shape[i]!), keep.map((i) => x.strides[i]!), x.offset);
  return recordOp(out, 'squeeze', [x], (g) => [g.reshape(x.shape)], A_VIEW);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.ndim, 'flatten');
  const e = normalizeDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new ShapeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.ndim, 'unflatten');
  const inner = inferShape(sizes, x.shape[d]!, 'unflatten');
  return reshape(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length < x.ndim) throw new ShapeError(`expand: the target ${formatShape(shape)} has fewer dims than the tensor ${formatShape(x.shape)}`);
  const lead = shape.length - x.ndim;
  const outShape = new Array<number>(shape.length);
  const strides = new Array<number>(shape.length);
  for (let d = 0; d < shape.length; d++) {
    const want = shape[d]!;
    if (d < lead) {
      if (want < 0) throw new ShapeError(`expand: -1 is not allowed for the new leading dim ${d}`);
      outShape[d] = want;
      strides[d] = 0;
      continue;
    }
    const have = x.shape[d - lead]!;
    if (want === -1 || want === have) {
      outShape[d] = have;
      strides[d] = x.strides[d - lead]!;
    } else if (have === 1) {
      outShape[d] = want;
      strides[d] = 0;
    } else {
      throw new ShapeError(`expand: the size ${have} at dim ${d - lead} must match ${want} (or be 1) in ${formatShape(x.shape)} -> ${formatShape(shape)}`);
    }
  }
  if (sameShape(outShape, x.shape)) return x;
  return recordOp(makeView(x, outShape, strides, x.offset), 'expand', [x], (g) => [sumToShape(g, x.shape)], A_VIEW);
}

/** Gradient of a view taken by `takeView`: zeros everywhere except the viewed region. */
function scatterIntoZeros(g: Tensor, shape: readonly number[], takeView: (t: Tensor) => Tensor): Tensor {
  const out = Tensor.zeros(shape);
  const region = takeView(out);
  getBackend().copy(strided(g), strided(region), region.shape);
  return out;
}

/** The same gradient added into an accumulator the size of the input (autograd's backwardInto). */
function addIntoRegion(g: Tensor, acc: Tensor, takeView: (t: Tensor) => Tensor): void {
  const region = takeView(acc);
  getBackend().accumulate(strided(region) as Strided<Float32Array>, strided(g) as Strided<Float32Array>, region.shape);
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim(dim, x.ndim, 'narrow');
  const size = x.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size) {
    throw new ShapeError(`narrow: start ${start} and length ${length} fall outside dim ${d} of size ${size}`);
  }
  return slice(x, d, s, s + length, 1);
}

export function slice(x: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  const d = normalizeDim(dim, x.ndim, 'slice');
  if (x.ndim === 0) throw new ShapeError('slice: a 0-d tensor has no dim to slice');
  if (!Number.isInteger(step) || step <= 0) throw new ShapeError(`slice: step must be a positive integer, got ${step}`);
  const size = x.shape[d]!;
  const clampIndex = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const s = start === undefined || start === null ? 0 : clampIndex(start);
  const e = end === undefined || end === null ? size : clampIndex(end);
  const length = Math.max(0, Math.ceil((e - s) / step));
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = length;
  strides[d] = x.strides[d]! * step;
  const take = (t: Tensor) => makeView(t, shape, t.strides.map((st, i) => (i === d ? st * step : st)), t.offset + s * t.strides[d]!);
  const out = makeView(x, shape, strides, x.offset + s * x.strides[d]!);
  return recordOp(out, 'slice', [x], (g) => [scatterIntoZeros(g, x.shape, take)], { ...A_VIEW, backwardInto: (g, acc) => addIntoRegion(g, acc, take) });
}

export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim(dim, x.ndim, 'select');
  if (x.ndim === 0) throw new ShapeError('select: cannot be applied to a 0-d tensor');
  const size = x.shape[d]!;
  const i = index < 0 ? index + size : index;
  if (!Number.isInteger(i) || i < 0 || i >= size) throw new ShapeError(`select: index ${index} is out of range for dim ${d} of size ${size}`);
  const shape = x.shape.filter((_, k) => k !== d);
  const take = (t: Tensor) => makeView(t, shape, t.strides.filter((_, k) => k !== d), t.offset + i * t.strides[d]!);
  const out = take(x);
  return recordOp(out, 'select', [x], (g) => [scatterIntoZeros(g, x.shape, take)], { ...A_VIEW, backwardInto: (g, acc) => addIntoRegion(g, acc, take) });
}

export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.ndim, 'split');
  if (x.ndim === 0) throw new ShapeError('split: cannot be applied to a 0-d tensor');
  const size = x.shape[d]!;
  let sizes: number[];
  if (typeof splitSize === 'number') {
    if (!Number.isInteger(splitSize) || splitSize <= 0) throw new ShapeError(`split: split size must be a positive integer, got ${splitSize}`);
    sizes = [];
    for (let s = 0; s < size; s += splitSize) sizes.push(Math.min(splitSize, size - s));
  } else {
    sizes = [...splitSize];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== size) throw new ShapeError(`split: sizes ${formatShape(sizes)} sum to ${total}, but dim ${d} has size ${size}`);
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(narrow(x, d, start, s));
    start += s;
  }
  return out;
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.ndim, 'chunk');
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ShapeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  return split(x, Math.max(1, Math.ceil(x.shape[d]! / chunks)), d);
}

/**
 * x tiled `repeats[d]` times along each dim (Tensor.repeat); extra leading repeats add dims. A copy,
 * composed from a view that expands a size-1 dim beside each dim and a reshape, so its gradient
 * (the sum over the copies) follows from expand's.
 */
export function repeat(x: Tensor, repeats: readonly number[]): Tensor {
  if (repeats.length < x.ndim) {
    throw new ShapeError(`repeat: number of dimensions of repeat dims (${repeats.length}) can not be smaller than number of dimensions of tensor (${x.ndim})`);
  }
  for (const r of repeats) if (!Number.isInteger(r) || r < 0) throw new ShapeError(`repeat: repeats must be non-negative integers, got ${formatShape(repeats)}`);
  const lead = repeats.length - x.ndim;
  const sizes = [...new Array<number>(lead).fill(1), ...x.shape];
  // [1, s0, 1, s1, ...] expanded to [r0, s0, r1, s1, ...], then merged pairwise into [r0 * s0, ...]
  const interleaved = reshape(x, sizes.flatMap((s) => [1, s]));
  const expanded = expand(interleaved, sizes.flatMap((s, d) => [repeats[d]!, s]));
  return reshape(expanded, sizes.map((s, d) => s * repeats[d]!));
}
