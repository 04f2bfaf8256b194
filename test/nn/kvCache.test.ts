/** Incremental decoding with a KV cache gives what recomputing the whole prefix gives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, manualSeed, noGrad, randint, tensor } from '../../src/tensor/index.js';
import { TransformerLM, TransformerSeq2Seq } from '../../src/nn/index.js';

function lm(options: { normFirst: boolean; positional: 'learned' | 'sinusoidal'; maxLen?: number }): TransformerLM {
  manualSeed(3);
  const m = new TransformerLM({ vocabSize: 11, dModel: 16, nhead: 2, numLayers: 2, dimFeedforward: 32, dropout: 0.1, maxLen: options.maxLen ?? 64, normFirst: options.normFirst, positional: options.positional });
  m.eval();
  return m;
}

test('LM logits from a cache fed one token at a time equal the logits of the whole sequence', () => {
  for (const variant of [{ normFirst: true, positional: 'learned' as const }, { normFirst: false, positional: 'sinusoidal' as const }]) {
    const model = lm(variant);
    const ids = randint(0, 11, [2, 9], { generator: new Generator(1) });
    noGrad(() => {
      const full = model.forward(ids).toArray() as number[][][];
      const cache = model.emptyCache();
      // a prompt of 4 at once, then single tokens
      const parts = [model.forward(ids.narrow(1, 0, 4), { cache })];
      for (let t = 4; t < 9; t++) parts.push(model.forward(ids.narrow(1, t, 1), { cache }));
      assert.equal(cache[0]!.key!.shape[2], 9);
      const inc = parts.flatMap((p) => [p.toArray() as number[][][]]);
      for (let b = 0; b < 2; b++) {
        const row = inc.flatMap((p) => p[b]!);
        row.forEach((logits, t) => logits.forEach((v, c) => assert.ok(Math.abs(v - full[b]![t]![c]!) < 1e-5, `${JSON.stringify(variant)} b${b} t${t} c${c}: ${v} vs ${full[b]![t]![c]}`)));
      }
    });
  }
});

test('LM generation gives the same tokens with and without the cache: greedy and seeded sampling', () => {
  const model = lm({ normFirst: true, positional: 'learned' });
  const prompt = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' });
  const greedy = (useCache: boolean) => model.generate(prompt, { maxNewTokens: 25, temperature: 0, useCache }).toArray();
  assert.deepEqual(greedy(true), greedy(false));
  const sampled = (useCache: boolean) => model.generate(prompt, { maxNewTokens: 25, temperature: 0.8, topK: 5, generator: new Generator(7), useCache }).toArray();
  assert.deepEqual(sampled(true), sampled(false));
});

test('past maxLen the context slides the same way with and without the cache', () => {
  const model = lm({ normFirst: true, positional: 'learned', maxLen: 12 });
  const prompt = tensor([[1, 2, 3, 4, 5, 6, 7, 8]], { dtype: 'int32' });
  const out = (useCache: boolean) => model.generate(prompt, { maxNewTokens: 10, temperature: 0, useCache }).toArray();
  assert.deepEqual(out(true), out(false));
});

test('seq2seq greedy decoding gives the same tokens with and without the cache', () => {
  for (const normFirst of [false, true]) {
    manualSeed(5);
    const model = new TransformerSeq2Seq({ srcVocabSize: 13, tgtVocabSize: 13, dModel: 16, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32, dropout: 0, srcPaddingIdx: 0, tgtPaddingIdx: 0, normFirst, maxLen: 32 });
    const src = tensor([[5, 6, 7, 8, 0, 0], [3, 4, 5, 6, 7, 8]], { dtype: 'int32' });
    const decode = (useCache: boolean) => model.greedyDecode(src, { sosIdx: 1, eosIdx: 2, maxLen: 12, useCache }).toArray();
    assert.deepEqual(decode(true), decode(false));
  }
});
