/**
 * Regularisation by dropout (Srivastava et al. 2014) in the four places the Transformer recipe
 * uses it: embeddings, attention weights, residual branches and inside the feed-forward block.
 * Inverted dropout keeps the expected value; eval() turns every rate off; and each location's rate
 * reaches that location and no other, checked on the modules' `p` fields and by counting the mask
 * elements each location draws from the model's generator (one uniform per element).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dropout, MultiheadAttention, TransformerLM, TransformerSeq2Seq, type Module } from '../../src/nn/index.js';
import { dropout, Generator, manualSeed, noGrad, ones, Tensor } from '../../src/tensor/index.js';

const ids = (values: number[], shape: number[]) => new Tensor(Int32Array.from(values), shape);

// small enough to be fast, with every location's mask size distinct (see drawsPerLocation)
const B = 2, S = 4, T = 3, D = 8, H = 2, FF = 12, LAYERS = 2, V = 11;
const src = ids([1, 2, 3, 4, 5, 6, 7, 8], [B, S]);
const tgt = ids([1, 9, 10, 1, 3, 4], [B, T]);

type Rates = { dropout?: number; embeddingDropout?: number; attentionDropout?: number; activationDropout?: number };
const ALL_ZERO = { dropout: 0, embeddingDropout: 0, attentionDropout: 0, activationDropout: 0 };

function lm(rates: Rates, generator?: Generator): TransformerLM {
  manualSeed(11);
  return new TransformerLM({ vocabSize: V, dModel: D, nhead: H, numLayers: LAYERS, dimFeedforward: FF, maxLen: 8, ...rates, generator });
}

function seq2seq(rates: Rates, generator?: Generator): TransformerSeq2Seq {
  manualSeed(12);
  return new TransformerSeq2Seq({
    srcVocabSize: V, tgtVocabSize: V, dModel: D, nhead: H, numEncoderLayers: LAYERS, numDecoderLayers: LAYERS,
    dimFeedforward: FF, maxLen: 8, ...rates, generator,
  });
}

const runLM = (m: TransformerLM) => noGrad(() => m.forward(tgt)).toTypedArray() as Float32Array;
const runSeq2Seq = (m: TransformerSeq2Seq) => noGrad(() => m.forward(src, tgt)).toTypedArray() as Float32Array;

/**
 * A generator and the number of uniforms drawn from it so far (dropout draws one per mask element,
 * in bulk inside the backend's kernel): found by stepping a twin from the same seed until the two
 * states agree.
 */
function countingGenerator(): { generator: Generator; draws: () => number } {
  const seed = 5;
  const generator = new Generator(seed);
  const draws = () => {
    const target = generator.getState().state.join();
    const twin = new Generator(seed);
    for (let n = 0; n <= 1_000_000; n++) {
      if (twin.getState().state.join() === target) return n;
      twin.uniform();
    }
    return -1;
  };
  return { generator, draws };
}

test('inverted dropout keeps the expected value: survivors are scaled by 1/(1-p), zeros have frequency p', () => {
  const p = 0.3;
  const n = 200_000;
  const y = dropout(ones([n]), p, true, new Generator(1)).values() as Float32Array;
  let sum = 0;
  let zeros = 0;
  for (const v of y) {
    sum += v;
    if (v === 0) zeros++;
    else assert.equal(v, Math.fround(1 / (1 - p)));
  }
  // standard error of the mean is sqrt(p / (1 - p) / n) = 0.0015; 5 of them
  assert.ok(Math.abs(sum / n - 1) < 0.0075, `mean ${sum / n}`);
  assert.ok(Math.abs(zeros / n - p) < 0.005, `zero fraction ${zeros / n}`);
});

test('the mean of many dropout samples of an input approaches the input', () => {
  const x = new Tensor(Float32Array.from([0.5, -2, 3, 0]), [4]);
  const layer = new Dropout(0.5, new Generator(2));
  const samples = 20_000;
  const acc = new Float64Array(4);
  for (let i = 0; i < samples; i++) (layer.forward(x).values() as Float32Array).forEach((v, j) => (acc[j]! += v));
  // each sample is x_j * {0, 2}: standard deviation |x_j|, so the mean's is |x_j| / sqrt(samples)
  x.toTypedArray().forEach((v, j) => assert.ok(Math.abs(acc[j]! / samples - v) <= 5 * Math.abs(v) / Math.sqrt(samples) + 1e-12, `element ${j}: ${acc[j]! / samples} vs ${v}`));
});

test('dropout passes gradients through the kept elements with the same 1/(1-p) scale', () => {
  const x = ones([1000]).requiresGrad_();
  const y = dropout(x, 0.4, true, new Generator(3));
  y.sum().backward();
  assert.deepEqual(Array.from(x.grad!.values()), Array.from(y.values()));
});

const models: [string, (r: Rates, g?: Generator) => Module, (m: Module) => Float32Array][] = [
  ['TransformerLM', lm, (m) => runLM(m as TransformerLM)],
  ['TransformerSeq2Seq', seq2seq, (m) => runSeq2Seq(m as TransformerSeq2Seq)],
];

for (const [name, build, run] of models) {
  const rates = { dropout: 0.3, embeddingDropout: 0.3, attentionDropout: 0.3, activationDropout: 0.3 };

  test(`${name}: eval() disables every dropout, giving the same output as the model without dropout`, () => {
    const withDropout = build(rates).eval();
    const without = build(ALL_ZERO).eval();
    for (const m of withDropout.modules()) assert.equal(m.training, false);
    const out = run(withDropout);
    assert.deepEqual(out, run(without));
    assert.deepEqual(out, run(withDropout));
  });

  test(`${name}: in training mode dropout makes outputs differ from eval and from call to call`, () => {
    const m = build(rates);
    const evalOut = run(m.eval());
    m.train();
    const a = run(m);
    const b = run(m);
    assert.notDeepEqual(a, evalOut);
    assert.notDeepEqual(a, b);
  });

  test(`${name}: train() with every rate 0 draws no masks and matches eval`, () => {
    const { generator, draws } = countingGenerator();
    const m = build(ALL_ZERO, generator).train();
    assert.deepEqual(run(m), run(m.eval()));
    assert.equal(draws(), 0);
  });
}

/** The number of mask elements each location draws for one forward pass (tgt as the LM's input). */
const lmDraws = {
  embeddingDropout: B * T * D,
  attentionDropout: LAYERS * B * H * T * T,
  activationDropout: LAYERS * B * T * FF,
  dropout: LAYERS * 2 * B * T * D, // after self-attention and after the feed-forward block
};
const seq2seqDraws = {
  embeddingDropout: B * S * D + B * T * D,
  // encoder self-attention [S, S]; decoder self-attention [T, T] and cross-attention [T, S]
  attentionDropout: LAYERS * B * H * S * S + LAYERS * B * H * (T * T + T * S),
  activationDropout: LAYERS * B * S * FF + LAYERS * B * T * FF,
  dropout: LAYERS * 2 * B * S * D + LAYERS * 3 * B * T * D,
};

const label = { embeddingDropout: 'embeddingDropout', attentionDropout: 'attentionDropout', activationDropout: 'activationDropout', dropout: 'dropout (residual)' };
const drawsOf: Record<string, typeof lmDraws> = { TransformerLM: lmDraws, TransformerSeq2Seq: seq2seqDraws };

for (const [name, build, run] of models) {
  for (const location of ['embeddingDropout', 'attentionDropout', 'activationDropout', 'dropout'] as const) {
    test(`${name}: ${label[location]} alone drops exactly the elements of its location`, () => {
      const { generator, draws } = countingGenerator();
      const m = build({ ...ALL_ZERO, [location]: 0.5 }, generator).train();
      const out = run(m);
      assert.equal(draws(), drawsOf[name]![location]);
      assert.notDeepEqual(out, run(m.eval()));
    });
  }
}

/** Every Dropout and MultiheadAttention of a model, each with its rate. */
function ratesOf(m: Module): { embedding: number[]; attention: number[]; activation: number[]; residual: number[] } {
  const out = { embedding: [] as number[], attention: [] as number[], activation: [] as number[], residual: [] as number[] };
  for (const [name, sub] of m.namedModules()) {
    if (sub instanceof MultiheadAttention) out.attention.push(sub.dropoutP);
    else if (sub instanceof Dropout) {
      const leaf = name.split('.').pop()!;
      if (leaf === 'embedDropout') out.embedding.push(sub.p);
      else if (leaf === 'dropout') out.activation.push(sub.p);
      else out.residual.push(sub.p);
    }
  }
  return out;
}

const distinct = { dropout: 0.1, embeddingDropout: 0.2, attentionDropout: 0.3, activationDropout: 0.4 };

test('TransformerLM: each rate sets the p of its own modules', () => {
  const r = ratesOf(lm(distinct));
  assert.deepEqual(r.embedding, [0.2]);
  assert.deepEqual(r.attention, [0.3, 0.3]);
  assert.deepEqual(r.activation, [0.4, 0.4]);
  assert.deepEqual(r.residual, [0.1, 0.1, 0.1, 0.1]);
});

test('TransformerSeq2Seq: each rate sets the p of its own modules', () => {
  const r = ratesOf(seq2seq(distinct));
  assert.deepEqual(r.embedding, [0.2]);
  assert.deepEqual(r.attention, [0.3, 0.3, 0.3, 0.3, 0.3, 0.3]);
  assert.deepEqual(r.activation, [0.4, 0.4, 0.4, 0.4]);
  assert.deepEqual(r.residual, Array(2 * 2 + 2 * 3).fill(0.1));
});

test('dropout alone sets every rate, as in PyTorch; a location-specific rate overrides it', () => {
  const r = ratesOf(seq2seq({ dropout: 0.25 }));
  for (const rates of Object.values(r)) assert.ok(rates.length > 0 && rates.every((p) => p === 0.25));
  const only = ratesOf(lm({ dropout: 0.25, attentionDropout: 0 }));
  assert.deepEqual(only.attention, [0, 0]);
  assert.ok([...only.embedding, ...only.activation, ...only.residual].every((p) => p === 0.25));
});
