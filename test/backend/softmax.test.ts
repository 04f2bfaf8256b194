/** softmax / logSoftmax and their backward passes against float64 references. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from '../helpers/fc.js';
import { jsBackend as B } from '../../src/backend/index.js';
import { assertNear, floats, rng, seedArb, type Rng } from './reference.js';

const sizeArb = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 7 }) }, { weight: 1, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(17) });

/** Logits with a shared large offset now and then (stability) and occasional -Infinity (masking). */
function logits(size: number, r: Rng): Float32Array {
  const shift = r() < 0.3 ? (r() < 0.5 ? 500 : -500) : 0;
  return floats(size, r, -8, 8).map((v) => (r() < 0.1 ? -Infinity : v + shift));
}

/** Calls fn with the positions of each [outer, :, inner] line. */
function forEachLine(outer: number, n: number, inner: number, fn: (at: number[]) => void): void {
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) fn(Array.from({ length: n }, (_, j) => (o * n + j) * inner + i));
}

function softmaxRef(x: ArrayLike<number>, outer: number, n: number, inner: number, log: boolean): number[] {
  const out = new Array<number>(x.length);
  forEachLine(outer, n, inner, (at) => {
    const v = at.map((p) => x[p]!);
    const mx = Math.max(...v);
    if (mx === -Infinity) { for (const p of at) out[p] = NaN; return; }
    const s = v.reduce((acc, z) => acc + Math.exp(z - mx), 0);
    at.forEach((p, j) => (out[p] = log ? v[j]! - mx - Math.log(s) : Math.exp(v[j]! - mx) / s));
  });
  return out;
}

describe('softmax kernels', () => {
  for (const log of [false, true]) {
    const name = log ? 'logSoftmax' : 'softmax';
    test(`${name} matches the float64 reference (large offsets and -Infinity included)`, () => {
      fc.assert(fc.property(sizeArb, sizeArb, sizeArb, seedArb, (outer, n, inner, seed) => {
        const x = logits(outer * n * inner, rng(seed));
        const out = new Float32Array(x.length).fill(12345);
        (log ? B.logSoftmax : B.softmax)(x, outer, n, inner, out);
        assertNear(out, softmaxRef(x, outer, n, inner, log), log ? 1e-6 : 2e-6, log ? 2e-6 : 1e-12, name);
      }), { numRuns: 150 });
    });

    test(`${name} of a fully -Infinity line is NaN, as in PyTorch`, () => {
      const x = new Float32Array([-Infinity, -Infinity, -Infinity, 1, 2, 3]);
      const out = new Float32Array(6);
      (log ? B.logSoftmax : B.softmax)(x, 2, 3, 1, out);
      for (let j = 0; j < 3; j++) assert.ok(Number.isNaN(out[j]!), `element ${j}`);
      for (let j = 3; j < 6; j++) assert.ok(Number.isFinite(out[j]!), `element ${j}`);
    });
  }

  test('softmax lines sum to 1', () => {
    const r = rng(9);
    const x = floats(5 * 7 * 3, r, -20, 20);
    const out = new Float32Array(x.length);
    B.softmax(x, 5, 7, 3, out);
    forEachLine(5, 7, 3, (at) => assert.ok(Math.abs(at.reduce((s, p) => s + out[p]!, 0) - 1) < 1e-6));
  });

  test('softmax backward: gx = J^T gy with J_ij = s_i (delta_ij - s_j)', () => {
    fc.assert(fc.property(sizeArb, sizeArb, sizeArb, seedArb, (outer, n, inner, seed) => {
      const r = rng(seed);
      const x = floats(outer * n * inner, r, -4, 4);
      const gy = floats(x.length, r, -2, 2);
      const y = new Float32Array(x.length);
      B.softmax(x, outer, n, inner, y);
      const gx = new Float32Array(x.length).fill(12345);
      B.softmaxBackward(y, gy, outer, n, inner, gx);
      const s = softmaxRef(x, outer, n, inner, false);
      const expected = new Array<number>(x.length);
      forEachLine(outer, n, inner, (at) => {
        at.forEach((pj, j) => {
          let acc = 0;
          at.forEach((pi, i) => (acc += gy[pi]! * s[pi]! * ((i === j ? 1 : 0) - s[pj]!)));
          expected[pj] = acc;
        });
      });
      assertNear(gx, expected, 1e-5, 1e-6, 'softmaxBackward');
    }), { numRuns: 150 });
  });

  test('logSoftmax backward: gx_j = gy_j - softmax_j sum_i gy_i', () => {
    fc.assert(fc.property(sizeArb, sizeArb, sizeArb, seedArb, (outer, n, inner, seed) => {
      const r = rng(seed);
      const x = floats(outer * n * inner, r, -4, 4);
      const gy = floats(x.length, r, -2, 2);
      const y = new Float32Array(x.length);
      B.logSoftmax(x, outer, n, inner, y);
      const gx = new Float32Array(x.length).fill(12345);
      B.logSoftmaxBackward(y, gy, outer, n, inner, gx);
      const s = softmaxRef(x, outer, n, inner, false);
      const expected = new Array<number>(x.length);
      forEachLine(outer, n, inner, (at) => {
        const total = at.reduce((acc, p) => acc + gy[p]!, 0);
        at.forEach((p) => (expected[p] = gy[p]! - s[p]! * total));
      });
      assertNear(gx, expected, 1e-5, 2e-6, 'logSoftmaxBackward');
    }), { numRuns: 150 });
  });
});
