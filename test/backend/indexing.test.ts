/** indexSelect / indexAdd / gather / scatterAdd against naive loops. */
import { describe, test } from 'node:test';
import fc from '../helpers/fc.js';
import type { Storage } from '../../src/backend/index.js';
import { jsBackend as B } from '../../src/backend/index.js';
import { assertNear, assertSameValues, bools, floats, ints, rng, seedArb, type Rng } from './reference.js';

const sizeArb = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 6 }) }, { weight: 1, arbitrary: fc.constant(0) });
const nArb = fc.integer({ min: 1, max: 7 });
const dtypeArb = fc.constantFrom('float32', 'int32', 'bool');

function data(dtype: string, n: number, r: Rng): Storage {
  return dtype === 'float32' ? floats(n, r, -5, 5, true) : dtype === 'int32' ? ints(n, r, -100, 100) : bools(n, r);
}
function empty(dtype: string, n: number): Storage {
  const out = dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
  return out.fill(7);
}

describe('indexing kernels', () => {
  test('indexSelect picks index[j] along the middle axis, for every dtype', () => {
    fc.assert(fc.property(sizeArb, nArb, sizeArb, sizeArb, dtypeArb, seedArb, (outer, n, inner, m, dtype, seed) => {
      const r = rng(seed);
      const src = data(dtype, outer * n * inner, r);
      const index = ints(m, r, 0, n - 1);
      const out = empty(dtype, outer * m * inner);
      B.indexSelect(src, outer, n, inner, index, out);
      const expected: number[] = [];
      for (let o = 0; o < outer; o++) for (let j = 0; j < m; j++) for (let i = 0; i < inner; i++) expected.push(src[(o * n + index[j]!) * inner + i]!);
      assertSameValues(out, expected, 'indexSelect');
    }), { numRuns: 150 });
  });

  test('indexAdd adds into gx (repeated indices accumulate)', () => {
    fc.assert(fc.property(sizeArb, nArb, sizeArb, sizeArb, seedArb, (outer, n, inner, m, seed) => {
      const r = rng(seed);
      const gy = floats(outer * m * inner, r, -2, 2);
      const index = ints(m, r, 0, n - 1);
      const gx = floats(outer * n * inner, r, -1, 1);
      const expected = Array.from(gx);
      for (let o = 0; o < outer; o++) for (let j = 0; j < m; j++) for (let i = 0; i < inner; i++) expected[(o * n + index[j]!) * inner + i]! += gy[(o * m + j) * inner + i]!;
      B.indexAdd(gy, outer, n, inner, index, gx);
      assertNear(gx, expected, 1e-6, 1e-6, 'indexAdd');
    }), { numRuns: 150 });
  });

  test('gather reads src[o, index[o, j, i], i], for every dtype', () => {
    fc.assert(fc.property(sizeArb, nArb, sizeArb, sizeArb, dtypeArb, seedArb, (outer, n, inner, m, dtype, seed) => {
      const r = rng(seed);
      const src = data(dtype, outer * n * inner, r);
      const index = ints(outer * m * inner, r, 0, n - 1);
      const out = empty(dtype, index.length);
      B.gather(src, outer, n, inner, index, m, out);
      const expected: number[] = [];
      for (let o = 0; o < outer; o++) for (let j = 0; j < m; j++) for (let i = 0; i < inner; i++) expected.push(src[(o * n + index[(o * m + j) * inner + i]!) * inner + i]!);
      assertSameValues(out, expected, 'gather');
    }), { numRuns: 150 });
  });

  test('scatterAdd adds gy[o, j, i] into gx[o, index[o, j, i], i] (repeats accumulate)', () => {
    fc.assert(fc.property(sizeArb, nArb, sizeArb, sizeArb, seedArb, (outer, n, inner, m, seed) => {
      const r = rng(seed);
      const gy = floats(outer * m * inner, r, -2, 2);
      const index = ints(gy.length, r, 0, n - 1);
      const gx = floats(outer * n * inner, r, -1, 1);
      const expected = Array.from(gx);
      for (let o = 0; o < outer; o++) for (let j = 0; j < m; j++) for (let i = 0; i < inner; i++) {
        const at = (o * m + j) * inner + i;
        expected[(o * n + index[at]!) * inner + i]! += gy[at]!;
      }
      B.scatterAdd(gy, outer, n, inner, index, m, gx);
      assertNear(gx, expected, 1e-6, 1e-6, 'scatterAdd');
    }), { numRuns: 150 });
  });
});
