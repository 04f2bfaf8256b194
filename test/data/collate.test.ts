import { test } from 'node:test';
import assert from 'node:assert/strict';
import { data } from 'anneal';

const ids = { srcPad: 0, tgtPad: 0, bos: 1, eos: 2 };
const pairs = [
  { src: [5, 6, 7], tgt: [8] },
  { src: [5], tgt: [9, 9, 9, 9] },
  { src: [6, 6], tgt: [8, 9] },
];

test('collateLM builds int32 input and target windows with no padding', () => {
  const windows = { tokens: Int32Array.from([10, 11, 12, 13, 14, 15, 16]), starts: Int32Array.from([0, 3]), contextLength: 3 };
  const b = data.collateLM(windows, [1, 0]);
  assert.equal(b.input.dtype, 'int32');
  assert.deepEqual(b.input.shape, [2, 3]);
  assert.deepEqual(b.input.toArray(), [[13, 14, 15], [10, 11, 12]]);
  assert.deepEqual(b.target.toArray(), [[14, 15, 16], [11, 12, 13]]);
  assert.deepEqual([b.numTargetTokens, b.numTokens, b.numPadding], [6, 6, 0]);
});

test('collateSeq2Seq pads sources and wraps targets in bos ... eos', () => {
  const b = data.collateSeq2Seq(pairs, [0, 1], ids);
  assert.equal(b.src.dtype, 'int32');
  assert.deepEqual(b.src.toArray(), [[5, 6, 7], [5, 0, 0]]);
  assert.deepEqual(b.tgt.toArray(), [[1, 8, 2, 0, 0, 0], [1, 9, 9, 9, 9, 2]]);
  assert.equal(b.numTargetTokens, 2 + 5);
  // Source positions 2 x 3 plus decoder positions 2 x 5; real tokens 3 + 1 + 2 + 5.
  assert.deepEqual([b.numTokens, b.numPadding], [16, 16 - 11]);
});

test('collateSeq2Seq pads the source and the decoder length to the multiple', () => {
  const b = data.collateSeq2Seq(pairs, [0, 2], { ...ids, padToMultiple: 4 });
  assert.deepEqual(b.src.shape, [2, 4]);
  assert.deepEqual(b.tgt.shape, [2, 5]); // decoder reads 4 positions (len 2 + 1 -> 4), plus the shifted-out column
  assert.deepEqual([b.numTokens, b.numPadding, b.numTargetTokens], [16, 16 - (3 + 2 + 2 + 3), 5]);
});

test('collateSeq2Seq agrees with seq2seqBatch, the numbers task\'s collation', () => {
  const b = data.collateSeq2Seq(pairs, [0, 1, 2], ids);
  const old = data.seq2seqBatch(pairs, { srcPad: 0, tgtPad: 0, sos: 1, eos: 2 });
  assert.deepEqual(b.src.toArray(), old.src.toArray());
  assert.deepEqual(b.tgt.toArray(), old.tgt.toArray());
  assert.equal(b.numTargetTokens, old.numTargetTokens);
});

test('seq2seqLengths are the lengths the loader pads: source and decoder', () => {
  assert.deepEqual(data.seq2seqLengths(pairs), [[3, 2], [1, 5], [2, 3]]);
});

test('paddedLength rounds up to the multiple', () => {
  assert.deepEqual([0, 1, 8, 9].map((n) => data.paddedLength(n, 8)), [0, 8, 8, 16]);
  assert.equal(data.paddedLength(9, 1), 9);
});
