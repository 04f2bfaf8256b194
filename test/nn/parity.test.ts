/**
 * Tiny Transformers compared with PyTorch 1.13 (fixture from scripts/fixtures/transformer.py): the
 * same parameters and inputs must give the same logits, loss and parameter gradients.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossEntropy, nn, tensor, Tensor } from 'anneal';
import { assertClose, readFixture } from '../helpers/index.js';

interface Stored {
  shape: number[];
  data: number[];
}

interface Case {
  config: Record<string, unknown>;
  params: Record<string, Stored>;
  grads: Record<string, Stored>;
  inputs: Record<string, Stored>;
  logits: Stored;
  loss: number;
  weights?: Stored;
}

const fixture = readFixture<{ cases: Record<string, Case> }>('nn/transformer.json');

const toTensor = (s: Stored, dtype: 'float32' | 'int32' | 'bool' = 'float32') => tensor(s.data, { shape: s.shape, dtype });

function loadParams(model: nn.Module, c: Case): void {
  const sd: Record<string, Tensor> = {};
  for (const [name, p] of Object.entries(c.params)) sd[name] = toTensor(p);
  model.loadStateDict(sd);
}

function checkGrads(model: nn.Module, c: Case): void {
  const named = Object.fromEntries(model.namedParameters());
  assert.deepEqual(Object.keys(named).sort(), Object.keys(c.grads).sort());
  for (const [name, g] of Object.entries(c.grads)) {
    const grad = named[name]!.grad;
    assert.ok(grad, `${name} has no gradient`);
    assertClose(grad.toArray(), g.data, { rtol: 1e-3, atol: 2e-5 }, `grad of ${name}:`);
  }
}

for (const name of ['seq2seq_postnorm_relu', 'seq2seq_prenorm_gelu']) {
  test(`TransformerSeq2Seq matches PyTorch's nn.Transformer: ${name}`, () => {
    const c = fixture.cases[name]!;
    const { labelSmoothing, ...options } = c.config as unknown as nn.Seq2SeqOptions & { labelSmoothing: number };
    const cfg = { ...options, labelSmoothing };
    const model = new nn.TransformerSeq2Seq(options);
    loadParams(model, c);
    const logits = model.forward(toTensor(c.inputs.src!, 'int32'), toTensor(c.inputs.tgtIn!, 'int32'));
    assertClose(logits.toArray(), c.logits.data, { rtol: 1e-4, atol: 1e-5 }, 'logits:');
    const loss = crossEntropy(logits, toTensor(c.inputs.tgtOut!, 'int32'), { labelSmoothing: cfg.labelSmoothing, ignoreIndex: cfg.tgtPaddingIdx! });
    assertClose(loss.item(), c.loss, { rtol: 1e-5, atol: 1e-6 }, 'loss:');
    loss.backward();
    checkGrads(model, c);
  });
}

test("TransformerLM matches a PyTorch pre-norm GELU decoder-only model with tied output", () => {
  const c = fixture.cases.lm_prenorm_gelu_tied!;
  const { labelSmoothing, ...options } = c.config as unknown as nn.LMOptions & { labelSmoothing: number };
  const cfg = { ...options, labelSmoothing };
  const model = new nn.TransformerLM(options);
  loadParams(model, c);
  const ids = toTensor(c.inputs.ids!, 'int32');
  const logits = model.forward(ids);
  assertClose(logits.toArray(), c.logits.data, { rtol: 1e-4, atol: 1e-5 }, 'logits:');
  const T = ids.shape[1]!;
  const loss = crossEntropy(logits.narrow(1, 0, T - 1), ids.narrow(1, 1, T - 1), { labelSmoothing: cfg.labelSmoothing });
  assertClose(loss.item(), c.loss, { rtol: 1e-5, atol: 1e-6 }, 'loss:');
  loss.backward();
  checkGrads(model, c);
});

test('MultiheadAttention matches PyTorch with key padding and attention masks, weights averaged over heads', () => {
  const c = fixture.cases.mha_cross_masked!;
  const mha = new nn.MultiheadAttention(c.config.embedDim as number, c.config.numHeads as number);
  loadParams(mha, c);
  const q = toTensor(c.inputs.query!);
  const kv = toTensor(c.inputs.keyValue!);
  const [out, weights] = mha.forward(q, kv, kv, {
    keyPaddingMask: toTensor(c.inputs.keyPaddingMask!, 'bool'),
    attnMask: toTensor(c.inputs.attnMask!, 'bool'),
  });
  assertClose(out.toArray(), c.logits.data, { rtol: 1e-4, atol: 1e-6 }, 'output:');
  assertClose(weights!.toArray(), c.weights!.data, { rtol: 1e-4, atol: 1e-6 }, 'weights:');
  const w = tensor(Array.from({ length: out.numel() }, (_, i) => -1 + (2 * i) / (out.numel() - 1)), { shape: out.shape });
  out.mul(w).sum().backward();
  checkGrads(mha, c);
});
