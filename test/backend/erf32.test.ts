/** The float32 erf and normal CDF behind GELU, against the high-precision references, in float32 ulps. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from '../helpers/fc.js';
import { erf32, normalCdf } from '../../src/backend/js/erf32.js';
import { erfcReference, erfReference } from './erfReference.js';

/** The spacing of float32 numbers at |v| (the subnormal spacing near 0). */
export function ulp32(v: number): number {
  const a = Math.abs(Math.fround(v));
  if (a < 1.1754943508222875e-38) return 1.401298464324817e-45;
  const e = Math.floor(Math.log2(a));
  const u = 2 ** (e - 23);
  // log2 can round up at exact powers of two
  return a < 2 ** e ? u / 2 : u;
}

/** |fround(actual) - expected| in float32 ulps of expected. */
export function ulpError(actual: number, expected: number): number {
  return Math.abs(Math.fround(actual) - expected) / ulp32(expected);
}

function worst(xs: Iterable<number>, f: (x: number) => number, ref: (x: number) => number): { x: number; ulps: number } {
  let w = { x: NaN, ulps: 0 };
  for (const x of xs) {
    const e = ulpError(f(x), ref(x));
    if (!(e <= w.ulps)) w = { x, ulps: e };
  }
  return w;
}

function grid(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n + 1 }, (_, i) => Math.fround(lo + ((hi - lo) * i) / n));
}

/** The standard normal CDF from the references: erfc for the lower tail, so it has no cancellation. */
function cdfReference(x: number): number {
  return x < 0 ? 0.5 * erfcReference(-x * Math.SQRT1_2) : 1 - 0.5 * erfcReference(x * Math.SQRT1_2);
}

describe('erf32', () => {
  test('is within 1 float32 ulp of erf on a fine grid over [-7, 7] and at the region boundaries', () => {
    const xs = [...grid(-7, 7, 28000), ...grid(0.49, 0.51, 400), ...grid(-2.51, -2.49, 400), ...grid(9.9, 10.1, 100)];
    const w = worst(xs, erf32, erfReference);
    assert.ok(w.ulps <= 1, `worst ${w.ulps} ulp at x = ${w.x}`);
  });

  test('is within 1 float32 ulp of erf at random float32 inputs, tiny ones included', () => {
    fc.assert(fc.property(fc.oneof(fc.float({ min: -8, max: 8, noNaN: true }), fc.float({ min: Math.fround(-1e-6), max: Math.fround(1e-6), noNaN: true })), (x) => {
      const e = ulpError(erf32(x), erfReference(x));
      assert.ok(e <= 1, `erf32(${x}) = ${erf32(x)}, reference ${erfReference(x)}: ${e} ulp`);
    }), { numRuns: 2000 });
  });

  test('special values: odd, saturating at +-1, NaN propagates', () => {
    assert.equal(erf32(0), 0);
    assert.ok(Object.is(erf32(-0), -0));
    assert.equal(erf32(Infinity), 1);
    assert.equal(erf32(-Infinity), -1);
    assert.ok(Number.isNaN(erf32(NaN)));
    for (const x of [0.3, 1.7, 4.2]) assert.equal(erf32(-x), -erf32(x));
  });
});

describe('normalCdf', () => {
  test('keeps float32 relative accuracy deep into the lower tail (x down to -13), where 1 + erf cancels', () => {
    const w = worst(grid(-13, 6, 19000), normalCdf, cdfReference);
    assert.ok(w.ulps <= 1, `worst ${w.ulps} ulp at x = ${w.x}`);
  });

  test('limits: 0 and 1 at -+Infinity, 1/2 at 0', () => {
    assert.equal(normalCdf(-Infinity), 0);
    assert.equal(normalCdf(Infinity), 1);
    assert.equal(normalCdf(0), 0.5);
    assert.ok(Number.isNaN(normalCdf(NaN)));
  });
});
