/** Layer normalisation (Ba et al. 2016) over the trailing `normalizedShape` dims, fused forward and backward. */
import { getBackend } from '../../backend/index.js';
import { recordOp } from '../autograd.js';
import { formatShape, numelOf, ShapeError } from '../shape.js';
import { allocFloat, floatData, Tensor, zeroStorage } from '../tensor.js';

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
  const xs = floatData(x);
  const ws = weight ? floatData(weight) : null;
  const bs = bias ? floatData(bias) : null;
  const out = allocFloat(xs.length);
  const mean = allocFloat(rows);
  const rstd = allocFloat(rows);
  getBackend().layerNorm(xs, ws, bs, rows, cols, eps, out, mean, rstd);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return recordOp(new Tensor(out, x.shape), 'layerNorm', inputs, (g) => {
    const gx = allocFloat(xs.length);
    const gw = weight?.requiresGrad ? (zeroStorage('float32', cols) as Float32Array) : null;
    const gb = bias?.requiresGrad ? (zeroStorage('float32', cols) as Float32Array) : null;
    getBackend().layerNormBackward(xs, ws, mean, rstd, floatData(g), rows, cols, gx, gw, gb);
    const grads: (Tensor | null)[] = [new Tensor(gx, x.shape)];
    if (weight) grads.push(gw ? new Tensor(gw, weight.shape) : null);
    if (bias) grads.push(gb ? new Tensor(gb, bias.shape) : null);
    return grads;
  }, { saves: weight ? [x, weight] : [x] });
}
