/**
 * loss.crossEntropy against torch.nn.functional.cross_entropy of PyTorch 1.13 (and, for
 * smoothing: 'offTarget', against its definition in float64): loss values and gradients w.r.t. the
 * logits for [N, C] and [B, T, C] logits, label smoothing 0 and 0.1, no / some / every position
 * ignored (by -100 and by a padding id), and the three reductions. Fixture:
 * test/fixtures/loss/cross_entropy.json from scripts/fixtures/losses.py.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, readFixture } from '../helpers/index.js';
import { crossEntropy, type Reduction, type Smoothing } from '../../src/loss/index.js';
import { Tensor } from '../../src/tensor/index.js';

type Nested = number | string | Nested[];

interface Case {
  input: 'NC' | 'BTC';
  targets: string;
  target: Nested;
  ignoreIndex: number;
  labelSmoothing: number;
  smoothing: Smoothing;
  reduction: Reduction;
  loss: Nested;
  grad: Nested;
}

interface Fixture {
  inputs: Record<string, { shape: number[]; logits: Nested; upstream: Nested }>;
  cases: Case[];
}

const fx = readFixture<Fixture>('loss/cross_entropy.json');

/** The fixture's float32 values (stored as shortest decimals, NaN as a string) in order. */
function flat(x: Nested): number[] {
  const out: number[] = [];
  const walk = (v: Nested) => (Array.isArray(v) ? v.forEach(walk) : out.push(typeof v === 'string' ? Number(v) : Math.fround(v)));
  walk(x);
  return out;
}

/**
 * Float32 precision: the fused kernel forms log-softmax in float64 and rounds once, PyTorch in
 * float32 op by op; both sit within a few float32 ulps of the exact value (~1e-7 relative).
 */
const TOL = { rtol: 1e-5, atol: 1e-6 };

for (const c of fx.cases) {
  const input = fx.inputs[c.input]!;
  const layout = c.input === 'NC' ? '[N, C]' : '[B, T, C]';
  const name = `crossEntropy ${layout}, ${c.smoothing} smoothing ${c.labelSmoothing}, ${c.targets}, reduction ${c.reduction}: value and gradient match ${c.smoothing === 'uniform' ? 'PyTorch' : 'the definition'}`;
  test(name, (t) => {
    const logits = new Tensor(Float32Array.from(flat(input.logits)), input.shape).requiresGrad_();
    const target = new Tensor(Int32Array.from(flat(c.target)), input.shape.slice(0, -1));
    const loss = crossEntropy(logits, target, { labelSmoothing: c.labelSmoothing, smoothing: c.smoothing, ignoreIndex: c.ignoreIndex, reduction: c.reduction });
    const expected = flat(c.loss);
    if (c.reduction === 'none') assert.deepEqual(loss.shape, input.shape.slice(0, -1));
    else assert.deepEqual(loss.shape, []);
    assertClose(loss.values(), expected, TOL, 'loss');
    if (c.reduction === 'none') loss.backward(new Tensor(Float32Array.from(flat(input.upstream)), loss.shape));
    else loss.backward();
    const grad = flat(c.grad);
    assertClose(logits.grad!.values(), grad, TOL, 'gradient');
    const err = (got: ArrayLike<number>, want: number[]) => {
      let abs = 0, rel = 0;
      want.forEach((w, i) => {
        if (Number.isNaN(w)) return;
        const d = Math.abs(got[i]! - w);
        abs = Math.max(abs, d);
        if (Math.abs(w) > 1e-3) rel = Math.max(rel, d / Math.abs(w));
      });
      return `max abs ${abs.toExponential(2)}, max rel ${rel.toExponential(2)}`;
    };
    t.diagnostic(`loss: ${err(loss.values(), expected)}; gradient: ${err(logits.grad!.values(), grad)}`);
  });
}

test('every target ignored: mean is NaN (0/0, as PyTorch), sum is 0, gradients are 0', () => {
  const logits = new Tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).requiresGrad_();
  const target = new Tensor(new Int32Array([-100, -100]), [2]);
  const mean = crossEntropy(logits, target);
  assert.ok(Number.isNaN(mean.item()));
  mean.backward();
  assert.deepEqual(Array.from(logits.grad!.values()), [0, 0, 0, 0]);
  assert.equal(crossEntropy(logits, target, { reduction: 'sum', labelSmoothing: 0.1 }).item(), 0);
});

test('offTarget smoothing puts eps/(C-1) on each wrong class: with uniform logits the loss is log C whatever eps', () => {
  const logits = new Tensor(new Float32Array(4).fill(0.5), [1, 4]);
  const target = new Tensor(new Int32Array([2]), [1]);
  for (const eps of [0, 0.1, 0.75]) assertClose(crossEntropy(logits, target, { labelSmoothing: eps, smoothing: 'offTarget' }).item(), Math.log(4), { rtol: 1e-6 });
});

test('offTarget and uniform smoothing differ: eps/(C-1) versus eps/C off target', () => {
  // logits favouring the target: smoothing mass off the target costs more when more of it is there
  const logits = new Tensor(new Float32Array([4, 0, 0]), [1, 3]);
  const target = new Tensor(new Int32Array([0]), [1]);
  const logp = [4, 0, 0].map((z) => z - Math.log(Math.exp(4) + 2));
  const uniform = -((1 - 0.3 + 0.1) * logp[0]! + 0.1 * (logp[1]! + logp[2]!));
  const offTarget = -(0.7 * logp[0]! + 0.15 * (logp[1]! + logp[2]!));
  assertClose(crossEntropy(logits, target, { labelSmoothing: 0.3 }).item(), uniform, { rtol: 1e-6 });
  assertClose(crossEntropy(logits, target, { labelSmoothing: 0.3, smoothing: 'offTarget' }).item(), offTarget, { rtol: 1e-6 });
});

test('crossEntropy rejects targets out of range, wrong shapes and float targets', () => {
  const logits = Tensor.zeros([2, 3]);
  assert.throws(() => crossEntropy(logits, new Tensor(new Int32Array([0, 3]), [2])), /out of bounds/);
  assert.throws(() => crossEntropy(logits, new Tensor(new Int32Array([0, 1, 2]), [3])), /shape/);
  assert.throws(() => crossEntropy(logits, new Tensor(new Float32Array([0, 1]), [2])), /int32/);
  assert.throws(() => crossEntropy(logits, new Tensor(new Int32Array([0, 1]), [2]), { labelSmoothing: 1.5 }), /labelSmoothing/);
});
