import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, nn, randint, randn, tensor } from 'anneal';

test('layers produce the shapes PyTorch documents', () => {
  manualSeed(0);
  assert.deepEqual(new nn.Linear(5, 3).forward(randn([2, 4, 5])).shape, [2, 4, 3]);
  assert.deepEqual(new nn.Embedding(10, 6).forward(randint(0, 10, [2, 3])).shape, [2, 3, 6]);
  assert.deepEqual(new nn.LayerNorm(6).forward(randn([2, 3, 6])).shape, [2, 3, 6]);
  assert.deepEqual(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }).forward(randn([3, 5, 8])).shape, [3, 5, 8]);
  assert.deepEqual(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }).forward(randn([3, 4, 8]), randn([3, 6, 8])).shape, [3, 4, 8]);
  const t = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 });
  assert.deepEqual(t.forward(randn([2, 6, 8]), randn([2, 4, 8])).shape, [2, 4, 8]);
  const s2s = new nn.TransformerSeq2Seq({ srcVocabSize: 11, tgtVocabSize: 13, dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 });
  assert.deepEqual(s2s.forward(randint(0, 11, [2, 5]), randint(0, 13, [2, 7])).shape, [2, 7, 13]);
  const lm = new nn.TransformerLM({ vocabSize: 20, dModel: 8, nhead: 2, numLayers: 1, maxLen: 16 });
  assert.deepEqual(lm.forward(randint(0, 20, [3, 9])).shape, [3, 9, 20]);
});

test('the embedding padding row stays zero and gets no gradient', () => {
  const emb = new nn.Embedding(5, 3, { paddingIdx: 0 });
  const out = emb.forward(tensor([[0, 1, 0, 2]], { dtype: 'int32' }));
  assert.deepEqual((out.toArray() as number[][][])[0]![0], [0, 0, 0]);
  out.sum().backward();
  assert.deepEqual((emb.weight.grad!.toArray() as number[][])[0], [0, 0, 0]);
  assert.deepEqual((emb.weight.grad!.toArray() as number[][])[1], [1, 1, 1]);
});

test('sinusoidal positions follow sin/cos of pos / 10000^(2i/d)', () => {
  const pe = nn.sinusoidalTable(50, 16).toArray() as number[][];
  for (const pos of [0, 1, 7, 49]) {
    for (let i = 0; i < 8; i++) {
      const angle = pos / 10000 ** ((2 * i) / 16);
      assert.ok(Math.abs(pe[pos]![2 * i]! - Math.sin(angle)) < 2e-5);
      assert.ok(Math.abs(pe[pos]![2 * i + 1]! - Math.cos(angle)) < 2e-5);
    }
  }
});

test('positions beyond maxLen are an error naming the limit', () => {
  const lm = new nn.TransformerLM({ vocabSize: 5, dModel: 8, nhead: 2, numLayers: 1, maxLen: 4 });
  assert.throws(() => lm.forward(randint(0, 5, [1, 6])), /exceeds maxLen 4/);
});

test('constructor checks give clear messages', () => {
  assert.throws(() => new nn.MultiheadAttention(10, 3), /embedDim 10 must be divisible by numHeads 3/);
  assert.throws(() => new nn.TransformerEncoderLayer(8, 2, { activation: 'swish' as never }), /activation: unknown value "swish".*allowed: relu, gelu, gelu_tanh/);
  assert.throws(() => new nn.Dropout(1.5), /probability must be in \[0, 1\]/);
});

test('greedy decoding stops rows at <eos> and pads finished rows with <eos>', () => {
  manualSeed(0);
  const m = new nn.TransformerSeq2Seq({ srcVocabSize: 6, tgtVocabSize: 6, dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 });
  // bias the output projection so that token 2 (<eos>) always wins
  m.head!.bias!.storage.fill(0);
  m.head!.bias!.storage[2] = 100;
  const out = m.greedyDecode(randint(3, 6, [2, 3]), { sosIdx: 1, eosIdx: 2, maxLen: 5 });
  assert.deepEqual(out.toArray(), [[2], [2]]);
  assert.ok(m.training, 'greedyDecode restores training mode');
});

test('the language model samples with temperature 0 greedily and respects topK', () => {
  manualSeed(1);
  const lm = new nn.TransformerLM({ vocabSize: 7, dModel: 8, nhead: 2, numLayers: 1, maxLen: 8 });
  const prompt = tensor([[1, 2]], { dtype: 'int32' });
  const greedy = lm.generate(prompt, { maxNewTokens: 4, temperature: 0 });
  assert.deepEqual(greedy.shape, [1, 6]);
  assert.deepEqual(lm.generate(prompt, { maxNewTokens: 4, temperature: 0 }).toArray(), greedy.toArray());
  const top1 = lm.generate(prompt, { maxNewTokens: 4, temperature: 1, topK: 1 });
  assert.deepEqual(top1.toArray(), greedy.toArray());
});
