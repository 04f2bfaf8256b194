/** checkpoint(): the same values and gradients as running fn directly, the same RNG stream, and a finite-difference check. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkpoint, checkpointWith, dropout, getRngState, manualSeed, noGrad, rand, Tensor, tidy } from '../../src/tensor/index.js';
import { gradcheck, param } from '../helpers/gradcheck.js';

const f = (x: Tensor, w: Tensor) => dropout(x.matmul(w).tanh(), 0.3).mul(x.sum(-1, true));

function grads(useCheckpoint: boolean): { out: Float32Array; gx: Float32Array; gw: Float32Array; rng: unknown } {
  manualSeed(7);
  const x = param([3, 4], 1), w = param([4, 5], 2);
  const y = useCheckpoint ? checkpoint(f, x, w) : f(x, w);
  y.square().sum().backward();
  return { out: y.values() as Float32Array, gx: x.grad!.values() as Float32Array, gw: w.grad!.values() as Float32Array, rng: getRngState() };
}

describe('checkpoint', () => {
  test('gives bit-identical outputs and gradients with dropout, and leaves the RNG where the plain run leaves it', () => {
    const plain = grads(false), ck = grads(true);
    assert.deepEqual(ck.out, plain.out);
    assert.deepEqual(ck.gx, plain.gx);
    assert.deepEqual(ck.gw, plain.gw);
    assert.deepEqual(ck.rng, plain.rng);
    assert.ok(plain.out.some((v) => v === 0), 'dropout must be active');
  });

  test('passes a finite-difference gradient check', () => {
    gradcheck((x, w) => checkpoint((a, b) => a.matmul(b).tanh().mul(a.sum(-1, true)), x, w), [param([3, 4], 3), param([4, 2], 4)]);
  });

  test('records no graph inside the forward and runs fn twice (once more in backward)', () => {
    let calls = 0;
    const x = param([2, 3], 5);
    const y = checkpoint((a) => { calls++; return a.exp(); }, x);
    assert.equal(y.gradFn?.name, 'checkpoint');
    assert.equal(calls, 1);
    y.sum().backward();
    assert.equal(calls, 2);
    assert.deepEqual(x.grad!.values(), x.exp().values());
  });

  test('sends gradients to parameters listed in options even when no input requires grad', () => {
    const w = param([3, 2], 6);
    const x = rand([4, 3]);
    const y = checkpointWith({ parameters: [w] }, (a) => a.matmul(w), x);
    y.sum().backward();
    const ref = param([3, 2], 6);
    x.matmul(ref).sum().backward();
    assert.deepEqual(w.grad!.values(), ref.grad!.values());
  });

  test('is a plain call under noGrad', () => {
    const x = param([2, 2], 8);
    const y = noGrad(() => checkpoint((a) => a.mul(2), x));
    assert.equal(y.requiresGrad, false);
  });

  test('works inside tidy (the intermediates of the no-grad forward are released)', () => {
    const x = param([2, 3], 9);
    const g = tidy(() => {
      const y = checkpoint((a) => a.exp().mul(3).sin(), x);
      y.sum().backward();
      return x.grad!;
    });
    const ref = param([2, 3], 9);
    ref.exp().mul(3).sin().sum().backward();
    assert.deepEqual(g.values(), ref.grad!.values());
  });
});
