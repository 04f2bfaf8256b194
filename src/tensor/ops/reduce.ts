/** Reductions: sum, mean, var, max/min (with indices), argmax/argmin, and gradient un-broadcasting. */
import { getBackend } from '../../backend/index.js';
import { recordOp } from '../autograd.js';
import { normalizeDim, numelOf, sameShape, ShapeError, type Shape } from '../shape.js';
import { allocFloat, allocStorage, floatData, Tensor, zeroStorage } from '../tensor.js';
import { toDtype } from './elementwise.js';

function resolveDims(x: Tensor, dim: number | readonly number[] | null | undefined, op: string): number[] {
  if (dim === undefined || dim === null) return x.shape.map((_, i) => i);
  const dims = (typeof dim === 'number' ? [dim] : [...dim]).map((d) => normalizeDim(d, x.ndim, op));
  if (new Set(dims).size !== dims.length) throw new ShapeError(`${op}: dim ${dims.join(', ')} appears more than once`);
  return dims.sort((a, b) => a - b);
}

function keptShape(shape: Shape, dims: readonly number[]): number[] {
  return shape.map((s, i) => (dims.includes(i) ? 1 : s));
}

function droppedShape(shape: Shape, dims: readonly number[]): number[] {
  return shape.filter((_, i) => !dims.includes(i));
}

/** Sums a contiguous float array over sorted dims, merging runs of adjacent dims into one pass. */
function sumKernel(values: Float32Array, shape: Shape, dims: readonly number[]): Float32Array {
  let data = values;
  let cur = [...shape];
  let i = dims.length - 1;
  while (i >= 0) {
    let j = i;
    while (j > 0 && dims[j - 1] === dims[j]! - 1) j--;
    const first = dims[j]!, last = dims[i]!;
    const outer = numelOf(cur.slice(0, first));
    const n = numelOf(cur.slice(first, last + 1));
    const inner = numelOf(cur.slice(last + 1));
    const out = allocFloat(outer * inner);
    getBackend().sum(data, outer, n, inner, out);
    data = out;
    for (let d = first; d <= last; d++) cur[d] = 1;
    i = j - 1;
  }
  return data;
}

export function sum(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  const input = toDtype(x, 'float32');
  const dims = resolveDims(input, dim, 'sum');
  const kept = keptShape(input.shape, dims);
  let data: Float32Array;
  if (dims.length === 0) {
    data = allocFloat(input.numel());
    data.set(floatData(input));
  } else data = sumKernel(floatData(input), input.shape, dims);
  const out = new Tensor(data, keepdim ? kept : droppedShape(input.shape, dims));
  return recordOp(out, 'sum', [x], (g) => [g.reshape(kept).expand(x.shape)], { saves: [] });
}

export function mean(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  const dims = resolveDims(x, dim, 'mean');
  let count = 1;
  for (const d of dims) count *= x.shape[d]!;
  return sum(x, dims, keepdim).div(count);
}

/** Variance over dims with `correction` degrees of freedom removed (1 = unbiased, torch.var's default). */
export function variance(x: Tensor, dim?: number | readonly number[] | null, options: { correction?: number; keepdim?: boolean } = {}): Tensor {
  const dims = resolveDims(x, dim, 'var');
  let count = 1;
  for (const d of dims) count *= x.shape[d]!;
  const centered = x.sub(mean(x, dims, true));
  return sum(centered.mul(centered), dims, options.keepdim ?? false).div(Math.max(0, count - (options.correction ?? 1)));
}

/** Reduces a broadcast gradient back to `shape` by summing the broadcast dims. */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let d = 0; d < g.ndim; d++) {
    if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) dims.push(d);
  }
  return sum(g, dims, true).reshape(shape);
}

function outerNInner(shape: Shape, d: number): [number, number, number] {
  return [numelOf(shape.slice(0, d)), shape[d]!, numelOf(shape.slice(d + 1))];
}

function maxAlong(x: Tensor, dim: number, keepdim: boolean, op: string): { values: Tensor; indices: Tensor } {
  const input = toDtype(x, 'float32');
  if (input.ndim === 0) return { values: input.clone(), indices: Tensor.scalar(0, 'int32') };
  const d = normalizeDim(dim, input.ndim, op);
  if (input.shape[d] === 0) throw new ShapeError(`${op}: cannot reduce over an empty dimension`);
  const [outer, n, inner] = outerNInner(input.shape, d);
  const values = allocFloat(outer * inner);
  const indices = allocStorage('int32', outer * inner) as Int32Array;
  getBackend().max(floatData(input), outer, n, inner, values, indices);
  const kept = keptShape(input.shape, [d]);
  const shape = keepdim ? kept : droppedShape(input.shape, [d]);
  const out = new Tensor(values, shape);
  const idx = new Tensor(indices, shape);
  recordOp(out, op, [x], (g) => {
    // the gradient flows to the selected element only
    const gx = zeroStorage('float32', input.numel()) as Float32Array;
    getBackend().scatterAdd(floatData(g), outer, n, inner, indices, 1, gx);
    return [new Tensor(gx, input.shape)];
  }, { saves: [idx] });
  return { values: out, indices: idx };
}

export function maxDim(x: Tensor, dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
  return maxAlong(x, dim, keepdim, 'max');
}

export function minDim(x: Tensor, dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
  const r = maxAlong(x.neg(), dim, keepdim, 'min');
  return { values: r.values.neg(), indices: r.indices };
}

/** Max of all elements; ties share the gradient evenly, as PyTorch's max() does. */
export function maxAll(x: Tensor): Tensor {
  const flat = x.reshape([-1]);
  if (flat.numel() === 0) throw new ShapeError('max(): cannot reduce an empty tensor');
  const r = maxAlong(flat.detach(), 0, false, 'max');
  const out = r.values;
  return recordOp(out, 'max', [x], (g) => {
    const hits = x.eq(out).float();
    return [hits.mul(g.div(hits.sum()))];
  }, { saves: [x, out] });
}

export function minAll(x: Tensor): Tensor {
  return maxAll(x.neg()).neg();
}

export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) return maxAlong(x.reshape([-1]).detach(), 0, false, 'argmax').indices;
  return maxAlong(x.detach(), dim, keepdim, 'argmax').indices;
}

export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argmax(x.detach().neg(), dim, keepdim);
}
