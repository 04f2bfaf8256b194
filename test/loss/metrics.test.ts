/** perplexity, tokenAccuracy and calibrationError on cases small enough to check by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers/index.js';
import { calibrationError, crossEntropy, perplexity, tokenAccuracy } from '../../src/loss/index.js';
import { Tensor } from '../../src/tensor/index.js';

const ids = (values: number[], shape = [values.length]) => new Tensor(Int32Array.from(values), shape);

/** Two-class logits whose softmax gives `confidence` to class `cls`. */
function twoClassRow(confidence: number, cls: number): number[] {
  const z = Math.log(confidence / (1 - confidence));
  return cls === 0 ? [z, 0] : [0, z];
}

function logitsOf(rows: number[][]): Tensor {
  return new Tensor(Float32Array.from(rows.flat()), [rows.length, rows[0]!.length]);
}

test('perplexity is exp of the mean token loss: uniform logits over V classes give V', () => {
  const V = 7;
  const loss = crossEntropy(Tensor.zeros([3, V]), ids([0, 3, 6]));
  assertClose(perplexity(loss), V, { rtol: 1e-6 });
  assertClose(perplexity(Math.log(42)), 42, { rtol: 1e-12 });
});

test('tokenAccuracy counts argmax hits over the positions that are not padding', () => {
  // [B=1, T=4, C=3]: predictions 2, 0, 1, 1; targets 2, 1, <pad>, 1
  const logits = new Tensor(Float32Array.from([0, 1, 5, 3, 0, 0, 0, 9, 1, 0, 2, 1]), [1, 4, 3]);
  assert.deepEqual(tokenAccuracy(logits, ids([2, 1, 0, 1], [1, 4]), { ignoreIndex: 0 }), { correct: 2, total: 3, accuracy: 2 / 3 });
  assert.deepEqual(tokenAccuracy(logits, ids([2, 1, 1, 1], [1, 4])), { correct: 3, total: 4, accuracy: 3 / 4 });
});

test('tokenAccuracy of a batch that is all padding is NaN with total 0', () => {
  const r = tokenAccuracy(Tensor.zeros([2, 3]), ids([-100, -100]));
  assert.equal(r.total, 0);
  assert.ok(Number.isNaN(r.accuracy));
});

test('calibrationError: ECE is the count-weighted gap between accuracy and confidence per bin', () => {
  // 0.85 right (bin (0.8, 0.9]: gap 0.15) and 0.65 wrong (bin (0.6, 0.7]: gap 0.65): ECE (0.15 + 0.65) / 2
  const r = calibrationError(logitsOf([twoClassRow(0.85, 1), twoClassRow(0.65, 0)]), ids([1, 1]), { numBins: 10 });
  assertClose(r.ece, 0.4, { rtol: 1e-6 });
  assert.equal(r.count, 2);
  assert.deepEqual(r.bins.map((b) => b.count), [0, 0, 0, 0, 0, 0, 1, 0, 1, 0]);
  assertClose(r.bins[8]!.confidence, 0.85, { rtol: 1e-6 });
  assert.equal(r.bins[8]!.accuracy, 1);
  assert.equal(r.bins[6]!.accuracy, 0);
});

test('calibrationError of a calibrated model is 0: confidence 0.75 and 3 of 4 right', () => {
  const rows = [twoClassRow(0.75, 0), twoClassRow(0.75, 0), twoClassRow(0.75, 1), twoClassRow(0.75, 1)];
  assertClose(calibrationError(logitsOf(rows), ids([0, 0, 1, 0])).ece, 0, { atol: 1e-7 });
});

test('calibrationError bins are equal-width over [0, 1], (lower, upper], and cover every scored position', () => {
  const r = calibrationError(logitsOf([twoClassRow(0.55, 0), twoClassRow(0.95, 1), twoClassRow(0.7, 0)]), ids([0, 1, 1]), { numBins: 4 });
  assert.deepEqual(r.bins.map((b) => [b.lower, b.upper]), [[0, 0.25], [0.25, 0.5], [0.5, 0.75], [0.75, 1]]);
  assert.deepEqual(r.bins.map((b) => b.count), [0, 0, 2, 1]);
  assert.deepEqual(r.bins.slice(0, 2).map((b) => [b.confidence, b.accuracy]), [[0, 0], [0, 0]]);
});

test('calibrationError leaves out ignored positions', () => {
  const logits = logitsOf([twoClassRow(0.85, 1), twoClassRow(0.65, 0)]);
  const r = calibrationError(logits, ids([1, 0]), { numBins: 10, ignoreIndex: 0 });
  // only the first row (0.85, right) is scored
  assert.equal(r.count, 1);
  assertClose(r.ece, 0.15, { rtol: 1e-6 });
  assert.ok(Number.isNaN(calibrationError(logits, ids([-100, -100])).ece));
});

test("calibrationError's 'max' norm is the largest bin gap (MCE) and 'l2' the root of the weighted squares", () => {
  const logits = logitsOf([twoClassRow(0.85, 1), twoClassRow(0.65, 0)]);
  const target = ids([1, 1]);
  assertClose(calibrationError(logits, target, { numBins: 10, norm: 'max' }).ece, 0.65, { rtol: 1e-6 });
  assertClose(calibrationError(logits, target, { numBins: 10, norm: 'l2' }).ece, Math.sqrt((0.15 ** 2 + 0.65 ** 2) / 2), { rtol: 1e-6 });
});

test('calibrationError takes [B, T, C] logits with [B, T] targets', () => {
  const rows = [twoClassRow(0.85, 1), twoClassRow(0.65, 0), twoClassRow(0.85, 1), twoClassRow(0.65, 0)];
  const logits = new Tensor(Float32Array.from(rows.flat()), [2, 2, 2]);
  assertClose(calibrationError(logits, ids([1, 1, 1, 1], [2, 2]), { numBins: 10 }).ece, 0.4, { rtol: 1e-6 });
});

test('calibrationError rejects a bad bin count or norm', () => {
  const logits = logitsOf([[0, 1]]);
  assert.throws(() => calibrationError(logits, ids([0]), { numBins: 0 }), /numBins/);
  // @ts-expect-error: an unknown norm
  assert.throws(() => calibrationError(logits, ids([0]), { norm: 'l3' }), /norm/);
});
