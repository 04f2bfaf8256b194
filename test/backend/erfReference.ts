/**
 * A high-precision erf for testing, independent of the backend's table method:
 * - |x| < 3: the Maclaurin series erf(x) = (2/sqrt(pi)) sum_n (-1)^n x^(2n+1) / (n! (2n+1)), summed
 *   exactly in 256-bit fixed point with BigInt (a double is exactly m * 2^e), so the alternating
 *   terms cancel without rounding error; one rounding at the end.
 * - |x| >= 3: erf = 1 - erfc with Laplace's continued fraction
 *   erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), in float64;
 *   erfc < 2.3e-5 there, so its relative error of ~1e-15 is far below 1e-20 absolute.
 */

const BITS = 256n;
const ONE = 1n << BITS;
// 2/sqrt(pi) to 37 significant digits (glibc's M_2_SQRTPIl)
const TWO_OVER_SQRT_PI = (BigInt('1128379167095512573896158903121545172') * ONE) / 10n ** 36n;

/** x * 2^256 exactly, as a BigInt (x finite, |x| >= 2^-200 or 0). */
function toFixed(x: number): bigint {
  if (x === 0) return 0n;
  // x = m * 2^e with m a 53-bit integer
  let e = Math.floor(Math.log2(Math.abs(x))) - 52;
  let m = x / 2 ** e;
  while (!Number.isInteger(m)) { e--; m = x / 2 ** e; }
  const shift = BigInt(e) + BITS;
  return shift >= 0n ? BigInt(m) << shift : BigInt(m) >> -shift;
}

function erfSeriesExact(x: number): number {
  const X = toFixed(x);
  const X2 = (X * X) >> BITS;
  let term = X; // x^(2n+1) / n!, in fixed point, with sign
  let sum = X;
  for (let n = 1n; n < 400n; n++) {
    term = -((term * X2) >> BITS) / n;
    if (term === 0n) break;
    sum += term / (2n * n + 1n);
  }
  const scaled = (sum * TWO_OVER_SQRT_PI) >> BITS;
  return Number(scaled) / 2 ** 256;
}

function erfcContinuedFraction(x: number): number {
  let f = x;
  for (let k = 200; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

export function erfReference(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return -1;
  const ax = Math.abs(x);
  if (ax < 1e-60) return x * 1.1283791670955126;
  const v = ax < 3 ? erfSeriesExact(ax) : 1 - erfcContinuedFraction(ax);
  return x < 0 ? -v : v;
}

/** erfc(x) for x >= 0 to double precision in relative terms (the series' complement, then the continued fraction). */
export function erfcReference(x: number): number {
  if (x < 0) return 2 - erfcReference(-x);
  if (x === Infinity) return 0;
  return x < 3 ? 1 - erfSeriesExact(x) : erfcContinuedFraction(x);
}
