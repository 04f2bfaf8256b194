/**
 * The fused attention op equals its composite reference (tensor/ops/attention.ts) on random shapes:
 * outputs, weights, dropout masks (the same draws from the generator), and gradients through both the
 * output and the weights; and its gradient passes finite differences.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from '../helpers/fc.js';
import { Generator, noGrad, Tensor } from '../../src/tensor/index.js';
import { attentionComposite, canFuseAttention, fusedAttention, type AttentionOptions } from '../../src/tensor/ops/attention.js';
import { attention, mergeMasks } from '../../src/nn/attention.js';
import { assertClose } from '../helpers/index.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { mulberry32 } from '../helpers/random.js';

type Rng = () => number;

function randTensor(shape: number[], r: Rng, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = (2 * r() - 1) * scale;
  return new Tensor(d, shape);
}

/** [B, H, L, d] as MultiheadAttention makes it: a permuted view of [B, L, H, d], or contiguous. */
function heads(B: number, H: number, L: number, d: number, r: Rng, permuted: boolean): Tensor {
  const t = permuted ? randTensor([B, L, H, d], r).permute([0, 2, 1, 3]) : randTensor([B, H, L, d], r);
  return t.detach().requiresGrad_(true);
}

type MaskKind = 'none' | 'padding' | 'dense' | 'causal' | 'causalPadding' | 'batchHeads';

function maskFor(kind: MaskKind, B: number, H: number, T: number, S: number, r: Rng): { mask: Tensor | null; causal: boolean } {
  const padding = () => {
    const m = new Float32Array(B * S);
    // at least one visible key per row
    for (let b = 0; b < B; b++) for (let j = 1; j < S; j++) m[b * S + j] = r() < 0.3 ? -Infinity : 0;
    return new Tensor(m, [B, 1, 1, S]);
  };
  switch (kind) {
    case 'none': return { mask: null, causal: false };
    case 'padding': return { mask: padding(), causal: false };
    case 'dense': return { mask: randTensor([T, S], r, 3), causal: false };
    case 'batchHeads': return { mask: randTensor([B, H, T, S], r, 3), causal: false };
    case 'causal': return { mask: null, causal: true };
    case 'causalPadding': return { mask: padding(), causal: true };
  }
}

interface Case { B: number; H: number; T: number; S: number; D: number; DV: number; permuted: boolean; kind: MaskKind; p: number; seed: number }

const caseArb: fc.Arbitrary<Case> = fc.record({
  B: fc.integer({ min: 1, max: 3 }), H: fc.integer({ min: 1, max: 3 }), T: fc.integer({ min: 1, max: 9 }), S: fc.integer({ min: 1, max: 9 }),
  D: fc.integer({ min: 1, max: 7 }), DV: fc.integer({ min: 1, max: 6 }), permuted: fc.boolean(),
  kind: fc.constantFrom<MaskKind>('none', 'padding', 'dense', 'causal', 'causalPadding', 'batchHeads'),
  p: fc.constantFrom(0, 0.3), seed: fc.integer({ min: 0, max: 1 << 30 }),
});

function run(c: Case, fused: boolean): { out: Tensor; w: Tensor; grads: Tensor[]; state: string } {
  const r = mulberry32(c.seed);
  const T = c.T;
  const S = c.S;
  const q = heads(c.B, c.H, T, c.D, r, c.permuted), k = heads(c.B, c.H, S, c.D, r, c.permuted), v = heads(c.B, c.H, S, c.DV, r, c.permuted);
  const { mask, causal } = maskFor(c.kind, c.B, c.H, T, S, r);
  const gOut = randTensor([c.B, c.H, T, c.DV], r), gW = randTensor([c.B, c.H, T, S], r);
  const generator = new Generator(c.seed);
  const o: AttentionOptions = { mask, causal, dropoutP: c.p, generator };
  assert.ok(canFuseAttention(q, k, v, mask));
  const [out, w] = fused ? fusedAttention(q, k, v, o) : attentionComposite(q, k, v, o);
  out.mul(gOut).sum().add(w.mul(gW).sum()).backward();
  return { out, w, grads: [q.grad!, k.grad!, v.grad!], state: generator.getState().state.join() };
}

describe('fused attention', () => {
  test('equals the composite: outputs, weights, dropout masks and gradients, on random shapes, layouts and masks', () => {
    fc.assert(fc.property(caseArb, (c) => {
      const f = run(c, true), ref = run(c, false);
      const tol = { rtol: 2e-5, atol: 2e-6 };
      assertClose(f.w.values(), ref.w.values(), tol, 'weights');
      assertClose(f.out.contiguous().values(), ref.out.contiguous().values(), tol, 'out');
      assert.equal(f.state, ref.state, 'the generator advanced by the same draws');
      for (let i = 0; i < 3; i++) assertClose(f.grads[i]!.contiguous().values(), ref.grads[i]!.contiguous().values(), { rtol: 1e-4, atol: 1e-5 }, `grad ${'qkv'[i]}`);
    }), { numRuns: 60 });
  });

  test('drops exactly the weights the composite drops: with v = I the output is the dropped weights', () => {
    const r = mulberry32(9);
    const [B, H, T, S] = [2, 3, 5, 7];
    const q = randTensor([B, H, T, 4], r), k = randTensor([B, H, S, 4], r);
    const eye = new Float32Array(B * H * S * S);
    for (let bh = 0; bh < B * H; bh++) for (let j = 0; j < S; j++) eye[(bh * S + j) * S + j] = 1;
    const v = new Tensor(eye, [B, H, S, S]);
    const [f] = fusedAttention(q, k, v, { dropoutP: 0.5, generator: new Generator(3) });
    const [ref] = attentionComposite(q, k, v, { dropoutP: 0.5, generator: new Generator(3) });
    const zf = Array.from(f.contiguous().values() as Float32Array, (x) => x === 0);
    const zr = Array.from(ref.contiguous().values() as Float32Array, (x) => x === 0);
    assert.deepEqual(zf, zr);
    assert.ok(zf.some((z) => z) && zf.some((z) => !z));
  });

  test('a fully masked row gives NaN, as the composite (and PyTorch) do', () => {
    const q = new Tensor(new Float32Array(1 * 1 * 2 * 2).fill(0.5), [1, 1, 2, 2]);
    const k = q.clone(), v = q.clone();
    const mask = new Tensor(Float32Array.from([-Infinity, -Infinity, 0, 0]), [2, 2]);
    const [out] = noGrad(() => fusedAttention(q, k, v, { mask }));
    const [ref] = noGrad(() => attentionComposite(q, k, v, { mask }));
    const a = Array.from(out.contiguous().values()), b = Array.from(ref.contiguous().values());
    assert.ok(Number.isNaN(a[0]!) && Number.isNaN(b[0]!));
    assert.deepEqual(a.slice(2), b.slice(2));
  });

  test('passes finite differences (q, k, v, causal with padding)', () => {
    const r = mulberry32(4);
    const q = randTensor([2, 2, 3, 4], r).requiresGrad_(true), k = randTensor([2, 2, 3, 4], r).requiresGrad_(true), v = randTensor([2, 2, 3, 2], r).requiresGrad_(true);
    const mask = new Tensor(Float32Array.from([0, 0, -Infinity, 0, 0, 0]), [2, 1, 1, 3]);
    gradcheck((a, b, c) => fusedAttention(a!, b!, c!, { mask, causal: true })[0], [q, k, v]);
    gradcheck((a, b) => fusedAttention(a!, b!, v.detach(), { mask })[1], [q, k]);
  });

  test("mergeMasks' causal + key padding mask is applied by parts and equals the dense sum it returns", () => {
    const r = mulberry32(5);
    const kpm = new Tensor(Uint8Array.from([0, 0, 1, 0, 0, 0, 0, 1]), [2, 4]);
    const merged = mergeMasks(2, 3, 4, 4, null, kpm, true)!;
    const q = heads(2, 3, 4, 5, r, true), k = heads(2, 3, 4, 5, r, true), v = heads(2, 3, 4, 5, r, true);
    const [viaParts] = attention(q, k, v, { mask: merged });
    const [dense] = attentionComposite(q, k, v, { mask: merged.detach().mul(1) });
    assertClose(viaParts.contiguous().values(), dense.contiguous().values(), { rtol: 2e-5, atol: 2e-6 });
  });
});

