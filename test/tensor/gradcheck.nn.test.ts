/** Finite-difference gradient checks for softmax, logSoftmax, layerNorm, dropout and crossEntropy. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/errors.js';
import * as T from '../../src/tensor/index.js';
import { Generator, Tensor } from '../../src/tensor/index.js';
import { assertClose } from '../helpers/index.js';
import { gradcheck, param } from '../helpers/gradcheck.js';

describe('softmax and logSoftmax gradients', () => {
  for (const dim of [0, 1, 2, -1, -2, -3]) {
    test(`softmax over dim ${dim} of [2,3,4]`, () => {
      gradcheck((x) => x.softmax(dim), [param([2, 3, 4], 1, -2, 2)]);
    });
    test(`logSoftmax over dim ${dim} of [2,3,4]`, () => {
      gradcheck((x) => x.logSoftmax(dim), [param([2, 3, 4], 2, -2, 2)]);
    });
  }

  test('softmax of a 1-D tensor', () => {
    gradcheck((x) => T.softmax(x, 0), [param([7], 3, -2, 2)]);
  });

  test('logSoftmax of a transposed (non-contiguous) input', () => {
    gradcheck((x) => T.logSoftmax(x.t(), -1), [param([5, 3], 4, -2, 2)]);
  });

  test('softmax of a size-1 dim is 1 with zero gradient', () => {
    const x = param([3, 1], 5);
    const y = x.softmax(1);
    assert.deepEqual(y.toArray(), [[1], [1], [1]]);
    gradcheck((t) => t.softmax(1), [x]);
  });
});

describe('layerNorm gradients', () => {
  test('over the last dim without affine parameters', () => {
    gradcheck((x) => T.layerNorm(x, [5]), [param([3, 5], 10)]);
  });

  test('over the last dim with weight and bias', () => {
    gradcheck((x, w, b) => T.layerNorm(x, [5], w, b), [param([2, 3, 5], 11), param([5], 12, 0.5, 1.5), param([5], 13)]);
  });

  test('with weight only', () => {
    gradcheck((x, w) => T.layerNorm(x, [4], w, null), [param([3, 4], 14), param([4], 15, 0.5, 1.5)]);
  });

  test('with bias only', () => {
    gradcheck((x, b) => T.layerNorm(x, [4], null, b), [param([3, 4], 16), param([4], 17)]);
  });

  test('over the last two dims without affine parameters', () => {
    gradcheck((x) => T.layerNorm(x, [3, 4]), [param([2, 3, 4], 18)]);
  });

  test('over the last two dims with weight and bias', () => {
    gradcheck((x, w, b) => T.layerNorm(x, [3, 4], w, b), [param([2, 3, 4], 19), param([3, 4], 20, 0.5, 1.5), param([3, 4], 21)]);
  });

  test('with a large eps', () => {
    gradcheck((x, w, b) => T.layerNorm(x, [6], w, b, 0.5), [param([2, 6], 22), param([6], 23), param([6], 24)]);
  });

  test('of a transposed (non-contiguous) input', () => {
    gradcheck((x) => T.layerNorm(x.t(), [4]), [param([4, 3], 25)]);
  });

  test('normalises each row to mean 0 and biased variance 1', () => {
    const x = T.tensor([[1, 2, 3, 4], [10, 10, 10, 14]]);
    const y = T.layerNorm(x, [4], null, null, 0);
    const rows = y.toArray() as number[][];
    for (const r of rows) {
      const m = r.reduce((a, b) => a + b, 0) / 4;
      const v = r.reduce((a, b) => a + (b - m) ** 2, 0) / 4;
      assert.ok(Math.abs(m) < 1e-6);
      assert.ok(Math.abs(v - 1) < 1e-5);
    }
  });
});

describe('dropout gradients', () => {
  test('gradient with a fixed mask (generator reseeded inside fn)', () => {
    const r = gradcheck((x) => T.dropout(x, 0.4, true, new Generator(123)), [param([4, 6], 30)], { eps: 1e-2 });
    const g = r.analytic[0]!;
    assert.ok(g.some((v) => v === 0), 'some elements are dropped');
    assert.ok(g.some((v) => v !== 0), 'some elements survive');
  });

  test('survivors are scaled by 1/(1-p) and the rest are zero', () => {
    const x = T.ones([2000]);
    const y = T.dropout(x, 0.25, true, new Generator(7)).values();
    let kept = 0;
    for (const v of y) {
      assert.ok(v === 0 || Math.abs(v - 1 / 0.75) < 1e-6, `unexpected value ${v}`);
      if (v !== 0) kept++;
    }
    // Binomial(2000, 0.75): sd ~ 19.4, allow 5 sd
    assert.ok(Math.abs(kept - 1500) < 100, `kept ${kept}`);
  });

  test('is the identity when not training or p = 0', () => {
    const x = param([3], 31);
    assert.equal(T.dropout(x, 0.5, false), x);
    assert.equal(T.dropout(x, 0), x);
  });

  test('p = 1 zeroes everything', () => {
    assert.deepEqual(T.dropout(T.ones([4]), 1).toArray(), [0, 0, 0, 0]);
  });

  test('rejects a probability outside [0, 1]', () => {
    assert.throws(() => T.dropout(T.ones([2]), 1.5), ArgumentError);
  });
});

/** -sum_c q_c log softmax(z)_c per row, from tensor ops, as a reference for crossEntropy. */
function referenceCE(logits: Tensor, target: Int32Array, eps: number, smoothing: 'uniform' | 'offTarget', ignoreIndex: number): number[] {
  const C = logits.shape[logits.ndim - 1]!;
  const logp = logits.reshape([-1, C]).logSoftmax(-1).toArray() as number[][];
  return logp.map((row, r) => {
    const y = target[r]!;
    if (y === ignoreIndex) return 0;
    let loss = 0;
    for (let c = 0; c < C; c++) {
      const q = smoothing === 'uniform' ? eps / C + (c === y ? 1 - eps : 0) : c === y ? 1 - eps : eps / (C - 1);
      loss -= q * row[c]!;
    }
    return loss;
  });
}

describe('crossEntropy gradients', () => {
  const targets2d = T.tensor(new Int32Array([2, 0, 4, 1, 4, 3]));
  const targets3d = T.tensor([[1, 0, 3], [2, 2, 0]], { dtype: 'int32' });
  const withIgnored2d = T.tensor(new Int32Array([2, -100, 4, 1, -100, 3]));
  const withIgnored3d = T.tensor([[1, -1, 3], [-1, 2, 0]], { dtype: 'int32' });

  for (const smoothing of ['uniform', 'offTarget'] as const) {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      for (const labelSmoothing of [0, 0.1]) {
        if (labelSmoothing === 0 && smoothing === 'offTarget') continue;
        const tag = `${smoothing}, labelSmoothing ${labelSmoothing}, reduction ${reduction}`;
        test(`[N,C] ${tag}`, () => {
          gradcheck((z) => T.crossEntropy(z, targets2d, { labelSmoothing, smoothing, reduction }), [param([6, 5], 40, -2, 2)]);
        });
        test(`[N,C] with ignoreIndex (default -100), ${tag}`, () => {
          const r = gradcheck((z) => T.crossEntropy(z, withIgnored2d, { labelSmoothing, smoothing, reduction }), [param([6, 5], 41, -2, 2)]);
          for (const row of [1, 4]) for (let c = 0; c < 5; c++) assert.equal(r.analytic[0]![row * 5 + c], 0);
        });
        test(`[B,T,C] ${tag}`, () => {
          gradcheck((z) => T.crossEntropy(z, targets3d, { labelSmoothing, smoothing, reduction }), [param([2, 3, 4], 42, -2, 2)]);
        });
        test(`[B,T,C] with ignoreIndex -1, ${tag}`, () => {
          gradcheck((z) => T.crossEntropy(z, withIgnored3d, { labelSmoothing, smoothing, reduction, ignoreIndex: -1 }), [param([2, 3, 4], 43, -2, 2)]);
        });
      }
    }
  }

  test('crossEntropy of a non-contiguous logits view', () => {
    gradcheck((z) => T.crossEntropy(z.t(), targets2d, { labelSmoothing: 0.2 }), [param([5, 6], 44, -2, 2)]);
  });

  for (const smoothing of ['uniform', 'offTarget'] as const) {
    test(`values match -sum q log softmax (${smoothing} smoothing, ignored rows excluded from the mean)`, () => {
      const z = param([6, 5], 45, -3, 3).detach();
      const none = T.crossEntropy(z, withIgnored2d, { labelSmoothing: 0.3, smoothing, reduction: 'none' });
      const ref = referenceCE(z, withIgnored2d.values() as Int32Array, 0.3, smoothing, -100);
      assertClose(none.values(), ref, { rtol: 1e-5, atol: 1e-6 });
      assert.deepEqual(none.shape, [6]);
      const total = ref.reduce((a, b) => a + b, 0);
      assertClose(T.crossEntropy(z, withIgnored2d, { labelSmoothing: 0.3, smoothing, reduction: 'sum' }).item(), total, { rtol: 1e-5 });
      assertClose(T.crossEntropy(z, withIgnored2d, { labelSmoothing: 0.3, smoothing }).item(), total / 4, { rtol: 1e-5 });
    });
  }

  test('reduction none keeps the target shape for [B,T,C]', () => {
    const out = T.crossEntropy(T.zeros([2, 3, 4]), targets3d, { reduction: 'none' });
    assert.deepEqual(out.shape, [2, 3]);
    assertClose(out.values(), new Array(6).fill(Math.log(4)), { rtol: 1e-6 });
  });

  test('mean over targets that are all ignored is NaN, as in PyTorch', () => {
    const out = T.crossEntropy(T.zeros([2, 3]), T.tensor(new Int32Array([-100, -100])));
    assert.ok(Number.isNaN(out.item()));
  });

  test('rejects an out-of-range target', () => {
    assert.throws(() => T.crossEntropy(T.zeros([2, 3]), T.tensor(new Int32Array([0, 3]))), /out of bounds/);
  });

  test('rejects targets whose shape does not match the logits', () => {
    assert.throws(() => T.crossEntropy(T.zeros([2, 3]), T.tensor(new Int32Array([0, 1, 2]))), /\[2, 3\]/);
  });

  test('rejects float targets', () => {
    assert.throws(() => T.crossEntropy(T.zeros([2, 3]), T.tensor([0, 1])), ArgumentError);
  });
});
