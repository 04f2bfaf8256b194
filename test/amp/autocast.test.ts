/**
 * Autocast numerics: inside autocast the matrix products compute from operands rounded to the half
 * format and return values of the half format (checked against a float64 product of the rounded
 * operands); their gradients agree with float32 ones within half-precision tolerance; fp16
 * overflows to Inf past 65504 where bf16 does not; outside the region nothing changes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autocast, linear, matmul, randn, tensor, type HalfDtype, type Tensor } from '../../src/index.js';
import * as ref from '../../src/backend/js/half.js';

const round = (d: HalfDtype, v: number) => (d === 'bf16' ? ref.bf16Value(ref.bf16Bits(v)) : ref.fp16Value(ref.fp16Bits(v)));
const eps: Record<HalfDtype, number> = { bf16: 2 ** -8, fp16: 2 ** -11 };

function values(t: Tensor): number[] {
  return Array.from(t.contiguous().values() as Float32Array);
}

/** x W^T + b in float64 from the rounded operands, rounded to the half format once at the end. */
function linearReference(d: HalfDtype, x: number[], w: number[], b: number[], rows: number, inF: number, outF: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < outF; j++) {
    let s = round(d, b[j]!);
    for (let p = 0; p < inF; p++) s += round(d, x[i * inF + p]!) * round(d, w[j * inF + p]!);
    out.push(round(d, s));
  }
  return out;
}

for (const d of ['bf16', 'fp16'] as const) {
  test(`${d}: linear rounds its operands and its output to ${d}, on odd sizes`, () => {
    const [rows, inF, outF] = [7, 13, 5];
    const x = randn([rows, inF]), w = randn([outF, inF]), b = randn([outF]);
    const y = autocast(d, () => linear(x, w, b));
    const got = values(y);
    const want = linearReference(d, values(x), values(w), values(b), rows, inF, outF);
    for (let i = 0; i < got.length; i++) {
      assert.equal(round(d, got[i]!), got[i], `output ${i} is not a ${d} value`);
      // accumulation order differs from the float64 sum: one rounding step of the half format either way
      assert.ok(Math.abs(got[i]! - want[i]!) <= 2 * eps[d] * Math.max(Math.abs(want[i]!), 1), `output ${i}: ${got[i]} vs ${want[i]}`);
    }
    // and it is not the float32 result (which has bits below the half format's)
    const full = values(linear(x, w, b));
    assert.ok(full.some((v) => round(d, v) !== v), 'the float32 linear gives values outside the half format too');
  });

  test(`${d}: batched, broadcast matmul gives half-format values close to float32`, () => {
    const a = randn([2, 3, 5, 6]), b = randn([3, 6, 4]);
    const y = autocast(d, () => matmul(a, b));
    const f = matmul(a, b);
    assert.deepEqual(y.shape, [2, 3, 5, 4]);
    const got = values(y), want = values(f);
    for (let i = 0; i < got.length; i++) {
      assert.equal(round(d, got[i]!), got[i]);
      assert.ok(Math.abs(got[i]! - want[i]!) <= 8 * eps[d] * Math.max(Math.abs(want[i]!), 1), `element ${i}: ${got[i]} vs ${want[i]}`);
    }
  });

  test(`${d}: gradients of linear and matmul match float32 within ${d} tolerance and are ${d} values`, () => {
    const x0 = randn([6, 9]), w0 = randn([4, 9]), b0 = randn([4]), m0 = randn([4, 3]);
    const run = (half: boolean) => {
      const x = x0.clone().requiresGrad_(), w = w0.clone().requiresGrad_(), b = b0.clone().requiresGrad_(), m = m0.clone().requiresGrad_();
      const f = () => matmul(linear(x, w, b), m).square().sum();
      (half ? autocast(d, f) : f()).backward();
      return [x.grad!, w.grad!, b.grad!, m.grad!].map(values);
    };
    const h = run(true), f = run(false);
    for (let t = 0; t < h.length; t++) {
      const scale = Math.max(...f[t]!.map(Math.abs));
      for (let i = 0; i < h[t]!.length; i++) {
        assert.equal(round(d, h[t]![i]!), h[t]![i], `gradient ${t}[${i}] is not a ${d} value`);
        assert.ok(Math.abs(h[t]![i]! - f[t]![i]!) <= 32 * eps[d] * scale, `gradient ${t}[${i}]: ${h[t]![i]} vs ${f[t]![i]}`);
      }
    }
  });
}

test('fp16 overflows to Inf past 65504 where bf16 and float32 do not', () => {
  const x = tensor([[300, 300]]), w = tensor([[200, 200]]);
  assert.equal(values(autocast('fp16', () => linear(x, w)))[0], Infinity);
  assert.equal(values(autocast('bf16', () => linear(x, w)))[0], 119_808);
  assert.equal(values(linear(x, w))[0], 120_000);
});

test("autocast('fp32') and the region's end restore float32 products", () => {
  const x = tensor([[1 + 2 ** -12]]), w = tensor([[1]]);
  assert.equal(values(autocast('bf16', () => autocast('fp32', () => linear(x, w))))[0], Math.fround(1 + 2 ** -12));
  assert.equal(values(autocast('bf16', () => linear(x, w)))[0], 1);
  assert.equal(values(linear(x, w))[0], Math.fround(1 + 2 ** -12));
});
