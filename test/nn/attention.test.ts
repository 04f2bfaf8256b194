/** Masking semantics: padded keys get no attention, causal masks never look ahead, padding never leaks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cat, manualSeed, nn, noGrad, randn, tensor, zeros } from 'anneal';
import { assertClose } from '../helpers/index.js';

test('a padded key position receives exactly zero attention from every query and head', () => {
  manualSeed(0);
  const mha = new nn.MultiheadAttention(8, 2);
  const x = randn([2, 5, 8]);
  const pad = tensor([[false, false, false, true, true], [false, true, false, false, true]]);
  const [, w] = mha.forward(x, x, x, { keyPaddingMask: pad, averageAttnWeights: false });
  const weights = w!.toArray() as number[][][][];
  for (let b = 0; b < 2; b++) {
    for (let h = 0; h < 2; h++) {
      for (let q = 0; q < 5; q++) {
        const row = weights[b]![h]![q]!;
        assertClose(row.reduce((s, v) => s + v, 0), 1, { atol: 1e-6 }, 'row sum');
        for (let k = 0; k < 5; k++) if ((pad.toArray() as boolean[][])[b]![k]) assert.equal(row[k], 0);
      }
    }
  }
});

test('changing the content at padded key positions does not change any output', () => {
  manualSeed(1);
  const mha = new nn.MultiheadAttention(8, 2);
  const q = randn([1, 3, 8]);
  const kv = randn([1, 4, 8]);
  const pad = tensor([[false, false, true, true]]);
  const [a] = mha.forward(q, kv, kv, { keyPaddingMask: pad });
  const kv2 = cat([kv.narrow(1, 0, 2), randn([1, 2, 8]).mul(100)], 1);
  const [b] = mha.forward(q, kv2, kv2, { keyPaddingMask: pad });
  assertClose(b.toArray(), a.toArray(), { atol: 1e-6 });
});

test('a causal mask gives zero weight to every later position', () => {
  manualSeed(2);
  const mha = new nn.MultiheadAttention(8, 2);
  const x = randn([1, 6, 8]);
  const [, w] = mha.forward(x, x, x, { isCausal: true, averageAttnWeights: false });
  const weights = w!.toArray() as number[][][][];
  for (let h = 0; h < 2; h++) for (let q = 0; q < 6; q++) for (let k = q + 1; k < 6; k++) assert.equal(weights[0]![h]![q]![k], 0);
});

test('a boolean attention mask and the equivalent additive -inf mask give the same output', () => {
  manualSeed(3);
  const mha = new nn.MultiheadAttention(8, 2);
  const x = randn([2, 4, 8]);
  const boolMask = tensor([[false, true, false, false], [false, false, true, false], [true, false, false, false], [false, false, false, false]]);
  const floatMask = nn.toAdditiveMask(boolMask);
  const [a] = mha.forward(x, x, x, { attnMask: boolMask });
  const [b] = mha.forward(x, x, x, { attnMask: floatMask });
  assert.deepEqual(a.toArray(), b.toArray());
});

test('the language model never looks ahead: logits at t do not depend on tokens after t', () => {
  manualSeed(4);
  const lm = new nn.TransformerLM({ vocabSize: 17, dModel: 16, nhead: 2, numLayers: 2, maxLen: 8, dropout: 0 });
  const ids = tensor([[3, 5, 7, 11, 13, 2, 4, 6]], { dtype: 'int32' });
  const changed = tensor([[3, 5, 7, 11, 1, 1, 1, 1]], { dtype: 'int32' });
  noGrad(() => {
    const a = lm.forward(ids).narrow(1, 0, 4);
    const b = lm.forward(changed).narrow(1, 0, 4);
    assertClose(b.toArray(), a.toArray(), { atol: 1e-6 });
    assert.notDeepEqual(lm.forward(ids).select(1, 4).toArray(), lm.forward(changed).select(1, 4).toArray());
  });
});

test('the seq2seq decoder never looks ahead in the target', () => {
  manualSeed(5);
  const m = new nn.TransformerSeq2Seq({ srcVocabSize: 13, tgtVocabSize: 13, dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 2, dimFeedforward: 32, dropout: 0, srcPaddingIdx: 0, tgtPaddingIdx: 0 });
  const src = tensor([[4, 5, 6]], { dtype: 'int32' });
  const a = m.forward(src, tensor([[1, 7, 8, 9, 10]], { dtype: 'int32' })).narrow(1, 0, 2);
  const b = m.forward(src, tensor([[1, 7, 3, 3, 3]], { dtype: 'int32' })).narrow(1, 0, 2);
  assertClose(b.toArray(), a.toArray(), { atol: 1e-6 });
});

test("a sequence's seq2seq logits do not depend on how much padding its batch adds", () => {
  manualSeed(6);
  const m = new nn.TransformerSeq2Seq({ srcVocabSize: 13, tgtVocabSize: 13, dModel: 16, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32, dropout: 0, srcPaddingIdx: 0, tgtPaddingIdx: 0 });
  const alone = m.forward(tensor([[4, 5]], { dtype: 'int32' }), tensor([[1, 7, 8]], { dtype: 'int32' }));
  const padded = m.forward(tensor([[4, 5, 0, 0], [6, 7, 8, 9]], { dtype: 'int32' }), tensor([[1, 7, 8, 0, 0], [1, 3, 4, 5, 6]], { dtype: 'int32' }));
  assertClose(padded.narrow(0, 0, 1).narrow(1, 0, 3).toArray(), alone.toArray(), { atol: 2e-6 });
});

test('attention rejects masks of the wrong shape with a message giving the expected shape', () => {
  const mha = new nn.MultiheadAttention(8, 2);
  const x = zeros([2, 3, 8]);
  assert.throws(() => mha.forward(x, x, x, { keyPaddingMask: zeros([2, 4], { dtype: 'bool' }) }), /keyPaddingMask should be \[2, 3\]/);
  assert.throws(() => mha.forward(x, x, x, { attnMask: zeros([3, 4], { dtype: 'bool' }) }), /attnMask should be \[3, 3\]/);
});

test('MultiheadAttention with batchFirst false takes [seq, batch, embed]', () => {
  manualSeed(7);
  const mha = new nn.MultiheadAttention(8, 2, { batchFirst: false });
  const x = randn([5, 2, 8]);
  const [out] = mha.forward(x, x, x);
  assert.deepEqual(out.shape, [5, 2, 8]);
  const first = new nn.MultiheadAttention(8, 2);
  first.loadStateDict(mha.stateDict());
  const [ref] = first.forward(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1));
  assertClose(out.transpose(0, 1).toArray(), ref.toArray(), { atol: 1e-6 });
});
