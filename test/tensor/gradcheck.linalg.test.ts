/** Finite-difference gradient checks for matmul and linear. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as T from '../../src/tensor/index.js';
import { Tensor } from '../../src/tensor/index.js';
import { gradcheck, param } from '../helpers/gradcheck.js';

// matmul is bilinear: central differences are exact up to rounding, so a large eps keeps the
// rounding noise of the float32 outputs small.
const opts = { eps: 1e-2 };

describe('matmul gradients', () => {
  const cases: [string, number[], number[], (a: Tensor, b: Tensor) => Tensor][] = [
    ['2-D @ 2-D', [3, 4], [4, 5], (a, b) => a.matmul(b)],
    ['2-D @ 2-D with sizes that are not multiples of 4', [5, 7], [7, 6], (a, b) => a.matmul(b)],
    ['1-D @ 1-D (dot product)', [5], [5], (a, b) => a.matmul(b)],
    ['1-D @ 2-D', [4], [4, 3], (a, b) => a.matmul(b)],
    ['2-D @ 1-D', [3, 4], [4], (a, b) => a.matmul(b)],
    ['1-D @ 3-D', [4], [2, 4, 3], (a, b) => a.matmul(b)],
    ['3-D @ 1-D', [2, 3, 4], [4], (a, b) => a.matmul(b)],
    ['batched 3-D @ 3-D', [2, 3, 4], [2, 4, 5], (a, b) => a.matmul(b)],
    ['3-D @ 2-D (weight shared across the batch)', [2, 3, 4], [4, 5], (a, b) => a.matmul(b)],
    ['2-D @ 3-D (left operand broadcast)', [3, 4], [2, 4, 5], (a, b) => a.matmul(b)],
    ['broadcast batch dims [2,1] with [3]', [2, 1, 3, 4], [3, 4, 2], (a, b) => a.matmul(b)],
    ['broadcast batch dims [1,3] with [2,1]', [1, 3, 2, 4], [2, 1, 4, 3], (a, b) => a.matmul(b)],
    ['transposed left operand', [4, 3], [4, 5], (a, b) => a.t().matmul(b)],
    ['transposed right operand', [3, 4], [5, 4], (a, b) => a.matmul(b.t())],
    ['both operands transposed', [4, 3], [5, 4], (a, b) => a.t().matmul(b.t())],
    ['batched with mT on both sides', [2, 4, 3], [2, 5, 4], (a, b) => a.mT.matmul(b.mT)],
    ['permuted batch dims', [3, 2, 4], [2, 4, 5], (a, b) => a.permute(1, 0, 2).matmul(b)],
    ['3-D transposed @ 2-D (non-contiguous fold of the batch)', [2, 4, 3], [4, 5], (a, b) => a.transpose(1, 2).matmul(b)],
    ['sliced (strided) operands', [6, 4], [4, 10], (a, b) => a.slice(0, 0, null, 2).matmul(b.slice(1, 1, null, 3))],
    ['expanded operand (stride 0 rows)', [1, 4], [4, 3], (a, b) => a.expand(3, 4).matmul(b)],
    ['attention-style q @ k^T with 4-D tensors', [2, 2, 3, 4], [2, 2, 5, 4], (a, b) => a.matmul(b.transpose(-2, -1))],
    ['the same tensor on both sides (x^T x)', [3, 4], [1], (a) => a.t().matmul(a)],
  ];
  for (const [name, sa, sb, fn] of cases) {
    test(name, () => {
      gradcheck(fn, [param(sa, name.length), param(sb, name.length + 100)], opts);
    });
  }

  test('function form T.matmul matches the method', () => {
    const a = T.randn([2, 3]);
    const b = T.randn([3, 4]);
    assert.deepEqual(T.matmul(a, b).toArray(), a.matmul(b).toArray());
  });

  test('matmul output shapes follow torch.matmul', () => {
    const shapeOf = (sa: number[], sb: number[]) => T.zeros(sa).matmul(T.zeros(sb)).shape;
    assert.deepEqual(shapeOf([3], [3]), []);
    assert.deepEqual(shapeOf([3], [3, 2]), [2]);
    assert.deepEqual(shapeOf([2, 3], [3]), [2]);
    assert.deepEqual(shapeOf([5, 1, 2, 3], [4, 3, 6]), [5, 4, 2, 6]);
    assert.deepEqual(shapeOf([3], [7, 3, 2]), [7, 2]);
    assert.deepEqual(shapeOf([7, 2, 3], [3]), [7, 2]);
  });

  test('matmul with mismatched inner sizes names both shapes', () => {
    assert.throws(() => T.zeros([2, 3]).matmul(T.zeros([4, 5])), /\[2, 3\].*\[4, 5\]/);
  });
});

describe('linear gradients', () => {
  test('linear with bias on a 2-D input', () => {
    gradcheck((x, w, b) => T.linear(x, w, b), [param([4, 3], 1), param([5, 3], 2), param([5], 3)], opts);
  });

  test('linear without bias', () => {
    gradcheck((x, w) => T.linear(x, w), [param([4, 3], 4), param([5, 3], 5)], opts);
  });

  test('linear with bias on a 3-D input', () => {
    gradcheck((x, w, b) => T.linear(x, w, b), [param([2, 3, 6], 6), param([5, 6], 7), param([5], 8)], opts);
  });

  test('linear on a 1-D input', () => {
    gradcheck((x, w, b) => T.linear(x, w, b), [param([6], 9), param([7, 6], 10), param([7], 11)], opts);
  });

  test('linear on a transposed (non-contiguous) input and weight', () => {
    gradcheck((x, w, b) => T.linear(x.t(), w.t(), b), [param([3, 4], 12), param([3, 5], 13), param([5], 14)], opts);
  });

  test('linear with only the weight requiring grad', () => {
    const x = param([4, 3], 15).detach();
    const b = param([5], 16).detach();
    gradcheck((w) => T.linear(x, w, b), [param([5, 3], 17)], opts);
  });

  test('linear matches x @ W^T + b', () => {
    const x = T.randn([2, 3, 4]);
    const w = T.randn([5, 4]);
    const b = T.randn([5]);
    const expected = x.matmul(w.t()).add(b).values();
    const got = T.linear(x, w, b).values();
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i]! - expected[i]!) < 1e-5);
  });
});

describe('mm and bmm gradients', () => {
  test('mm of odd-sized matrices', () => {
    gradcheck((a, b) => T.mm(a, b), [param([3, 5], 21), param([5, 2], 22)], opts);
  });

  test('mm of a transposed operand', () => {
    gradcheck((a, b) => a.t().mm(b), [param([5, 3], 23), param([5, 4], 24)], opts);
  });

  test('bmm of batched matrices', () => {
    gradcheck((a, b) => T.bmm(a, b), [param([2, 3, 4], 25), param([2, 4, 3], 26)], opts);
  });
});
