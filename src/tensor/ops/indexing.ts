/** Index-based gathers: indexSelect, gather and embedding lookups, with scatter-add backwards. */
import { getBackend } from '../../backend/index.js';
import { recordOp } from '../autograd.js';
import { formatShape, normalizeDim, numelOf, ShapeError } from '../shape.js';
import { allocFloat, allocStorage, dataOf, floatData, Tensor, zeroStorage } from '../tensor.js';
import { ArgumentError } from '../../errors.js';

function checkIndex(index: Tensor, size: number, op: string): Int32Array {
  if (index.dtype !== 'int32') throw new ArgumentError(`${op}: index must be an int32 tensor, got ${index.dtype}`);
  const values = dataOf(index) as Int32Array;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= size) throw new ArgumentError(`${op}: index ${v} is out of range for a dimension of size ${size}`);
  }
  return values;
}

/** Entries of x at `index` (1-D int32) along dim (torch.index_select). */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim(dim, x.ndim, 'indexSelect');
  if (index.ndim > 1) throw new ShapeError(`indexSelect: index must be 0-D or 1-D, got shape ${formatShape(index.shape)}`);
  const idx = checkIndex(index, x.shape[d]!, 'indexSelect');
  const outer = numelOf(x.shape.slice(0, d));
  const n = x.shape[d]!;
  const inner = numelOf(x.shape.slice(d + 1));
  const shape = [...x.shape];
  shape[d] = idx.length;
  const out = allocStorage(x.dtype, numelOf(shape));
  getBackend().indexSelect(dataOf(x), outer, n, inner, idx, out);
  return recordOp(new Tensor(out, shape), 'indexSelect', [x], (g) => {
    const gx = zeroStorage('float32', x.numel()) as Float32Array;
    getBackend().indexAdd(floatData(g), outer, n, inner, idx, gx);
    return [new Tensor(gx, x.shape)];
  }, { saves: [index] });
}

/**
 * out[i][j][k] = x[i][index[i][j][k]][k] for dim 1, and likewise for other dims (torch.gather).
 * The index must have x's shape except along dim.
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim(dim, x.ndim, 'gather');
  if (index.ndim !== x.ndim || index.shape.some((s, i) => i !== d && s !== x.shape[i])) {
    throw new ShapeError(`gather: index shape ${formatShape(index.shape)} must match input shape ${formatShape(x.shape)} except in dim ${d}`);
  }
  const idx = checkIndex(index, x.shape[d]!, 'gather');
  const outer = numelOf(x.shape.slice(0, d));
  const n = x.shape[d]!;
  const inner = numelOf(x.shape.slice(d + 1));
  const m = index.shape[d]!;
  const out = allocStorage(x.dtype, idx.length);
  getBackend().gather(dataOf(x), outer, n, inner, idx, m, out);
  return recordOp(new Tensor(out, index.shape), 'gather', [x], (g) => {
    const gx = zeroStorage('float32', x.numel()) as Float32Array;
    getBackend().scatterAdd(floatData(g), outer, n, inner, idx, m, gx);
    return [new Tensor(gx, x.shape)];
  }, { saves: [index] });
}

/**
 * Rows of `weight` [num, dim] for each id in `indices` (any shape) -> [...indices.shape, dim].
 * The backward scatter-adds into the rows used; the `paddingIdx` row never receives gradient.
 */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx: number | null = null): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight must be 2-D [num_embeddings, embedding_dim], got ${formatShape(weight.shape)}`);
  const [num, dimSize] = weight.shape as [number, number];
  const idx = checkIndex(indices, num, 'embedding');
  // a negative paddingIdx counts from the end, as in torch.nn.functional.embedding
  const pad = paddingIdx !== null && paddingIdx < 0 ? paddingIdx + num : paddingIdx;
  const out = allocFloat(idx.length * dimSize);
  getBackend().indexSelect(dataOf(weight), 1, num, dimSize, idx, out);
  const shape = [...indices.shape, dimSize];
  return recordOp(new Tensor(out, shape), 'embedding', [weight], (g) => {
    const gw = zeroStorage('float32', num * dimSize) as Float32Array;
    getBackend().indexAdd(floatData(g), 1, num, dimSize, idx, gw);
    if (pad !== null) gw.fill(0, pad * dimSize, (pad + 1) * dimSize);
    return [new Tensor(gw, weight.shape)];
  }, { saves: [indices] });
}
