/** Weight-decay groups: the default rule on real models, its options and overrides, and its use by an optimizer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransformerLM, TransformerSeq2Seq } from '../../src/nn/index.js';
import { AdamW, defaultNoDecay, paramGroupsWithDecay, splitDecayNames } from '../../src/optim/index.js';
import { manualSeed, Tensor } from '../../src/tensor/index.js';

function lm(tieWeights = false): TransformerLM {
  manualSeed(0);
  return new TransformerLM({ vocabSize: 11, dModel: 8, nhead: 2, numLayers: 1, dimFeedforward: 12, maxLen: 8, tieWeights });
}

test('the default rule decays weight matrices and embeddings, not biases, LayerNorm parameters or positions', () => {
  const { decay, noDecay } = splitDecayNames(lm(), { weightDecay: 0.1 });
  assert.deepEqual(decay, ['tokEmbed.weight', 'layers.0.selfAttn.inProjWeight', 'layers.0.selfAttn.outProj.weight', 'layers.0.linear1.weight', 'layers.0.linear2.weight', 'head.weight']);
  assert.deepEqual(noDecay, [
    'positions.weight', 'layers.0.selfAttn.inProjBias', 'layers.0.selfAttn.outProj.bias', 'layers.0.linear1.bias', 'layers.0.linear2.bias',
    'layers.0.norm1.weight', 'layers.0.norm1.bias', 'layers.0.norm2.weight', 'layers.0.norm2.bias', 'norm.weight', 'norm.bias',
  ]);
});

test('excludeEmbeddings also exempts the embedding tables', () => {
  manualSeed(0);
  const model = new TransformerSeq2Seq({ srcVocabSize: 7, tgtVocabSize: 9, dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 12, maxLen: 8 });
  const { decay, noDecay } = splitDecayNames(model, { weightDecay: 0.1, excludeEmbeddings: true });
  assert.ok(noDecay.includes('srcEmbed.weight') && noDecay.includes('tgtEmbed.weight'));
  assert.ok(decay.every((n) => !/Embed/.test(n)));
  assert.ok(decay.includes('head.weight') && noDecay.includes('head.bias'));
});

test('the rule is overridable by name patterns or by a predicate', () => {
  const byPattern = splitDecayNames(lm(), { weightDecay: 0.1, noDecay: ['bias', /^head\./] });
  assert.ok(byPattern.noDecay.includes('head.weight') && byPattern.decay.includes('norm.weight'));
  const byPredicate = splitDecayNames(lm(), { weightDecay: 0.1, noDecay: (name, p) => defaultNoDecay(name, p) || name.startsWith('layers.0.linear') });
  assert.ok(byPredicate.noDecay.includes('layers.0.linear1.weight') && byPredicate.decay.includes('layers.0.selfAttn.inProjWeight'));
});

test('paramGroupsWithDecay gives two groups, the second with weight decay 0, each parameter once (tied weights too)', () => {
  const model = lm(true);
  const [decayed, exempt] = paramGroupsWithDecay(model, { weightDecay: 0.1 });
  assert.equal(decayed.weightDecay, 0.1);
  assert.equal(exempt.weightDecay, 0);
  assert.equal(decayed.params.length + exempt.params.length, model.parameters().length);
  assert.doesNotThrow(() => new AdamW(paramGroupsWithDecay(model, { weightDecay: 0.1 })));
});

test('AdamW over the groups decays only the first: with zero gradients the exempt parameters do not move', () => {
  const model = lm();
  const groups = paramGroupsWithDecay(model, { weightDecay: 0.5 });
  const before = groups.map((g) => g.params.map((p) => (p.values() as Float32Array).slice()));
  for (const p of model.parameters()) p.grad = Tensor.zeros(p.shape);
  new AdamW(groups, { lr: 0.1 }).step();
  groups[0].params.forEach((p, i) => (p.values() as Float32Array).forEach((v, j) => assert.equal(v, Math.fround(before[0]![i]![j]! * Math.fround(1 - 0.1 * 0.5)))));
  groups[1].params.forEach((p, i) => assert.deepEqual(p.values(), before[1]![i]));
});
