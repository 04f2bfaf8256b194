/** Initialisation statistics on large layers: bounds and variances as the papers and PyTorch specify. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, nn, Tensor, zeros } from 'anneal';

function stats(t: Tensor): { mean: number; variance: number; maxAbs: number } {
  const v = t.toTypedArray() as Float32Array;
  let s = 0, s2 = 0, maxAbs = 0;
  for (const x of v) { s += x; s2 += x * x; maxAbs = Math.max(maxAbs, Math.abs(x)); }
  const mean = s / v.length;
  return { mean, variance: s2 / v.length - mean * mean, maxAbs };
}

/** Uniform(-a, a): within the bound, variance a^2/3 (to 3% for >= 100k samples), the bound nearly reached. */
function assertUniform(t: Tensor, a: number, what: string): void {
  const s = stats(t);
  assert.ok(s.maxAbs <= a * (1 + 1e-6), `${what}: max |w| ${s.maxAbs} exceeds the bound ${a}`);
  assert.ok(s.maxAbs > a * 0.99, `${what}: max |w| ${s.maxAbs} never approaches the bound ${a}`);
  assert.ok(Math.abs(s.variance / (a * a / 3) - 1) < 0.03, `${what}: variance ${s.variance}, expected ${a * a / 3}`);
  assert.ok(Math.abs(s.mean) < 0.01 * a, `${what}: mean ${s.mean}`);
}

function assertNormal(t: Tensor, std: number, what: string): void {
  const s = stats(t);
  assert.ok(Math.abs(Math.sqrt(s.variance) / std - 1) < 0.03, `${what}: std ${Math.sqrt(s.variance)}, expected ${std}`);
  assert.ok(Math.abs(s.mean) < 0.02 * std, `${what}: mean ${s.mean}`);
}

const allZero = (t: Tensor) => (t.toTypedArray() as Float32Array).every((v) => v === 0);
const allOne = (t: Tensor) => (t.toTypedArray() as Float32Array).every((v) => v === 1);

test('Linear defaults to PyTorch init: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias', () => {
  manualSeed(0);
  const lin = new nn.Linear(400, 500);
  assertUniform(lin.weight, 1 / Math.sqrt(400), 'weight');
  const b = stats(lin.bias!);
  assert.ok(b.maxAbs <= 1 / Math.sqrt(400));
});

test('xavierUniform_ has bound sqrt(6 / (fan_in + fan_out)); xavierNormal_ std sqrt(2 / (fan_in + fan_out))', () => {
  manualSeed(0);
  assertUniform(nn.init.xavierUniform_(zeros([300, 700])), Math.sqrt(6 / 1000), 'xavier uniform');
  assertNormal(nn.init.xavierNormal_(zeros([300, 700])), Math.sqrt(2 / 1000), 'xavier normal');
  assertUniform(nn.init.xavierUniform_(zeros([300, 700]), 2), 2 * Math.sqrt(6 / 1000), 'xavier uniform, gain 2');
});

test('kaimingNormal_ uses std gain/sqrt(fan_in) with the relu gain sqrt(2)', () => {
  manualSeed(0);
  assertNormal(nn.init.kaimingNormal_(zeros([400, 500]), { nonlinearity: 'relu' }), Math.SQRT2 / Math.sqrt(500), 'kaiming normal');
});

test('attention projections are Xavier-uniform per q/k/v matrix with zero biases', () => {
  manualSeed(0);
  const mha = new nn.MultiheadAttention(512, 8);
  const bound = Math.sqrt(6 / (512 + 512));
  for (let i = 0; i < 3; i++) assertUniform(mha.inProjWeight.narrow(0, i * 512, 512), bound, `in-projection chunk ${i}`);
  assertUniform(mha.outProj.weight, bound, 'out projection');
  assert.ok(allZero(mha.inProjBias!) && allZero(mha.outProj.bias!));
});

test('Transformer layers: Xavier-uniform FFN weights, zero biases, LayerNorm gain 1 and bias 0', () => {
  manualSeed(0);
  const layer = new nn.TransformerEncoderLayer(256, 4, { dimFeedforward: 1024 });
  assertUniform(layer.linear1.weight, Math.sqrt(6 / (256 + 1024)), 'linear1');
  assertUniform(layer.linear2.weight, Math.sqrt(6 / (1024 + 256)), 'linear2');
  assert.ok(allZero(layer.linear1.bias!) && allZero(layer.linear2.bias!));
  assert.ok(allOne(layer.norm1.weight!) && allZero(layer.norm1.bias!));
});

test('Transformer re-initialises each layer independently (deep copies do not stay identical)', () => {
  manualSeed(0);
  const t = new nn.Transformer({ dModel: 16, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32 });
  assert.notDeepEqual(t.encoder.layers.at(0).linear1.weight.toArray(), t.encoder.layers.at(1).linear1.weight.toArray());
  assert.notDeepEqual(t.decoder.layers.at(0).selfAttn.inProjWeight.toArray(), t.decoder.layers.at(1).selfAttn.inProjWeight.toArray());
});

test('seq2seq embeddings are N(0, d^-0.5) with the padding row zero', () => {
  manualSeed(0);
  const d = 256;
  const m = new nn.TransformerSeq2Seq({ srcVocabSize: 2000, tgtVocabSize: 13, dModel: d, nhead: 4, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64, srcPaddingIdx: 0 });
  const rows = m.srcEmbed.weight.narrow(0, 1, 1999);
  assertNormal(rows, d ** -0.5, 'source embedding');
  assert.ok(allZero(m.srcEmbed.weight.narrow(0, 0, 1)));
});

test('the init functions draw from the seeded generator: same seed, same weights', () => {
  manualSeed(5);
  const a = new nn.TransformerEncoderLayer(16, 2, { dimFeedforward: 32 });
  manualSeed(5);
  const b = new nn.TransformerEncoderLayer(16, 2, { dimFeedforward: 32 });
  for (const [[na, pa], [, pb]] of a.namedParameters().map((x, i) => [x, b.namedParameters()[i]!] as const)) {
    assert.deepEqual(pa.toArray(), pb.toArray(), na);
  }
});
