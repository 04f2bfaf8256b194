/** Gradient checkpointing of Transformer layers: bit-identical gradients with dropout on, for the LM and the encoder-decoder. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TransformerLM, TransformerSeq2Seq, type Module } from '../../src/nn/index.js';
import { getRngState, manualSeed, randint, rand, type Tensor } from '../../src/tensor/index.js';
import { crossEntropy } from '../../src/loss/index.js';
import { ConfigError } from '../../src/errors.js';

function gradsOf(model: Module, loss: () => Tensor): { grads: Map<string, Float32Array>; rng: unknown; next: number[] } {
  manualSeed(123);
  loss().backward();
  const grads = new Map<string, Float32Array>();
  for (const [name, p] of model.namedParameters()) grads.set(name, p.grad!.values() as Float32Array);
  return { grads, rng: getRngState(), next: Array.from(rand([4]).values() as Float32Array) };
}

function assertSame(a: ReturnType<typeof gradsOf>, b: ReturnType<typeof gradsOf>): void {
  assert.equal(a.grads.size, b.grads.size);
  for (const [name, g] of a.grads) assert.deepEqual(b.grads.get(name), g, name);
  assert.deepEqual(b.rng, a.rng);
  assert.deepEqual(b.next, a.next);
}

function lm(checkpointing?: boolean | number[]): TransformerLM {
  manualSeed(1);
  return new TransformerLM({ vocabSize: 11, dModel: 16, nhead: 2, numLayers: 3, dimFeedforward: 24, maxLen: 9, dropout: 0.2, gradientCheckpointing: checkpointing });
}

describe('gradient checkpointing', () => {
  const ids = randint(0, 11, [3, 9]);
  for (const setting of [true, [0, 2]] as const) {
    test(`LM (${JSON.stringify(setting)}): every gradient and the RNG stream are bit-identical with dropout on`, () => {
      const run = (m: TransformerLM) => gradsOf(m, () => crossEntropy(m.forward(ids.narrow(1, 0, 8)), ids.narrow(1, 1, 8)));
      assertSame(run(lm()), run(lm(setting as boolean | number[])));
    });
  }

  test('seq2seq (encoder and decoder layers): every gradient and the RNG stream are bit-identical with dropout on', () => {
    const build = (ck: boolean) => {
      manualSeed(2);
      return new TransformerSeq2Seq({ srcVocabSize: 9, tgtVocabSize: 10, dModel: 16, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 20, maxLen: 12, dropout: 0.25, gradientCheckpointing: ck });
    };
    const src = randint(0, 9, [2, 7]), tgt = randint(0, 10, [2, 6]);
    const run = (m: TransformerSeq2Seq) => gradsOf(m, () => crossEntropy(m.forward(src, tgt.narrow(1, 0, 5)), tgt.narrow(1, 1, 5)));
    const plain = build(false), ck = build(true);
    assert.ok(ck.core.encoder.layers.at(0).gradientCheckpointing && ck.core.decoder.layers.at(1).gradientCheckpointing);
    assertSame(run(plain), run(ck));
  });

  test('setGradientCheckpointing picks layers by index and rejects an index past the last layer', () => {
    const m = lm([1]);
    assert.deepEqual([...m.layers].map((l) => l.gradientCheckpointing), [false, true, false]);
    assert.throws(() => m.setGradientCheckpointing([3]), (e: unknown) => e instanceof ConfigError && /gradientCheckpointing/.test(String(e)) && /3 Transformer layers/.test(String(e)));
  });
});
