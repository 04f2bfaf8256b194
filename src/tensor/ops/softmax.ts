/** softmax and logSoftmax along one dim, each with its fused backward. */
import { getBackend } from '../../backend/index.js';
import { recordOp } from '../autograd.js';
import { normalizeDim, numelOf } from '../shape.js';
import { allocFloat, floatData, Tensor } from '../tensor.js';
import { toDtype } from './elementwise.js';

function layout(x: Tensor, dim: number, op: string): [number, number, number] {
  const d = normalizeDim(dim, x.ndim, op);
  if (x.ndim === 0) return [1, 1, 1];
  return [numelOf(x.shape.slice(0, d)), x.shape[d]!, numelOf(x.shape.slice(d + 1))];
}

export function softmax(input: Tensor, dim: number): Tensor {
  const x = toDtype(input, 'float32');
  const [outer, n, inner] = layout(x, dim, 'softmax');
  const y = allocFloat(x.numel());
  getBackend().softmax(floatData(x), outer, n, inner, y);
  const out = new Tensor(y, x.shape);
  return recordOp(out, 'softmax', [input], (g) => {
    const gx = allocFloat(y.length);
    getBackend().softmaxBackward(y, floatData(g), outer, n, inner, gx);
    return [new Tensor(gx, x.shape)];
  }, { saves: [out] });
}

export function logSoftmax(input: Tensor, dim: number): Tensor {
  const x = toDtype(input, 'float32');
  const [outer, n, inner] = layout(x, dim, 'logSoftmax');
  const y = allocFloat(x.numel());
  getBackend().logSoftmax(floatData(x), outer, n, inner, y);
  const out = new Tensor(y, x.shape);
  return recordOp(out, 'logSoftmax', [input], (g) => {
    const gx = allocFloat(y.length);
    getBackend().logSoftmaxBackward(y, floatData(g), outer, n, inner, gx);
    return [new Tensor(gx, x.shape)];
  }, { saves: [out] });
}
