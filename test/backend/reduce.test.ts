/** sum and max over the middle axis of [outer, n, inner] against naive loops. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from '../helpers/fc.js';
import { jsBackend as B } from '../../src/backend/index.js';
import { assertNear, assertSameValues, floats, rng, seedArb } from './reference.js';

const sizeArb = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 9 }) }, { weight: 1, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(17) });

describe('sum kernel', () => {
  test('sums the middle axis in float64 before rounding once', () => {
    fc.assert(fc.property(sizeArb, sizeArb, sizeArb, seedArb, (outer, n, inner, seed) => {
      const x = floats(outer * n * inner, rng(seed), -10, 10);
      const out = new Float32Array(outer * inner).fill(NaN);
      B.sum(x, outer, n, inner, out);
      const expected: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += x[(o * n + j) * inner + i]!;
          expected.push(s);
        }
      }
      assertNear(out, expected, 1e-6, 1e-6, `sum [${outer}, ${n}, ${inner}]`);
    }), { numRuns: 150 });
  });

  test('accumulates in double precision (1 + many tiny values)', () => {
    const n = 1 << 12;
    const x = new Float32Array(n).fill(2 ** -30);
    x[0] = 1;
    const out = new Float32Array(1);
    B.sum(x, 1, n, 1, out);
    // float32 accumulation would stay at 1; the exact sum is 1 + (n - 1) * 2^-30
    assert.equal(out[0], Math.fround(1 + (n - 1) * 2 ** -30));
    const strided = new Float32Array(2 * n).fill(2 ** -30);
    strided[0] = 1;
    const out2 = new Float32Array(2);
    B.sum(strided, 1, n, 2, out2);
    assert.equal(out2[0], Math.fround(1 + (n - 1) * 2 ** -30));
  });

  test('over an empty axis gives zeros', () => {
    const out = new Float32Array(6).fill(NaN);
    B.sum(new Float32Array(0), 2, 0, 3, out);
    assert.deepEqual([...out], [0, 0, 0, 0, 0, 0]);
  });
});

describe('max kernel', () => {
  test('returns the maximum and the index of its first occurrence', () => {
    fc.assert(fc.property(sizeArb, fc.integer({ min: 1, max: 9 }), sizeArb, seedArb, (outer, n, inner, seed) => {
      const r = rng(seed);
      // few distinct values so ties are common; -Infinity now and then
      const x = floats(outer * n * inner, r, -3, 3).map((v) => (r() < 0.05 ? -Infinity : Math.round(v)));
      const values = new Float32Array(outer * inner).fill(NaN);
      const indices = new Int32Array(outer * inner).fill(-7);
      B.max(x, outer, n, inner, values, indices);
      const ev: number[] = [];
      const ei: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          let best = 0;
          for (let j = 1; j < n; j++) if (x[(o * n + j) * inner + i]! > x[(o * n + best) * inner + i]!) best = j;
          ev.push(x[(o * n + best) * inner + i]!);
          ei.push(best);
        }
      }
      assertSameValues(values, ev, 'values');
      assertSameValues(indices, ei, 'indices');
    }), { numRuns: 150 });
  });

  test('propagates NaN and points at the first NaN', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 4 }), seedArb, (n, inner, seed) => {
      const r = rng(seed);
      const x = floats(n * inner, r, -3, 3);
      const firstNaN: number[] = [];
      for (let i = 0; i < inner; i++) {
        let first = -1;
        for (let j = 0; j < n; j++) {
          if (r() < 0.3) { x[j * inner + i] = NaN; if (first < 0) first = j; }
        }
        firstNaN.push(first);
      }
      const values = new Float32Array(inner);
      const indices = new Int32Array(inner);
      B.max(x, 1, n, inner, values, indices);
      for (let i = 0; i < inner; i++) {
        if (firstNaN[i]! < 0) continue;
        assert.ok(Number.isNaN(values[i]!), `column ${i} should be NaN`);
        assert.equal(indices[i], firstNaN[i], `column ${i}`);
      }
    }), { numRuns: 100 });
  });

  test('a row of -Infinity gives -Infinity at index 0', () => {
    const values = new Float32Array(1);
    const indices = new Int32Array(1).fill(5);
    B.max(new Float32Array([-Infinity, -Infinity, -Infinity]), 1, 3, 1, values, indices);
    assert.equal(values[0], -Infinity);
    assert.equal(indices[0], 0);
  });

  test('ties take the first index, also in strided (inner > 1) layout', () => {
    const values = new Float32Array(2);
    const indices = new Int32Array(2);
    // [1, 3, 2] x 2 columns: column 0 = [5, 5, 1], column 1 = [0, 7, 7]
    B.max(new Float32Array([5, 0, 5, 7, 1, 7]), 1, 3, 2, values, indices);
    assert.deepEqual([...values], [5, 7]);
    assert.deepEqual([...indices], [0, 1]);
  });
});
