import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, noGrad, tensor } from 'anneal';
import { assertClose, fixturePath, readFixture } from '../helpers/index.js';
import { trainNumbers, type TrainRecipe } from './pytorchParity.js';

interface Stats {
  sum: number;
  absSum: number;
  indices: number[];
  values: number[];
}
interface Training {
  config: TrainRecipe;
  model: nn.Seq2SeqOptions;
  init: string;
  losses: number[];
  final: Record<string, Stats>;
}
const reference = readFixture<{ training: Training }>('interop/torch.json').training;

// one replay of PyTorch's 100-step run, shared by the tests below
const model = new nn.TransformerSeq2Seq(reference.model);
nn.loadWeights(model, fixturePath(`interop/${reference.init}`));
const losses = trainNumbers(model, reference.config);
const d = reference.model.dModel!;

/** interop.py's without_key_bias: an attention in_proj_bias without its key third. */
function compared(name: string, values: Float32Array): Float32Array {
  if (!name.endsWith('in_proj_bias')) return values;
  const out = new Float32Array(2 * d);
  out.set(values.subarray(0, d), 0);
  out.set(values.subarray(2 * d), d);
  return out;
}

test("over 100 AdamW steps (warmup + cosine, label smoothing, clipping) anneal's loss is PyTorch's at every step, to 1e-4 relative", () => {
  assert.equal(losses.length, 100);
  for (let i = 0; i < losses.length; i++) {
    assert.ok(Math.abs(losses[i]! - reference.losses[i]!) <= 1e-4 * Math.abs(reference.losses[i]!), `step ${i + 1}: anneal ${losses[i]}, PyTorch ${reference.losses[i]}`);
  }
  assert.ok(losses[99]! < losses[0]! - 1, 'the run learns');
});

test("after 100 steps every parameter equals PyTorch's to 1e-3 (checksums and sampled entries)", () => {
  const sd = model.stateDict({ naming: 'pytorch' });
  assert.deepEqual(Object.keys(sd).sort(), Object.keys(reference.final).sort());
  for (const [name, s] of Object.entries(reference.final)) {
    const v = compared(name, sd[name]!.values() as Float32Array);
    let sum = 0;
    let absSum = 0;
    for (const x of v) {
      sum += x;
      absSum += Math.abs(x);
    }
    assertClose(s.indices.map((i) => v[i]!), s.values, { atol: 1e-3, rtol: 0 }, `${name} entries`);
    assertClose([sum, absSum], [s.sum, s.absSum], { atol: 1e-3 * v.length, rtol: 0 }, `${name} sum and |sum|`);
  }
});

test('the attention key biases, which the comparison leaves out, cannot change any output', () => {
  const src = tensor([[3, 4, 5, 0], [6, 7, 8, 9]], { dtype: 'int32' });
  const tgtIn = tensor([[1, 3, 4, 5], [1, 6, 7, 0]], { dtype: 'int32' });
  const copy = model.clone().eval();
  const before = copy.forward(src, tgtIn).values().slice();
  noGrad(() => {
    for (const [name, p] of copy.namedParameters()) if (name.endsWith('inProjBias')) p.narrow(0, d, d).copy_(p.narrow(0, d, d).mul(0).add(5));
  });
  const after = copy.forward(src, tgtIn).values();
  assert.notDeepEqual(copy.stateDict()['core.encoder.layers.0.selfAttn.inProjBias']!.values(), model.stateDict()['core.encoder.layers.0.selfAttn.inProjBias']!.values());
  assertClose(after, before, { atol: 1e-5, rtol: 1e-5 });
});
