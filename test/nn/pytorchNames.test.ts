import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, io, manualSeed, nn, randn, tensor, zeros, type Tensor } from 'anneal';

const seq2seqOptions = { srcVocabSize: 7, tgtVocabSize: 9, dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0 };
const lmOptions = { vocabSize: 11, dModel: 8, nhead: 2, numLayers: 1, dimFeedforward: 16, maxLen: 6, dropout: 0 };

function renamed(sd: Record<string, Tensor>, rename: (k: string) => string): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [rename(k), v.clone()]));
}

function sameParameters(a: nn.Module, b: nn.Module): void {
  const bs = b.stateDict();
  for (const [k, t] of Object.entries(a.stateDict())) assert.deepEqual(t.toArray(), bs[k]!.toArray(), k);
}

test("PyTorch's name of a state-dict key is each dotted segment in snake_case, and back", () => {
  assert.equal(nn.toPyTorchName('core.encoder.layers.0.selfAttn.inProjWeight'), 'core.encoder.layers.0.self_attn.in_proj_weight');
  assert.equal(nn.toPyTorchName('core.decoder.layers.1.multiheadAttn.outProj.bias'), 'core.decoder.layers.1.multihead_attn.out_proj.bias');
  assert.equal(nn.toPyTorchName('layers.0.linear1.weight'), 'layers.0.linear1.weight');
  assert.equal(nn.toAnnealName('tok_embed.weight'), 'tokEmbed.weight');
  manualSeed(0);
  for (const k of Object.keys(new nn.TransformerSeq2Seq(seq2seqOptions).stateDict())) assert.equal(nn.toAnnealName(nn.toPyTorchName(k)), k);
});

test("stateDict({ naming: 'pytorch' }) names the seq2seq model's tensors as torch.nn.Transformer does", () => {
  manualSeed(0);
  const keys = Object.keys(new nn.TransformerSeq2Seq(seq2seqOptions).stateDict({ naming: 'pytorch' }));
  for (const k of [
    'src_embed.weight', 'tgt_embed.weight', 'head.weight', 'head.bias',
    'core.encoder.layers.0.self_attn.in_proj_weight', 'core.encoder.layers.0.self_attn.out_proj.weight', 'core.encoder.layers.0.linear1.bias', 'core.encoder.norm.weight',
    'core.decoder.layers.0.multihead_attn.in_proj_bias', 'core.decoder.layers.0.norm3.weight',
  ]) assert.ok(keys.includes(k), k);
  assert.ok(!keys.some((k) => /[A-Z]/.test(k)), 'no camelCase left');
});

test("the default naming stays anneal's", () => {
  manualSeed(0);
  assert.ok(Object.keys(new nn.TransformerLM(lmOptions).stateDict()).includes('layers.0.selfAttn.inProjWeight'));
});

test("loadStateDict takes PyTorch's names, anneal's (files written before), or a mix", () => {
  manualSeed(1);
  const source = new nn.TransformerSeq2Seq(seq2seqOptions);
  let i = 0;
  for (const rename of [nn.toPyTorchName, (k: string) => k, (k: string) => (i++ % 2 ? nn.toPyTorchName(k) : k)]) {
    manualSeed(2);
    const target = new nn.TransformerSeq2Seq(seq2seqOptions);
    target.loadStateDict(renamed(source.stateDict(), rename));
    sameParameters(target, source);
  }
});

test('a tied output layer is written once, under the embedding it shares', () => {
  manualSeed(0);
  const lm = Object.keys(new nn.TransformerLM(lmOptions).stateDict({ naming: 'pytorch' }));
  assert.ok(lm.includes('tok_embed.weight') && !lm.some((k) => k.startsWith('head')));
  const s2s = Object.keys(new nn.TransformerSeq2Seq({ ...seq2seqOptions, tgtVocabSize: 7, shareEmbeddings: true, tieWeights: true }).stateDict({ naming: 'pytorch' }));
  assert.ok(s2s.includes('src_embed.weight'));
  assert.ok(!s2s.some((k) => k.startsWith('tgt_embed') || k.startsWith('head')));
});

test("a tied weight is read under its other names too, as PyTorch's state_dict lists it", () => {
  manualSeed(3);
  const source = new nn.TransformerLM(lmOptions);
  const sd = source.stateDict({ naming: 'pytorch' });
  const both = { ...sd, 'head.weight': sd['tok_embed.weight']!.clone() };
  manualSeed(4);
  const a = new nn.TransformerLM(lmOptions);
  a.loadStateDict(both);
  sameParameters(a, source);
  const { 'tok_embed.weight': emb, ...rest } = sd;
  manualSeed(4);
  const b = new nn.TransformerLM(lmOptions);
  b.loadStateDict({ ...rest, 'head.weight': emb! });
  sameParameters(b, source);
});

test('shared embeddings are read under either side\'s name', () => {
  const options = { ...seq2seqOptions, tgtVocabSize: 7, shareEmbeddings: true, tieWeights: true };
  manualSeed(5);
  const source = new nn.TransformerSeq2Seq(options);
  const sd = source.stateDict({ naming: 'pytorch' });
  const emb = sd['src_embed.weight']!;
  const { 'src_embed.weight': _dropped, ...rest } = sd;
  manualSeed(6);
  const target = new nn.TransformerSeq2Seq(options);
  target.loadStateDict({ ...rest, 'tgt_embed.weight': emb, 'head.weight': emb });
  sameParameters(target, source);
});

test('two names of one tied tensor with different values are an error naming both', () => {
  manualSeed(7);
  const model = new nn.TransformerLM(lmOptions);
  const sd = model.stateDict({ naming: 'pytorch' });
  assert.throws(() => model.loadStateDict({ ...sd, 'head.weight': randn(sd['tok_embed.weight']!.shape) }), /tok_embed\.weight and head\.weight are one tied tensor but hold different values/);
});

test('a recomputed sinusoidal table in a file is accepted when it matches, an error when it does not', () => {
  manualSeed(8);
  const model = new nn.TransformerSeq2Seq(seq2seqOptions);
  const sd = model.stateDict({ naming: 'pytorch' });
  const table = nn.sinusoidalTable(512, 8);
  model.loadStateDict({ ...sd, 'positions.pe': table });
  assert.throws(() => model.loadStateDict({ ...sd, 'positions.pe': table.mul(2) }), /positions\.pe is recomputed by the model \(a non-persistent buffer\)/);
});

test("errors about a file in PyTorch's names use PyTorch's names", () => {
  manualSeed(9);
  const model = new nn.TransformerLM(lmOptions);
  const { 'layers.0.norm1.bias': _gone, ...sd } = model.stateDict({ naming: 'pytorch' });
  assert.throws(() => model.loadStateDict({ ...sd, 'layers.0.self_attn.in_proj_weight': zeros([3, 8]), 'lm_head.weight': zeros([2]) }), (err: unknown) => {
    assert.ok(err instanceof nn.StateDictError);
    assert.match(err.message, /missing keys: layers\.0\.norm1\.bias/);
    assert.match(err.message, /unexpected keys: lm_head\.weight/);
    assert.match(err.message, /layers\.0\.self_attn\.in_proj_weight: checkpoint has \[3, 8\], model has \[24, 8\]/);
    return true;
  });
});

test('a key that is an Object.prototype property is unexpected like any other', () => {
  manualSeed(10);
  const model = new nn.TransformerLM(lmOptions);
  assert.throws(() => model.loadStateDict({ ...model.stateDict(), constructor: zeros([1]) } as Record<string, Tensor>), /unexpected keys: constructor/);
});

test("a module whose names collide in PyTorch's spelling refuses that naming", () => {
  class Odd extends nn.Module {
    readonly fooBar = new nn.Parameter(zeros([1]));
    readonly foo_bar = new nn.Parameter(zeros([1]));
  }
  assert.throws(() => new Odd().stateDict({ naming: 'pytorch' }), /fooBar and foo_bar are both foo_bar in PyTorch's naming/);
});

test('saveWeights writes PyTorch names and loadWeights reads them back', () => {
  manualSeed(11);
  const source = new nn.TransformerLM(lmOptions);
  const path = join(mkdtempSync(join(tmpdir(), 'anneal-w-')), 'model.safetensors');
  nn.saveWeights(source, path, { format: 'test' });
  assert.ok(Object.keys(io.loadSafetensors(path).tensors).includes('layers.0.self_attn.in_proj_weight'));
  manualSeed(12);
  const target = new nn.TransformerLM(lmOptions);
  assert.deepEqual({ ...nn.loadWeights(target, path) }, { format: 'test' });
  sameParameters(target, source);
});

test('loadWeights turns every kind of bad file into an InputError naming the path (the CLI exits 2)', () => {
  manualSeed(13);
  const model = new nn.TransformerLM(lmOptions);
  const dir = mkdtempSync(join(tmpdir(), 'anneal-w-'));
  const sd = model.stateDict({ naming: 'pytorch' });
  const { 'norm.weight': _n, ...missing } = sd;
  const files: [string, Uint8Array | string, RegExp][] = [
    ['missing.safetensors', io.serializeSafetensors(missing), /missing keys: norm\.weight/],
    ['unexpected.safetensors', io.serializeSafetensors({ ...sd, extra: tensor([1]) }), /unexpected keys: extra/],
    ['shape.safetensors', io.serializeSafetensors({ ...sd, 'norm.weight': zeros([9]) }), /norm\.weight: checkpoint has \[9\], model has \[8\]/],
    ['corrupt.safetensors', 'not a safetensors file', /header length .* exceeds/],
  ];
  for (const [name, bytes, why] of files) {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    assert.throws(() => nn.loadWeights(model, path), (err: unknown) => {
      assert.ok(err instanceof InputError, name);
      assert.equal((err as InputError).source, path);
      assert.ok(err.message.startsWith(`${path}: `), err.message);
      assert.match(err.message, why);
      return true;
    });
  }
  assert.throws(() => nn.loadWeights(model, join(dir, 'absent.safetensors')), (err: unknown) => err instanceof InputError && /cannot read .*absent\.safetensors: ENOENT/.test(err.message));
});

test('files from before the seq2seq output layer was named head (outProj) still load', () => {
  const options = { srcVocabSize: 7, tgtVocabSize: 7, dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, maxLen: 8 };
  const source = new nn.TransformerSeq2Seq(options);
  const legacy = Object.fromEntries(Object.entries(source.stateDict({ naming: 'pytorch' })).map(([k, v]) => [k.replace(/^head\./, 'out_proj.'), v]));
  assert.ok('out_proj.weight' in legacy);
  const target = new nn.TransformerSeq2Seq(options);
  target.loadStateDict(legacy);
  assert.deepEqual(target.head!.weight.toArray(), source.head!.weight.toArray());
  assert.deepEqual(target.head!.bias!.toArray(), source.head!.bias!.toArray());
});
