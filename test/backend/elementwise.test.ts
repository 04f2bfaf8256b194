/** JS backend elementwise kernels against naive float64 references, on random shapes and strides. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from '../helpers/fc.js';
import type { BinaryOp, CompareOp, Storage, Strided, UnaryOp } from '../../src/backend/index.js';
import { jsBackend as B } from '../../src/backend/index.js';
import { erfReference } from './erfReference.js';
import {
  assertNear, assertSameValues, at, bools, distinctLayoutKinds, floats, forEachIndex, ints, layoutKinds, numel, position,
  rng, seedArb, shapeArb, view, type LayoutKind, type Rng,
} from './reference.js';

const SQRT1_2 = Math.SQRT1_2;
const F32_RTOL = 2.5e-7; // one float32 rounding of a value computed in double, plus slack
const F32_ATOL = 1e-37; // subnormal float32 outputs
// 1 + erf(x / sqrt 2) cancels in double for x << 0 (in the formula and in the kernel alike), leaving
// an absolute error of about |x| * 1e-16 in values that are themselves below 1e-14 there
const GELU_ATOL = 1e-13;

// ---- unary -----------------------------------------------------------------------------------------

const unaryRef: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  sqrt: (x) => Math.sqrt(x),
  rsqrt: (x) => 1 / Math.sqrt(x),
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (Number.isNaN(x) ? NaN : Math.max(x, 0)),
  gelu: (x) => 0.5 * x * (1 + erfReference(x / Math.SQRT2)),
  geluTanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  erf: (x) => erfReference(x),
  sign: (x) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : 0),
  sin: (x) => Math.sin(x),
  cos: (x) => Math.cos(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
};
const unaryOps = Object.keys(unaryRef) as UnaryOp[];

/** Ops whose value at +-Infinity is an indeterminate form in the textbook formula. */
const noInfinities = new Set<UnaryOp>(['gelu', 'geluTanh']);
/** Ops tested for the backward on (0.1, 4] only (their domain or a pole at 0). */
const positiveDomain = new Set<UnaryOp>(['log', 'sqrt', 'rsqrt', 'reciprocal']);

/** d/dx of the reference by a float64 central difference; kinks use PyTorch's subgradient. */
function derivative(op: UnaryOp, x: number): number {
  switch (op) {
    case 'abs': return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 'relu': return x > 0 ? 1 : 0;
    case 'sign': return 0;
    default: {
      const f = unaryRef[op];
      const h = 1e-5 * Math.max(1, Math.abs(x));
      return (f(x + h) - f(x - h)) / (2 * h);
    }
  }
}

describe('unary kernels', () => {
  for (const op of unaryOps) {
    test(`${op} matches the float64 reference, special values included`, () => {
      fc.assert(fc.property(fc.integer({ min: 0, max: 300 }), seedArb, (n, seed) => {
        const r = rng(seed);
        const x = floats(n, r, -6, 6, true);
        if (noInfinities.has(op)) for (let i = 0; i < n; i++) if (!Number.isFinite(x[i]!) && !Number.isNaN(x[i]!)) x[i] = 0.5;
        const out = new Float32Array(n).fill(12345);
        B.unary(op, x, out);
        assertNear(out, Array.from(x, (v) => unaryRef[op](v)), F32_RTOL, op === 'gelu' ? GELU_ATOL : F32_ATOL, op);
      }), { numRuns: 30 });
    });

    test(`${op} backward matches the derivative of the reference`, () => {
      fc.assert(fc.property(fc.integer({ min: 0, max: 300 }), seedArb, (n, seed) => {
        const r = rng(seed);
        const x = positiveDomain.has(op) ? floats(n, r, 0.1, 4) : floats(n, r, -5, 5);
        // keep clear of the kinks, where the difference quotient is not the subgradient
        for (let i = 0; i < n; i++) if (Math.abs(x[i]!) < 1e-3) x[i] = 0.5;
        const gy = floats(n, r, -2, 2);
        const y = new Float32Array(n);
        B.unary(op, x, y);
        const gx = new Float32Array(n).fill(12345);
        B.unaryBackward(op, x, y, gy, gx);
        assertNear(gx, Array.from(x, (v, i) => gy[i]! * derivative(op, v)), 1e-6, 5e-7, `${op} backward`);
      }), { numRuns: 30 });
    });
  }

  test('relu, abs and sign at exactly 0 and -0 follow PyTorch (gradient 0)', () => {
    const x = new Float32Array([0, -0]);
    const gy = new Float32Array([1, 1]);
    for (const op of ['relu', 'abs', 'sign'] as const) {
      const y = new Float32Array(2);
      B.unary(op, x, y);
      assertSameValues(y, [0, 0], op);
      const gx = new Float32Array(2).fill(9);
      B.unaryBackward(op, x, y, gy, gx);
      assertSameValues(gx, [0, 0], `${op} backward`);
    }
  });

  test('sigmoid saturates without overflow for large |x|', () => {
    const x = new Float32Array([-1e4, -1000, -100, -88.8, 88.8, 100, 1000, 1e4, -3.4e38, 3.4e38]);
    const y = new Float32Array(x.length);
    B.unary('sigmoid', x, y);
    assertNear(y, Array.from(x, (v) => unaryRef.sigmoid(v)), F32_RTOL, F32_ATOL, 'sigmoid');
    for (const v of y) assert.ok(v >= 0 && v <= 1, `sigmoid gave ${v}`);
    const gx = new Float32Array(x.length);
    B.unaryBackward('sigmoid', x, y, new Float32Array(x.length).fill(1), gx);
    for (const v of gx) assert.ok(Number.isFinite(v) && v >= 0 && v < 1e-30, `sigmoid backward gave ${v}`);
  });

  test('tanh saturates to +-1 and its gradient to 0 for large |x|', () => {
    const x = new Float32Array([-1000, -50, 50, 1000]);
    const y = new Float32Array(4);
    B.unary('tanh', x, y);
    assertSameValues(y, [-1, -1, 1, 1], 'tanh');
    const gx = new Float32Array(4);
    B.unaryBackward('tanh', x, y, new Float32Array(4).fill(1), gx);
    assertSameValues(gx, [0, 0, 0, 0], 'tanh backward');
  });

  test('gelu (exact) equals 0.5 x (1 + erf(x / sqrt 2)) closely across [-8, 8]', () => {
    const x = new Float32Array(1601).map((_, i) => -8 + i / 100);
    const y = new Float32Array(x.length);
    B.unary('gelu', x, y);
    assertNear(y, Array.from(x, (v) => 0.5 * v * (1 + erfReference(v * SQRT1_2))), F32_RTOL, GELU_ATOL, 'gelu');
  });

  test('gelu tanh form stays within 1e-3 of the exact gelu', () => {
    const x = new Float32Array(801).map((_, i) => -4 + i / 100);
    const exact = new Float32Array(x.length);
    const approx = new Float32Array(x.length);
    B.unary('gelu', x, exact);
    B.unary('geluTanh', x, approx);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(exact[i]! - approx[i]!) < 1e-3, `x = ${x[i]}`);
  });
});

// ---- binary ------------------------------------------------------------------------------------------

const binaryRef: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
};
const binaryOps = Object.keys(binaryRef) as BinaryOp[];

/** int32 arithmetic wrapping like C, computed exactly with BigInt. */
const intRef: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => Number(BigInt.asIntN(32, BigInt(a) + BigInt(b))),
  sub: (a, b) => Number(BigInt.asIntN(32, BigInt(a) - BigInt(b))),
  mul: (a, b) => Number(BigInt.asIntN(32, BigInt(a) * BigInt(b))),
  pow: (a, b) => Number(BigInt.asIntN(32, BigInt(a) ** BigInt(b))),
  maximum: (a, b) => Math.max(a, b),
  minimum: (a, b) => Math.min(a, b),
};

function reference(shape: readonly number[], fn: (idx: number[]) => number): number[] {
  const out: number[] = [];
  forEachIndex(shape, (idx) => out.push(fn(idx)));
  return out;
}

const kindArb = fc.constantFrom(...layoutKinds);

describe('binary kernel (float32)', () => {
  for (const op of binaryOps) {
    test(`${op} with every pair of operand layouts (contiguous, permuted, padded, negative, broadcast, scalar)`, () => {
      for (const ka of layoutKinds) {
        for (const kb of layoutKinds) {
          fc.assert(fc.property(shapeArb(), seedArb, (shape, seed) => {
            const r = rng(seed);
            const a = view(shape, ka, r, (n) => floats(n, r, -3, 3, true));
            const b = view(shape, kb, r, (n) => floats(n, r, -3, 3, true));
            const out = new Float32Array(numel(shape)).fill(12345);
            B.binary(op, a, b, out, shape);
            const expected = reference(shape, (idx) => Math.fround(binaryRef[op](at(a, idx), at(b, idx))));
            assertSameValues(out, expected, `${op} ${ka}/${kb} shape [${shape}]`);
          }), { numRuns: 4 });
        }
      }
    });
  }

  test('broadcasting a [4] row and a [3,1] column into [3,4]', () => {
    const a: Strided = { data: new Float32Array([1, 2, 3, 4]), offset: 0, strides: [0, 1] };
    const b: Strided = { data: new Float32Array([10, 20, 30]), offset: 0, strides: [1, 0] };
    const out = new Float32Array(12);
    B.binary('sub', a, b, out, [3, 4]);
    assert.deepEqual([...out], [-9, -8, -7, -6, -19, -18, -17, -16, -29, -28, -27, -26]);
  });

  test('maximum and minimum propagate NaN from either side', () => {
    const a = new Float32Array([NaN, 1, NaN, 2]);
    const b = new Float32Array([1, NaN, NaN, 3]);
    for (const op of ['maximum', 'minimum'] as const) {
      const out = new Float32Array(4);
      B.binary(op, { data: a, offset: 0, strides: [1] }, { data: b, offset: 0, strides: [1] }, out, [4]);
      assertSameValues(out, [NaN, NaN, NaN, op === 'maximum' ? 3 : 2], op);
    }
  });
});

describe('binary kernel (int32)', () => {
  test('pow with a negative exponent truncates toward zero', () => {
    const out = new Int32Array(4);
    const s = (v: number[]): Strided => ({ data: new Int32Array(v), offset: 0, strides: [1] });
    B.binary('pow', s([1, -1, 2, -1]), s([-1, -1, -1, -2]), out, [4]);
    assert.deepEqual([...out], [1, -1, 0, 1]);
  });

  for (const op of Object.keys(intRef) as BinaryOp[]) {
    test(`${op} is exact and wraps on overflow like C`, () => {
      fc.assert(fc.property(shapeArb(), fc.constantFrom(...layoutKinds), fc.constantFrom(...layoutKinds), seedArb, (shape, ka, kb, seed) => {
        const r = rng(seed);
        const big = (n: number) => {
          const v = ints(n, r, -1000, 1000);
          for (let i = 0; i < n; i++) if (r() < 0.3) v[i] = [2147483647, -2147483648, 1 << 30, -(1 << 30), 65537, 46341][randIndex(r, 6)]!;
          return v;
        };
        const a = view(shape, ka, r, op === 'pow' ? (n) => ints(n, r, -9, 9) : big);
        // exponents up to 40: 9^40 is far beyond 2^53, so only exact wrapping gets the low bits right
        const b = view(shape, kb, r, op === 'pow' ? (n) => ints(n, r, 0, 40) : big);
        const out = new Int32Array(numel(shape)).fill(12345);
        B.binary(op, a, b, out, shape);
        assertSameValues(out, reference(shape, (idx) => intRef[op]!(at(a, idx), at(b, idx))), `int ${op} [${shape}]`);
      }), { numRuns: 60 });
    });
  }
});

function randIndex(r: Rng, n: number): number {
  return Math.floor(r() * n);
}

// ---- compare / where / clamp / copy / cast -----------------------------------------------------------

const compareRef: Record<CompareOp, (a: number, b: number) => boolean> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
};

type DTypeName = 'float32' | 'int32' | 'bool';
const fillers: Record<DTypeName, (n: number, r: Rng) => Storage> = {
  // small integers so that equal values are common; specials for float
  float32: (n, r) => { const v = floats(n, r, -2, 2, true); for (let i = 0; i < n; i++) if (r() < 0.4) v[i] = Math.round(v[i]!); return v; },
  int32: (n, r) => ints(n, r, -2, 2),
  bool: (n, r) => bools(n, r),
};
const dtypeArb = fc.constantFrom<DTypeName>('float32', 'int32', 'bool');

describe('compare kernel', () => {
  for (const op of Object.keys(compareRef) as CompareOp[]) {
    test(`${op} on strided operands of any dtypes`, () => {
      fc.assert(fc.property(shapeArb(), kindArb, kindArb, dtypeArb, dtypeArb, seedArb, (shape, ka, kb, da, db, seed) => {
        const r = rng(seed);
        const a = view(shape, ka, r, (n) => fillers[da](n, r));
        const b = view(shape, kb, r, (n) => fillers[db](n, r));
        const out = new Uint8Array(numel(shape)).fill(7);
        B.compare(op, a, b, out, shape);
        assertSameValues(out, reference(shape, (idx) => (compareRef[op](at(a, idx), at(b, idx)) ? 1 : 0)), `${op} [${shape}]`);
      }), { numRuns: 80 });
    });
  }

  test('NaN compares unequal to everything, itself included', () => {
    const a = new Float32Array([NaN, NaN, 1]);
    const b = new Float32Array([NaN, 1, NaN]);
    const s = (d: Float32Array): Strided => ({ data: d, offset: 0, strides: [1] });
    for (const [op, expected] of [['eq', [0, 0, 0]], ['ne', [1, 1, 1]], ['lt', [0, 0, 0]], ['ge', [0, 0, 0]]] as const) {
      const out = new Uint8Array(3);
      B.compare(op, s(a), s(b), out, [3]);
      assert.deepEqual([...out], expected, op);
    }
  });
});

describe('where kernel', () => {
  test('selects from strided operands of each dtype by a strided condition', () => {
    fc.assert(fc.property(shapeArb(), kindArb, kindArb, kindArb, dtypeArb, seedArb, (shape, kc, ka, kb, dtype, seed) => {
      const r = rng(seed);
      const cond = view(shape, kc, r, (n) => bools(n, r));
      const a = view(shape, ka, r, (n) => fillers[dtype](n, r));
      const b = view(shape, kb, r, (n) => fillers[dtype](n, r));
      const out = dtype === 'float32' ? new Float32Array(numel(shape)) : dtype === 'int32' ? new Int32Array(numel(shape)) : new Uint8Array(numel(shape));
      out.fill(7);
      B.where(cond, a, b, out, shape);
      assertSameValues(out, reference(shape, (idx) => (at(cond, idx) ? at(a, idx) : at(b, idx))), `where [${shape}]`);
    }), { numRuns: 150 });
  });
});

describe('clamp kernel', () => {
  const boundArb = fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(-Infinity, Infinity, 0));

  test('equals min(max(x, lo), hi) elementwise, NaN passing through', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), boundArb, boundArb, seedArb, (n, lo, hi, seed) => {
      const r = rng(seed);
      const x = floats(n, r, -4, 4, true);
      const out = new Float32Array(n).fill(12345);
      B.clamp(x, lo, hi, out);
      assertSameValues(out, Array.from(x, (v) => (Number.isNaN(v) ? NaN : Math.fround(Math.min(Math.max(v, lo), hi)))), `clamp [${lo}, ${hi}]`);
    }), { numRuns: 150 });
  });

  test('with lo > hi every value becomes hi, as min(max(x, lo), hi) and PyTorch give', () => {
    const out = new Float32Array(3);
    B.clamp(new Float32Array([-5, 0, 5]), 2, 1, out);
    assert.deepEqual([...out], [1, 1, 1]);
  });

  test('backward passes gy where lo <= x <= hi, bounds included, else 0', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), boundArb, boundArb, seedArb, (n, lo, hi, seed) => {
      const r = rng(seed);
      const x = floats(n, r, -4, 4, true);
      for (let i = 0; i < n; i++) if (r() < 0.1) x[i] = r() < 0.5 ? lo : hi;
      const gy = floats(n, r, -2, 2);
      const gx = new Float32Array(n).fill(12345);
      B.clampBackward(x, lo, hi, gy, gx);
      assertSameValues(gx, Array.from(x, (v, i) => (v >= lo && v <= hi ? gy[i]! : 0)), 'clampBackward');
    }), { numRuns: 150 });
  });
});

describe('copy kernel', () => {
  test('copies a strided view into another strided view, leaving the rest of the destination untouched', () => {
    const dstKindArb = fc.constantFrom<LayoutKind>(...distinctLayoutKinds);
    fc.assert(fc.property(shapeArb(), kindArb, dstKindArb, dtypeArb, seedArb, (shape, ks, kd, dtype, seed) => {
      const r = rng(seed);
      const src = view(shape, ks, r, (n) => fillers[dtype](n, r));
      const dst = view(shape, kd, r, (n) => fillers[dtype](n, r));
      const expected = Array.from(dst.data as ArrayLike<number>);
      forEachIndex(shape, (idx) => { expected[position(dst, idx)] = at(src, idx); });
      B.copy(src, dst, shape);
      assertSameValues(dst.data, expected, `copy ${ks} -> ${kd} [${shape}]`);
    }), { numRuns: 200 });
  });
});

describe('cast kernel', () => {
  test('float32 to int32 truncates toward zero', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), seedArb, (n, seed) => {
      const r = rng(seed);
      const x = floats(n, r, -1e6, 1e6);
      for (let i = 0; i < n; i++) if (r() < 0.3) x[i] = Math.round(x[i]! * 2) / 2;
      const out = new Int32Array(n);
      B.cast(x, out);
      assertSameValues(out, Array.from(x, (v) => Math.trunc(v)), 'float -> int');
    }), { numRuns: 50 });
    const out = new Int32Array(4);
    B.cast(new Float32Array([-2.7, 2.7, -0.5, 0.5]), out);
    assert.deepEqual([...out], [-2, 2, 0, 0]);
  });

  test('anything to bool is 1 exactly where the value is non-zero (NaN included, as in PyTorch)', () => {
    const out = new Uint8Array(7);
    B.cast(new Float32Array([0, -0, 0.5, -3, NaN, Infinity, 1e-40]), out);
    assert.deepEqual([...out], [0, 0, 1, 1, 1, 1, 1]);
    const fromInt = new Uint8Array(4);
    B.cast(new Int32Array([0, 5, -1, 0]), fromInt);
    assert.deepEqual([...fromInt], [0, 1, 1, 0]);
  });

  test('int32 and bool to float32 keep the values', () => {
    const f = new Float32Array(4);
    B.cast(new Int32Array([-7, 0, 16777216, 3]), f);
    assert.deepEqual([...f], [-7, 0, 16777216, 3]);
    const g = new Float32Array(3);
    B.cast(new Uint8Array([1, 0, 1]), g);
    assert.deepEqual([...g], [1, 0, 1]);
    const i = new Int32Array(3);
    B.cast(new Uint8Array([1, 0, 1]), i);
    assert.deepEqual([...i], [1, 0, 1]);
  });

  test('a cast of an empty array writes nothing', () => {
    const out = new Int32Array(0);
    B.cast(new Float32Array(0), out);
    assert.equal(out.length, 0);
  });
});
