import { test } from 'node:test';
import assert from 'node:assert/strict';
import { io, nn, tensor, type Tensor } from 'anneal';
import { assertClose, fixturePath, readFixture } from '../helpers/index.js';

interface Case {
  kind: 'seq2seq' | 'lm';
  options: Record<string, unknown>;
  file: string;
  logits: number[];
}
interface TorchFixture {
  inputs: { seq2seq: { src: number[][]; tgtIn: number[][] }; lm: { ids: number[][] } };
  cases: Record<string, Case>;
}
const torch = readFixture<TorchFixture>('interop/torch.json');
const anneal = readFixture<{ cases: Record<string, Omit<Case, 'logits'>> }>('interop/anneal.json');
const torchReadsAnneal = readFixture<{ cases: Record<string, { logits: number[] }> }>('interop/torch_reads_anneal.json');

const int = (rows: number[][]) => tensor(rows, { dtype: 'int32' });

function build(c: Omit<Case, 'logits'>): nn.TransformerSeq2Seq | nn.TransformerLM {
  return c.kind === 'seq2seq' ? new nn.TransformerSeq2Seq(c.options as unknown as nn.Seq2SeqOptions) : new nn.TransformerLM(c.options as unknown as nn.LMOptions);
}

/** The logits interop.py computes: seq2seq with padding masks from the padding ids, the LM with a key padding mask. */
function logitsOf(model: nn.TransformerSeq2Seq | nn.TransformerLM): Tensor {
  model.eval();
  const { seq2seq, lm } = torch.inputs;
  if (model instanceof nn.TransformerSeq2Seq) return model.forward(int(seq2seq.src), int(seq2seq.tgtIn));
  const ids = int(lm.ids);
  return model.forward(ids, { keyPaddingMask: ids.eq(0) });
}

test("anneal reproduces PyTorch's logits for every PyTorch-initialised model", () => {
  assert.equal(Object.keys(torch.cases).length, 4);
  for (const [name, c] of Object.entries(torch.cases)) {
    const model = build(c);
    nn.loadWeights(model, fixturePath(`interop/${c.file}`));
    assertClose(logitsOf(model).values(), c.logits, { rtol: 1e-4, atol: 1e-4 }, name);
  }
});

test("PyTorch reproduces anneal's logits for every model anneal wrote (trained or perturbed)", () => {
  assert.deepEqual(Object.keys(anneal.cases).sort(), Object.keys(torchReadsAnneal.cases).sort());
  for (const [name, c] of Object.entries(anneal.cases)) {
    const model = build(c);
    nn.loadWeights(model, fixturePath(`interop/${c.file}`));
    assertClose(logitsOf(model).values(), torchReadsAnneal.cases[name]!.logits, { rtol: 1e-4, atol: 1e-4 }, name);
  }
});

test("the names anneal writes are exactly the PyTorch reference model's state_dict() names", () => {
  for (const [name, c] of Object.entries(torch.cases)) {
    const pytorchNames = Object.keys(io.loadSafetensors(fixturePath(`interop/${c.file}`)).tensors).sort();
    assert.deepEqual(Object.keys(nn.toPyTorchStateDict(build(c))).sort(), pytorchNames, name);
  }
});

test('the files anneal wrote for PyTorch carry only PyTorch names', () => {
  for (const c of Object.values(anneal.cases)) {
    for (const k of Object.keys(io.loadSafetensors(fixturePath(`interop/${c.file}`)).tensors)) assert.equal(k, nn.toPyTorchName(k), `${c.file}: ${k}`);
  }
});
