/** Finite-difference gradient checks for reductions: sum, mean, var, std, max, min. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as T from '../../src/tensor/index.js';
import { gradcheck, param, paramAway } from '../helpers/gradcheck.js';

const dimCases: [string, number | number[] | undefined][] = [
  ['all dims', undefined],
  ['dim 0', 0],
  ['dim 1', 1],
  ['dim 2', 2],
  ['dim -1', -1],
  ['dim -3', -3],
  ['dims [0, 2]', [0, 2]],
  ['dims [-1, 1]', [-1, 1]],
  ['dims [0, 1, 2]', [0, 1, 2]],
];

describe('sum and mean gradients', () => {
  for (const [label, dim] of dimCases) {
    for (const keepdim of [false, true]) {
      test(`sum over ${label}, keepdim ${keepdim}`, () => {
        gradcheck((x) => x.sum(dim, keepdim), [param([2, 3, 4], 1)], { eps: 1e-2 });
      });
      test(`mean over ${label}, keepdim ${keepdim}`, () => {
        gradcheck((x) => x.mean(dim, keepdim), [param([2, 3, 4], 2)], { eps: 1e-2 });
      });
    }
  }

  test('sum of a 0-d tensor', () => {
    gradcheck((x) => x.sum(), [param([], 3)]);
  });

  test('sum of a transposed (non-contiguous) input over dim 0', () => {
    gradcheck((x) => x.t().sum(0), [param([3, 4], 4)], { eps: 1e-2 });
  });

  test('function forms T.sum and T.mean', () => {
    gradcheck((x) => T.sum(x, 1).mul(T.mean(x, 1)), [param([3, 4], 5)]);
  });
});

describe('var and std gradients', () => {
  for (const [label, dim] of dimCases) {
    test(`var over ${label}`, () => {
      gradcheck((x) => x.var(dim), [param([2, 3, 4], 10)]);
    });
  }

  test('var with keepdim', () => {
    gradcheck((x) => x.var(1, { keepdim: true }), [param([2, 3, 4], 11)]);
  });

  test('var with correction 0 (biased)', () => {
    gradcheck((x) => x.var([0, 2], { correction: 0 }), [param([2, 3, 4], 12)]);
  });

  test('std over the last dim', () => {
    gradcheck((x) => x.std(-1), [param([3, 5], 13)]);
  });

  test('var uses Bessel\'s correction by default', () => {
    const x = T.tensor([1, 2, 3, 4]);
    assert.ok(Math.abs(x.var().item() - 5 / 3) < 1e-6);
    assert.ok(Math.abs(x.var(0, { correction: 0 }).item() - 1.25) < 1e-6);
  });
});

describe('max and min gradients', () => {
  test('max over all elements', () => {
    gradcheck((x) => x.max(), [paramAway([3, 4], 20)]);
  });

  test('min over all elements', () => {
    gradcheck((x) => x.min(), [paramAway([3, 4], 21)]);
  });

  for (const dim of [0, 1, 2, -1, -2]) {
    for (const keepdim of [false, true]) {
      test(`max values over dim ${dim}, keepdim ${keepdim}`, () => {
        gradcheck((x) => x.max(dim, keepdim).values, [paramAway([2, 3, 4], 22)]);
      });
      test(`min values over dim ${dim}, keepdim ${keepdim}`, () => {
        gradcheck((x) => x.min(dim, keepdim).values, [paramAway([2, 3, 4], 23)]);
      });
    }
  }

  test('max over dim of a transposed input', () => {
    gradcheck((x) => x.t().max(1).values, [paramAway([4, 3], 24)]);
  });

  test('max() over all elements shares the gradient evenly between ties, as PyTorch does', () => {
    const x = T.tensor([3, 1, 3, 2], { requiresGrad: true });
    x.max().backward();
    assert.deepEqual(x.grad!.toArray(), [0.5, 0, 0.5, 0]);
  });

  test('max(dim) sends the gradient only to the returned (first) index on ties', () => {
    const x = T.tensor([[3, 1, 3], [0, 2, 2]], { requiresGrad: true });
    const { values, indices } = x.max(1);
    assert.deepEqual(indices.toArray(), [0, 1]);
    values.sum().backward();
    assert.deepEqual(x.grad!.toArray(), [[1, 0, 0], [0, 1, 0]]);
  });

  test('min(dim) returns the first index of the minimum and its value', () => {
    const x = T.tensor([[3, 1, 1], [0, 2, 0]]);
    const { values, indices } = x.min(1);
    assert.deepEqual(values.toArray(), [1, 0]);
    assert.deepEqual(indices.toArray(), [1, 0]);
    assert.equal(indices.dtype, 'int32');
  });
});
