/** layerNorm forward/backward against a float64 reference (backward by central differences of it). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from '../helpers/fc.js';
import { jsBackend as B } from '../../src/backend/index.js';
import { assertNear, floats, rng, seedArb } from './reference.js';

/** One row of layer norm in float64: (x - mean) / sqrt(biased var + eps) * w + b. */
function rowRef(x: ArrayLike<number>, w: ArrayLike<number> | null, b: ArrayLike<number> | null, eps: number): { y: number[]; mean: number; rstd: number } {
  const n = x.length;
  let mean = 0;
  for (let j = 0; j < n; j++) mean += x[j]!;
  mean /= n;
  let v = 0;
  for (let j = 0; j < n; j++) v += (x[j]! - mean) ** 2;
  const rstd = 1 / Math.sqrt(v / n + eps);
  const y = Array.from({ length: n }, (_, j) => (x[j]! - mean) * rstd * (w ? w[j]! : 1) + (b ? b[j]! : 0));
  return { y, mean, rstd };
}

const caseArb = fc.record({
  rows: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 6 }) }, { weight: 1, arbitrary: fc.constant(0) }),
  cols: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constant(17)),
  affine: fc.constantFrom('both', 'weight', 'bias', 'none'),
  eps: fc.constantFrom(1e-5, 1e-3, 0.1),
  seed: seedArb,
});

function setup(c: { rows: number; cols: number; affine: string; seed: number }) {
  const r = rng(c.seed);
  const x = floats(c.rows * c.cols, r, -3, 3);
  const w = c.affine === 'both' || c.affine === 'weight' ? floats(c.cols, r, -2, 2) : null;
  const b = c.affine === 'both' || c.affine === 'bias' ? floats(c.cols, r, -2, 2) : null;
  const gy = floats(x.length, r, -2, 2);
  return { x, w, b, gy };
}

describe('layerNorm kernel', () => {
  test('forward output, mean and rstd match the reference', () => {
    fc.assert(fc.property(caseArb, (c) => {
      const { x, w, b } = setup(c);
      const out = new Float32Array(x.length).fill(NaN);
      const mean = new Float32Array(c.rows).fill(NaN);
      const rstd = new Float32Array(c.rows).fill(NaN);
      B.layerNorm(x, w, b, c.rows, c.cols, c.eps, out, mean, rstd);
      const ey: number[] = [], em: number[] = [], er: number[] = [];
      for (let r = 0; r < c.rows; r++) {
        const ref = rowRef(x.subarray(r * c.cols, (r + 1) * c.cols), w, b, c.eps);
        ey.push(...ref.y); em.push(ref.mean); er.push(ref.rstd);
      }
      assertNear(out, ey, 1e-5, 1e-5, 'out');
      assertNear(mean, em, 1e-6, 1e-6, 'mean');
      assertNear(rstd, er, 1e-6, 0, 'rstd');
    }), { numRuns: 150 });
  });

  test('backward gx, gw, gb match the reference, and gw/gb are accumulated into', () => {
    fc.assert(fc.property(caseArb, (c) => {
      const { x, w, b, gy } = setup(c);
      const out = new Float32Array(x.length);
      const mean = new Float32Array(c.rows);
      const rstd = new Float32Array(c.rows);
      B.layerNorm(x, w, b, c.rows, c.cols, c.eps, out, mean, rstd);
      const gx = new Float32Array(x.length).fill(NaN);
      const r = rng(c.seed + 1);
      const gw0 = w ? floats(c.cols, r, -1, 1) : null;
      const gb0 = b ? floats(c.cols, r, -1, 1) : null;
      const gw = gw0 ? gw0.slice() : null;
      const gb = gb0 ? gb0.slice() : null;
      B.layerNormBackward(x, w, mean, rstd, gy, c.rows, c.cols, gx, gw, gb);

      const egx: number[] = [];
      const egw = gw0 ? Array.from(gw0) : [];
      const egb = gb0 ? Array.from(gb0) : [];
      for (let row = 0; row < c.rows; row++) {
        const xr = Array.from(x.subarray(row * c.cols, (row + 1) * c.cols));
        const g = gy.subarray(row * c.cols, (row + 1) * c.cols);
        const lossOf = (v: number[]) => rowRef(v, w, b, c.eps).y.reduce((s, y, j) => s + y * g[j]!, 0);
        for (let i = 0; i < c.cols; i++) {
          const h = 1e-6;
          const up = xr.slice(); up[i]! += h;
          const down = xr.slice(); down[i]! -= h;
          egx.push((lossOf(up) - lossOf(down)) / (2 * h));
        }
        const { mean: mu, rstd: rs } = rowRef(xr, null, null, c.eps);
        for (let j = 0; j < c.cols; j++) {
          if (gw0) egw[j]! += g[j]! * (xr[j]! - mu) * rs;
          if (gb0) egb[j]! += g[j]!;
        }
      }
      // rstd can reach 1/sqrt(eps) ~ 316, which scales gx
      const scale = Math.max(1, ...rstd);
      assertNear(gx, egx, 1e-4, 1e-5 * scale, 'gx');
      if (gw) assertNear(gw, egw, 1e-5, 1e-5, 'gw');
      if (gb) assertNear(gb, egb, 1e-6, 1e-6, 'gb');
    }), { numRuns: 150 });
  });

  test('a single column normalises to 0 (the bias) with rstd = 1/sqrt(eps)', () => {
    const out = new Float32Array(2);
    const mean = new Float32Array(2);
    const rstd = new Float32Array(2);
    B.layerNorm(new Float32Array([3, -1]), null, new Float32Array([0.5]), 2, 1, 0.25, out, mean, rstd);
    assert.deepEqual([...out], [0.5, 0.5]);
    assert.deepEqual([...mean], [3, -1]);
    assert.deepEqual([...rstd], [2, 2]);
  });
});
