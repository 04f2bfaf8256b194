/** The fused crossEntropy kernel against a reference built from a float64 log-softmax. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from '../helpers/fc.js';
import { jsBackend as B } from '../../src/backend/index.js';
import { assertNear, floats, randInt, rng, seedArb } from './reference.js';

function logSoftmaxRow(z: ArrayLike<number>): { logp: number[]; lse: number } {
  const v = Array.from(z);
  const mx = Math.max(...v);
  const lse = mx + Math.log(v.reduce((s, x) => s + Math.exp(x - mx), 0));
  return { logp: v.map((x) => x - lse), lse };
}

const caseArb = fc.record({
  rows: fc.integer({ min: 0, max: 8 }),
  classes: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constant(17)),
  eps: fc.constantFrom(0, 0.1, 0.3),
  smoothing: fc.constantFrom('uniform', 'offTarget'),
  ignoreIndex: fc.constantFrom(-100, -1, 0),
  shift: fc.constantFrom(0, 300, -300),
  seed: seedArb,
});

describe('crossEntropy kernel', () => {
  test('loss, log-sum-exp and gradient match -sum_c q_c log softmax(z)_c', () => {
    fc.assert(fc.property(caseArb, (c) => {
      const r = rng(c.seed);
      const { rows, classes: C } = c;
      const logits = floats(rows * C, r, -6, 6).map((v) => v + c.shift);
      const targets = new Int32Array(rows).map(() => (r() < 0.25 ? c.ignoreIndex : randInt(r, 0, C - 1)));
      const base = c.smoothing === 'uniform' ? c.eps / C : C > 1 ? c.eps / (C - 1) : 0;
      const extra = c.smoothing === 'uniform' ? 1 - c.eps : 1 - c.eps - base;
      const losses = new Float32Array(rows).fill(NaN);
      const lse = new Float32Array(rows).fill(NaN);
      B.crossEntropy(logits, targets, rows, C, c.ignoreIndex, base, extra, losses, lse);
      const rowGrad = floats(rows, r, -2, 2);
      const gx = new Float32Array(rows * C).fill(NaN);
      B.crossEntropyBackward(logits, targets, lse, rowGrad, rows, C, c.ignoreIndex, base, extra, gx);

      const eLoss: number[] = [], eLse: number[] = [], eGx: number[] = [];
      for (let row = 0; row < rows; row++) {
        const { logp, lse: l } = logSoftmaxRow(logits.subarray(row * C, (row + 1) * C));
        eLse.push(l);
        const y = targets[row]!;
        const q = (k: number) => base + (k === y ? extra : 0);
        if (y === c.ignoreIndex) {
          eLoss.push(0);
          for (let k = 0; k < C; k++) eGx.push(0);
          continue;
        }
        eLoss.push(-logp.reduce((s, lp, k) => s + q(k) * lp, 0));
        for (let k = 0; k < C; k++) eGx.push(rowGrad[row]! * (Math.exp(logp[k]!) - q(k)));
      }
      assertNear(losses, eLoss, 1e-5, 1e-5, 'losses');
      assertNear(lse, eLse, 1e-6, 1e-6, 'logSumExp');
      assertNear(gx, eGx, 1e-5, 1e-7, 'gx');
    }), { numRuns: 200 });
  });

  test('the target distribution sums to 1, so the gradient of each row sums to 0', () => {
    const r = rng(3);
    const C = 6, rows = 4;
    const logits = floats(rows * C, r, -3, 3);
    const targets = new Int32Array([0, 5, 2, 3]);
    for (const [base, extra] of [[0.1 / 6, 0.9], [0.1 / 5, 0.9 - 0.1 / 5]]) {
      const lse = new Float32Array(rows);
      B.crossEntropy(logits, targets, rows, C, -100, base!, extra!, new Float32Array(rows), lse);
      const gx = new Float32Array(rows * C);
      B.crossEntropyBackward(logits, targets, lse, new Float32Array(rows).fill(1), rows, C, -100, base!, extra!, gx);
      for (let row = 0; row < rows; row++) {
        const s = gx.subarray(row * C, (row + 1) * C).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(s) < 1e-6, `row ${row} sums to ${s}`);
      }
    }
  });

  test('the gradient stays accurate for large logits (the saved float32 log-sum-exp is off by up to |lse| * 6e-8)', () => {
    for (const top of [3.3, 30.3, 100.3, 300.3, 1000.3]) {
      const logits = new Float32Array([top, top - 5, top - 7]);
      const lse = new Float32Array(1);
      B.crossEntropy(logits, new Int32Array([0]), 1, 3, -100, 0, 1, new Float32Array(1), lse);
      const gx = new Float32Array(3);
      B.crossEntropyBackward(logits, new Int32Array([0]), lse, new Float32Array([1]), 1, 3, -100, 0, 1, gx);
      const { logp } = logSoftmaxRow(logits);
      const p = logp.map(Math.exp);
      assertNear(gx, [p[0]! - 1, p[1]!, p[2]!], 1e-6, 0, `logits around ${top}`);
    }
  });

  test('uniform logits over C classes give loss log C without smoothing', () => {
    const losses = new Float32Array(2);
    B.crossEntropy(new Float32Array(10).fill(3), new Int32Array([1, 4]), 2, 5, -100, 0, 1, losses, new Float32Array(2));
    assertNear(losses, [Math.log(5), Math.log(5)], 1e-6, 0);
  });
});
