/**
 * nn.utils.clipGradNorm / clipGradValue against torch.nn.utils.clip_grad_norm_ / clip_grad_value_
 * of PyTorch 1.13 (test/fixtures/optim/clip_grad.json, from scripts/fixtures/optimizers.py): the
 * returned total norm and the clipped gradients, for 2-, 1-, 3- and infinity norms, with and
 * without clipping, and with non-finite gradients.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, readFixture } from '../helpers/index.js';
import { clipGradNorm, clipGradValue } from '../../src/nn/utils/index.js';
import { ArgumentError, ConfigError } from '../../src/errors.js';
import { UnknownOptionError } from '../../src/options.js';
import { Tensor } from '../../src/tensor/index.js';
import { flat, num } from './trajectory.js';

interface ClipCase {
  name: string;
  fn: 'norm' | 'value';
  shapes: number[][];
  grads: (number | string)[][];
  maxNorm?: number;
  normType?: number | string;
  clipValue?: number;
  totalNorm?: number | string;
  clipped: (number | string)[][];
}

const { cases } = readFixture<{ cases: ClipCase[] }>('optim/clip_grad.json');

/**
 * Float32 precision: PyTorch sums the squares in float32 (vectorised), we in float64 and round once;
 * the norms differ by at most an ulp or two (the diagnostics print the measured error).
 */
const TOL = { rtol: 1e-6, atol: 1e-7 };

function paramsWithGrads(c: ClipCase): Tensor[] {
  return c.shapes.map((shape, i) => {
    const p = Tensor.zeros(shape).requiresGrad_();
    p.grad = new Tensor(flat(c.grads[i]!), shape);
    return p;
  });
}

for (const c of cases) {
  test(`clip_grad ${c.name}: same total norm and clipped gradients as PyTorch`, (t) => {
    const params = paramsWithGrads(c);
    if (c.fn === 'norm') {
      const total = clipGradNorm(params, c.maxNorm!, num(c.normType!));
      assertClose(total, num(c.totalNorm!), TOL, 'total norm');
      t.diagnostic(`total norm: relative error ${(Math.abs(total - num(c.totalNorm!)) / num(c.totalNorm!)).toExponential(2)}`);
    } else {
      clipGradValue(params, c.clipValue!);
    }
    params.forEach((p, i) => assertClose(p.grad!.values(), flat(c.clipped[i]!), TOL, `gradient ${i}`));
  });
}

test('clipGradNorm returns 0 and changes nothing when no parameter has a gradient', () => {
  const p = Tensor.zeros([3]).requiresGrad_();
  assert.equal(clipGradNorm([p], 1), 0);
  assert.equal(p.grad, null);
});

test('clipGradNorm with errorIfNonfinite throws on a NaN or infinite norm', () => {
  const p = Tensor.zeros([2]).requiresGrad_();
  p.grad = new Tensor(new Float32Array([1, Infinity]), [2]);
  assert.throws(() => clipGradNorm([p], 1, 2, { errorIfNonfinite: true }), /non-finite/);
});

test('clipGradNorm accepts a single tensor, and Infinity as the max norm never clips', () => {
  const p = Tensor.zeros([2]).requiresGrad_();
  p.grad = new Tensor(new Float32Array([3, 4]), [2]);
  assert.equal(clipGradNorm(p, Infinity), 5);
  assert.deepEqual(Array.from(p.grad.values()), [3, 4]);
});

const withGrad = (grad: number[]) => {
  const p = new Tensor(new Float32Array(grad.length), [grad.length]).requiresGrad_();
  p.grad = new Tensor(new Float32Array(grad), [grad.length]);
  return p;
};

test('clipGradNorm takes its options as one object after maxNorm', () => {
  assert.throws(() => clipGradNorm([withGrad([NaN, 1])], 1, { errorIfNonfinite: true }), ArgumentError);
  const p = withGrad([3, -4]);
  assert.equal(clipGradNorm([p], 100, { normType: Infinity }), 4);
  assert.equal(clipGradNorm([withGrad([3, -4])], 100, { normType: 1 }), 7);
});

test('clipGradNorm keeps PyTorch positional normType, with or without options after it', () => {
  assert.equal(clipGradNorm([withGrad([3, -4])], 100, 1), 7);
  assert.equal(clipGradNorm([withGrad([3, -4])], 100, 2, {}), 5);
  assert.throws(() => clipGradNorm([withGrad([Infinity])], 1, 2, { errorIfNonfinite: true }), ArgumentError);
});

test('clipGradNorm rejects an unknown option name and a bad normType', () => {
  assert.throws(() => clipGradNorm([withGrad([1])], 1, { error_if_nonfinite: true } as never), (e: unknown) => e instanceof UnknownOptionError && /did you mean errorIfNonfinite\?/.test(e.message));
  assert.throws(() => clipGradNorm([withGrad([1])], 1, 2, { normType: 1 } as never), UnknownOptionError);
  assert.throws(() => clipGradNorm([withGrad([1])], 1, -1), ConfigError);
});
