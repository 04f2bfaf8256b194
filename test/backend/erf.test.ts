/** erf to double precision, against an exact-arithmetic series and a continued fraction. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from '../helpers/fc.js';
import { erf } from '../../src/backend/js/erf.js';
import { erfReference } from './erfReference.js';

const TOL = 1e-14;

function worstOn(xs: Iterable<number>): { x: number; err: number } {
  let worst = { x: NaN, err: 0 };
  for (const x of xs) {
    const err = Math.abs(erf(x) - erfReference(x));
    if (!(err <= worst.err)) worst = { x, err };
  }
  return worst;
}

describe('erf reference (sanity of the test oracle)', () => {
  test('matches published values of erf to 16 digits', () => {
    // Abramowitz & Stegun / DLMF values
    const known: [number, number][] = [
      [0.5, 0.5204998778130465377],
      [1, 0.8427007929497148693],
      [2, 0.9953222650189527342],
      [3, 0.9999779095030014146],
      [4, 0.9999999845827420997],
    ];
    for (const [x, v] of known) assert.ok(Math.abs(erfReference(x) - v) < 2e-16, `erf(${x}) reference ${erfReference(x)} vs ${v}`);
  });

  test('series and continued fraction agree where they meet (x = 3)', () => {
    // 2.9999999 uses the series, 3.0000001 the continued fraction; erf' = 2/sqrt(pi) e^-9 there
    const slope = 1.1283791670955126 * Math.exp(-9);
    const d = erfReference(3 + 1e-7) - erfReference(3 - 1e-7);
    assert.ok(Math.abs(d - 2e-7 * slope) < 1e-16);
  });
});

describe('erf', () => {
  test(`is within ${TOL} of the reference on a fine grid over [-7, 7]`, () => {
    const xs: number[] = [];
    for (let i = -7 * 300; i <= 7 * 300; i++) xs.push(i / 300);
    const w = worstOn(xs);
    assert.ok(w.err <= TOL, `worst error ${w.err} at x = ${w.x}`);
  });

  test('is accurate at its table nodes k/128 and at the midpoints between them (largest Taylor step)', () => {
    const xs: number[] = [];
    for (let k = 0; k <= 6 * 128; k++) xs.push(k / 128, (k + 0.5) / 128, -(k + 0.5) / 128);
    const w = worstOn(xs);
    assert.ok(w.err <= TOL, `worst error ${w.err} at x = ${w.x}`);
  });

  test('is accurate at random points in [-7, 7], tiny magnitudes included', () => {
    fc.assert(fc.property(fc.oneof(fc.double({ min: -7, max: 7, noNaN: true }), fc.double({ min: -1e-3, max: 1e-3, noNaN: true })), (x) => {
      const err = Math.abs(erf(x) - erfReference(x));
      assert.ok(err <= TOL && err <= 2e-16 + 2e-15 * Math.abs(erfReference(x)), `erf(${x}) = ${erf(x)}, reference ${erfReference(x)}`);
    }), { numRuns: 300 });
  });

  test('is odd: erf(-x) = -erf(x) exactly', () => {
    fc.assert(fc.property(fc.double({ min: Number.MIN_VALUE, max: 10, noNaN: true }), (x) => {
      assert.equal(erf(-x), -erf(x));
    }), { numRuns: 200 });
  });

  test('never exceeds 1 in magnitude (the table near 6 rounds above 1)', () => {
    for (let i = 0; i <= 4096; i++) {
      const x = 5 + (2 * i) / 4096;
      assert.ok(erf(x) <= 1 && erf(-x) >= -1, `erf(${x}) = ${erf(x)}`);
    }
  });

  test('special values: 0, +-Infinity, NaN, and saturation beyond 6', () => {
    assert.equal(erf(0), 0);
    assert.equal(erf(Infinity), 1);
    assert.equal(erf(-Infinity), -1);
    assert.ok(Number.isNaN(erf(NaN)));
    assert.equal(erf(6), 1);
    assert.equal(erf(-6.5), -1);
    assert.equal(erf(1e300), 1);
    // below 6, erf is not yet exactly 1 in double
    assert.ok(erf(5.8) < 1);
  });

  test('tiny arguments give 2x/sqrt(pi) to full relative precision', () => {
    for (const x of [1e-300, 1e-20, -3e-10, 5e-8]) {
      // erf(x) = (2/sqrt(pi)) (x - x^3/3 + ...)
      const expected = 1.1283791670955126 * (x - x ** 3 / 3);
      assert.ok(Math.abs(erf(x) - expected) <= 4e-16 * Math.abs(expected), `erf(${x}) = ${erf(x)}`);
    }
  });
});
