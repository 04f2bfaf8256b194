/**
 * fp32 <-> bf16 / fp16 conversions: the TypeScript reference on values whose rounding is known
 * (ties to even, overflow to Inf at 65520, subnormals, NaN), and the native kernels against the
 * reference bit for bit on every 16-bit pattern and on random float32 bit patterns, per instruction set.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nativeBackend, type NativeBackend } from '../../src/backend/index.js';
import * as ref from '../../src/backend/js/half.js';
import { mulberry32 } from '../helpers/random.js';

test('fp16: ties round to even, 65504 is the largest finite value and 65520 rounds to Inf', () => {
  const cases: [number, number][] = [
    [1, 0x3c00], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [1 + 2 ** -11 + 2 ** -20, 0x3c01],
    [65504, 0x7bff], [65519.99, 0x7bff], [65520, 0x7c00], [-65520, 0xfc00], [Infinity, 0x7c00], [-Infinity, 0xfc00],
    [2 ** -24, 0x0001], [2 ** -25, 0x0000], [3 * 2 ** -25, 0x0002], [2 ** -25 + 2 ** -40, 0x0001], [2 ** -14, 0x0400],
    [2 ** -14 - 2 ** -24, 0x03ff], [-0, 0x8000], [0, 0], [NaN, 0x7e00], [1e-30, 0],
  ];
  for (const [x, bits] of cases) assert.equal(ref.fp16Bits(Math.fround(x)), bits, `fp16(${x})`);
});

test('bf16: ties round to even, the float32 maximum rounds to Inf, subnormals are kept', () => {
  const cases: [number, number][] = [
    [1, 0x3f80], [1 + 2 ** -8, 0x3f80], [1 + 3 * 2 ** -8, 0x3f82], [1 + 2 ** -8 + 2 ** -20, 0x3f81],
    [3.4028234663852886e38, 0x7f80], [Infinity, 0x7f80], [-Infinity, 0xff80], [NaN, 0x7fc0], [-0, 0x8000], [2 ** -130, 0x0008], [2 ** -140, 0],
  ];
  for (const [x, bits] of cases) assert.equal(ref.bf16Bits(Math.fround(x)), bits, `bf16(${x})`);
});

test('every non-NaN 16-bit pattern converts up exactly and back to itself', () => {
  for (let h = 0; h < 65536; h++) {
    if ((h & 0x7c00) !== 0x7c00 || (h & 0x3ff) === 0) assert.equal(ref.fp16Bits(ref.fp16Value(h)), h, `fp16 0x${h.toString(16)}`);
    if ((h & 0x7f80) !== 0x7f80 || (h & 0x7f) === 0) assert.equal(ref.bf16Bits(ref.bf16Value(h)), h, `bf16 0x${h.toString(16)}`);
  }
  assert.equal(ref.fp16Value(0x0001), 2 ** -24);
  assert.equal(ref.fp16Value(0x7bff), 65504);
  assert.ok(Number.isNaN(ref.fp16Value(0x7e01)));
});

const found = nativeBackend() as NativeBackend | null;
const isas = found ? (['portable', 'avx2', 'avx512'] as const).filter((i) => i === 'portable' || found.addonInfo().cpu[i]) : [];

/** Random float32 bit patterns (all exponents: NaNs, Infs, subnormals) plus the edge values above; odd length. */
function inputs(): Float32Array {
  const n = 100_003;
  const r = mulberry32(7);
  const bits = new Uint32Array(n);
  for (let i = 0; i < n; i++) bits[i] = Math.floor(r() * 2 ** 32) >>> 0;
  const x = new Float32Array(bits.buffer);
  const edges = [65504, 65519.99, 65520, 65536, -65520, 2 ** -24, 2 ** -25, 3 * 2 ** -25, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -8, 1 + 3 * 2 ** -8, NaN, Infinity, -Infinity, -0, 0, 3.4028234663852886e38];
  x.set(edges.map(Math.fround), 0);
  // values in fp16's range, where most roundings happen
  for (let i = edges.length; i < 50_000; i++) x[i] = (r() - 0.5) * 2 ** Math.floor(r() * 44 - 26);
  return x;
}

for (const isa of isas) {
  test(`native conversions equal the TypeScript reference bit for bit (${isa})`, () => {
    const N = found!;
    const prev = N.addonInfo().isa;
    N.setIsa(isa);
    try {
      const x = inputs();
      for (const [name, native, reference] of [['bf16', N.toBf16!, ref.toBf16], ['fp16', N.toFp16!, ref.toFp16]] as const) {
        const a = new Uint16Array(x.length), e = new Uint16Array(x.length);
        native(x, a);
        reference(x, e);
        for (let i = 0; i < x.length; i++) if (a[i] !== e[i]) assert.fail(`to ${name}(${x[i]}): native 0x${a[i]!.toString(16)}, reference 0x${e[i]!.toString(16)}`);
      }
      const all = new Uint16Array(65536 + 5).map((_, i) => i & 0xffff);
      for (const [name, native, reference] of [['bf16', N.fromBf16!, ref.fromBf16], ['fp16', N.fromFp16!, ref.fromFp16]] as const) {
        const a = new Float32Array(all.length), e = new Float32Array(all.length);
        native(all, a);
        reference(all, e);
        const ab = new Uint32Array(a.buffer), eb = new Uint32Array(e.buffer);
        for (let i = 0; i < all.length; i++) if (ab[i] !== eb[i]) assert.fail(`from ${name}(0x${all[i]!.toString(16)}): native ${a[i]}, reference ${e[i]}`);
      }
    } finally {
      N.setIsa(prev as typeof isa);
    }
  });
}
