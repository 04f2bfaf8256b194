/** Layer normalisation (Ba et al. 2016) over the trailing `normalizedShape` dims, fused forward and backward. */
import { getBackend } from '../../backend/index.js';
import { recordOp } from '../autograd.js';
import { formatShape, numelOf, ShapeError } from '../shape.js';
import { Tensor } from '../tensor.js';

export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const k = normalizedShape.length;
  if (k === 0 || x.ndim < k || normalizedShape.some((s, i) => x.shape[x.ndim - k + i] !== s)) {
    throw new ShapeError(`layerNorm: normalizedShape ${formatShape(normalizedShape)} does not match the end of the input shape ${formatShape(x.shape)}`);
  }
  const cols = numelOf(normalizedShape);
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p && p.numel() !== cols) throw new ShapeError(`layerNorm: ${name} has shape ${formatShape(p.shape)}, expected ${formatShape(normalizedShape)}`);
  }
  const rows = cols === 0 ? 0 : x.numel() / cols;
  const xs = x.values() as Float32Array;
  const ws = weight ? (weight.values() as Float32Array) : null;
  const bs = bias ? (bias.values() as Float32Array) : null;
  const out = new Float32Array(xs.length);
  const mean = new Float32Array(rows);
  const rstd = new Float32Array(rows);
  getBackend().layerNorm(xs, ws, bs, rows, cols, eps, out, mean, rstd);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return recordOp(new Tensor(out, x.shape), 'layerNorm', inputs, (g) => {
    const gx = new Float32Array(xs.length);
    const gw = weight?.requiresGrad ? new Float32Array(cols) : null;
    const gb = bias?.requiresGrad ? new Float32Array(cols) : null;
    getBackend().layerNormBackward(xs, ws, mean, rstd, g.values() as Float32Array, rows, cols, gx, gw, gb);
    const grads: (Tensor | null)[] = [new Tensor(gx, x.shape)];
    if (weight) grads.push(gw ? new Tensor(gw, weight.shape) : null);
    if (bias) grads.push(gb ? new Tensor(gb, bias.shape) : null);
    return grads;
  });
}
