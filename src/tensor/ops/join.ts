/** Joining tensors: cat and stack. */
import { getBackend } from '../../backend/index.js';
import { recordOp } from '../autograd.js';
import { formatShape, normalizeDim, ShapeError } from '../shape.js';
import { allocStorage, strided, Tensor } from '../tensor.js';
import { toDtype } from './elementwise.js';

/** Concatenates along an existing dim (torch.cat); all other dims must match. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('cat: expected a non-empty list of tensors');
  const first = tensors[0]!;
  if (first.ndim === 0) throw new ShapeError('cat: 0-d tensors cannot be concatenated; use stack()');
  const d = normalizeDim(dim, first.ndim, 'cat');
  const dtype = tensors.some((t) => t.dtype === 'float32') ? 'float32' : first.dtype;
  const inputs = tensors.map((t) => toDtype(t, dtype));
  let total = 0;
  for (const t of inputs) {
    if (t.ndim !== first.ndim || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new ShapeError(`cat: sizes must match except in dim ${d}; got ${formatShape(first.shape)} and ${formatShape(t.shape)}`);
    }
    total += t.shape[d]!;
  }
  const shape = [...first.shape];
  shape[d] = total;
  const out = new Tensor(allocStorage(dtype, shape.reduce((a, b) => a * b, 1)), shape);
  const starts: number[] = [];
  let start = 0;
  for (const t of inputs) {
    starts.push(start);
    if (t.numel() > 0) {
      const region = new Tensor(out.storage, t.shape, out.strides, start * out.strides[d]!);
      getBackend().copy(strided(t), strided(region), t.shape);
    }
    start += t.shape[d]!;
  }
  return recordOp(out, 'cat', inputs, (g) => inputs.map((t, i) => (t.requiresGrad ? g.narrow(d, starts[i]!, t.shape[d]!) : null)), { saves: [] });
}

/** Joins along a new dim (torch.stack); all shapes must be equal. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('stack: expected a non-empty list of tensors');
  const d = normalizeDim(dim, tensors[0]!.ndim + 1, 'stack');
  for (const t of tensors) {
    if (t.ndim !== tensors[0]!.ndim || t.shape.some((s, i) => s !== tensors[0]!.shape[i])) {
      throw new ShapeError(`stack: expects each tensor to be equal size, got ${formatShape(tensors[0]!.shape)} and ${formatShape(t.shape)}`);
    }
  }
  return cat(tensors.map((t) => t.unsqueeze(d)), d);
}
