/** languageModelLoss and sequenceToSequenceLoss: the shifts they apply, stated as cross-entropy on explicit slices. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossEntropy, decoderInput, languageModelLoss, sequenceToSequenceLoss } from '../../src/loss/index.js';
import { randn, manualSeed, Tensor } from '../../src/tensor/index.js';

const ids = (values: number[], shape: number[]) => new Tensor(Int32Array.from(values), shape);

test('languageModelLoss equals crossEntropy of logits[:, :-1] against ids[:, 1:]', () => {
  manualSeed(3);
  const logits = randn([2, 5, 7]);
  const tokens = ids([1, 4, 2, 6, 0, 3, 3, 5, 1, 2], [2, 5]);
  for (const options of [{}, { labelSmoothing: 0.1 }, { reduction: 'sum' as const }, { ignoreIndex: 3 }]) {
    const expected = crossEntropy(logits.slice(1, 0, 4), tokens.slice(1, 1, 5), options).item();
    assert.equal(languageModelLoss(logits, tokens, options).item(), expected, JSON.stringify(options));
  }
});

test('languageModelLoss sends no gradient to the last position, which has no next token', () => {
  manualSeed(4);
  const logits = randn([1, 4, 3]).requiresGrad_();
  languageModelLoss(logits, ids([0, 1, 2, 1], [1, 4])).backward();
  const g = logits.grad!.values();
  assert.deepEqual(Array.from(g.slice(9)), [0, 0, 0]);
  assert.ok(Array.from(g.slice(0, 9)).some((v) => v !== 0));
});

test('languageModelLoss ignores padding targets: a padded row scores like its unpadded prefix', () => {
  manualSeed(5);
  const logits = randn([1, 5, 4]);
  const padded = languageModelLoss(logits, ids([1, 2, 3, 0, 0], [1, 5]), { ignoreIndex: 0 }).item();
  const prefix = languageModelLoss(logits.slice(1, 0, 3), ids([1, 2, 3], [1, 3])).item();
  assert.ok(Math.abs(padded - prefix) < 1e-6, `${padded} vs ${prefix}`);
});

test('sequenceToSequenceLoss scores decoder logits against tgt[:, 1:], the decoder having read tgt[:, :-1]', () => {
  manualSeed(6);
  // <sos>=1 y y <eos>=2 <pad>=0
  const tgt = ids([1, 5, 6, 2, 0, 1, 7, 2, 0, 0], [2, 5]);
  assert.deepEqual(decoderInput(tgt).toArray(), [[1, 5, 6, 2], [1, 7, 2, 0]]);
  const logits = randn([2, 4, 8]);
  const expected = crossEntropy(logits, tgt.slice(1, 1, 5), { ignoreIndex: 0, labelSmoothing: 0.1 }).item();
  assert.equal(sequenceToSequenceLoss(logits, tgt, { ignoreIndex: 0, labelSmoothing: 0.1 }).item(), expected);
});

test("sequenceToSequenceLoss's mean is over target tokens, padding excluded", () => {
  const tgt = ids([1, 5, 2, 0], [1, 4]);
  const logits = Tensor.zeros([1, 3, 8]);
  // two scored tokens (5 and <eos>), each costing log 8 under uniform logits
  const sum = sequenceToSequenceLoss(logits, tgt, { ignoreIndex: 0, reduction: 'sum' }).item();
  assert.ok(Math.abs(sum - 2 * Math.log(8)) < 1e-5);
  assert.ok(Math.abs(sequenceToSequenceLoss(logits, tgt, { ignoreIndex: 0 }).item() - Math.log(8)) < 1e-6);
});
