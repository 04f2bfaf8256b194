/**
 * Each fused op equals the same computation written from primitives, forward and backward:
 * softmax, log-softmax, label-smoothed cross-entropy (log-softmax + gather + the smoothing sum) and
 * layer norm (mean, variance, normalise, scale and shift). GELU's fused form is checked against
 * x * Phi(x) from erf.
 */
import { describe, test } from 'node:test';
import { crossEntropy, layerNorm, Tensor } from '../../src/tensor/index.js';
import { assertClose } from '../helpers/index.js';
import { mulberry32 } from '../helpers/random.js';

function rand(shape: number[], seed: number, scale = 2): Tensor {
  const r = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, () => (2 * r() - 1) * scale), shape).requiresGrad_(true);
}

/** Runs f on a fresh leaf and returns its value and the gradient of sum(f(x) * w). */
function valueAndGrad(x: Tensor, f: (x: Tensor) => Tensor, w: Tensor): [Float32Array, Float32Array] {
  const leaf = x.detach().clone().requiresGrad_(true);
  const y = f(leaf);
  y.mul(w).sum().backward();
  return [y.toTypedArray() as Float32Array, leaf.grad!.toTypedArray() as Float32Array];
}

function sameAs(x: Tensor, fused: (x: Tensor) => Tensor, composite: (x: Tensor) => Tensor, wShape: readonly number[], tol = { rtol: 2e-5, atol: 2e-6 }): void {
  const w = rand([...wShape], 99).detach();
  const [yf, gf] = valueAndGrad(x, fused, w);
  const [yc, gc] = valueAndGrad(x, composite, w);
  assertClose(yf, yc, tol, 'value');
  assertClose(gf, gc, { rtol: tol.rtol * 10, atol: tol.atol * 10 }, 'gradient');
}

describe('fused ops equal their composites', () => {
  test('softmax along each dim = exp(x - max) / sum', () => {
    const x = rand([3, 5, 7], 1);
    for (const d of [0, 1, 2]) sameAs(x, (t) => t.softmax(d), (t) => { const e = t.sub(t.max(d, true).values.detach()).exp(); return e.div(e.sum(d, true)); }, x.shape);
  });

  test('logSoftmax = x - max - log(sum(exp(x - max)))', () => {
    const x = rand([4, 9], 2, 5);
    sameAs(x, (t) => t.logSoftmax(-1), (t) => { const s = t.sub(t.max(-1, true).values.detach()); return s.sub(s.exp().sum(-1, true).log()); }, x.shape);
  });

  test('label-smoothed cross-entropy = -sum_c q_c log softmax(z)_c averaged over non-ignored rows', () => {
    const C = 11, rows = 13, eps = 0.1;
    const z = rand([rows, C], 3, 4);
    const targets = Int32Array.from({ length: rows }, (_, i) => (i % 4 === 3 ? -100 : (i * 7) % C));
    const target = new Tensor(targets, [rows]);
    const q = new Float32Array(rows * C);
    for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) q[r * C + c] = targets[r] === -100 ? 0 : eps / C + (c === targets[r] ? 1 - eps : 0);
    const counted = targets.filter((t) => t !== -100).length;
    sameAs(z, (t) => crossEntropy(t, target, { labelSmoothing: eps }), (t) => t.logSoftmax(-1).mul(new Tensor(q, [rows, C])).sum().neg().div(counted), []);
  });

  test('layerNorm = (x - mean) / sqrt(var + eps) * weight + bias, biased variance', () => {
    const x = rand([6, 10], 4, 3);
    const weight = rand([10], 5), bias = rand([10], 6);
    sameAs(x, (t) => layerNorm(t, [10], weight.detach(), bias.detach()), (t) => {
      const mu = t.mean(-1, true);
      const c = t.sub(mu);
      return c.div(c.mul(c).mean(-1, true).add(1e-5).sqrt()).mul(weight.detach()).add(bias.detach());
    }, x.shape, { rtol: 1e-5, atol: 1e-5 });
  });

  test('gelu = x * (1 + erf(x / sqrt 2)) / 2', () => {
    const x = rand([50], 7, 5);
    sameAs(x, (t) => t.gelu(), (t) => t.mul(t.mul(Math.SQRT1_2).erf().add(1)).mul(0.5), x.shape, { rtol: 1e-5, atol: 1e-6 });
  });
});
