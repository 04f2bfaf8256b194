/**
 * erf and the normal CDF to float32 accuracy, for GELU: cheaper than the double-precision erf of
 * erf.ts (no table, no series loop), and the same polynomials the native kernels evaluate in float32
 * (native/src/kernels/erf.h), fitted by scripts/erf_coefficients.py. In three regions of z = |x|:
 *   z < 1/2:        erf(z) = z + z S(z^2)
 *   1/2 <= z < 5/2: erfc(z) = exp(-z^2) B(z - 3/2)
 *   5/2 <= z < 10:  erfc(z) = exp(-z^2) t C(t^2), t = 1/z
 * Computed in double, the result is within 0.52 ulp of float32's correctly rounded erf. The lower
 * tail of the CDF is formed from erfc directly, so GELU keeps its relative accuracy for x << 0, where
 * 1 + erf(x / sqrt 2) would cancel.
 */

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;
const LOG2E = Math.LOG2E;
const LN2_HI = 0.6931471803691238; // ln 2 split so n * LN2_HI is exact for |n| < 2^20
const LN2_LO = 1.9082149292705877e-10;
/** 2^k for k = -160..0, so expNeg needs no bit manipulation. */
const POW2 = Float64Array.from({ length: 161 }, (_, i) => 2 ** (i - 160));

/**
 * exp(y) for -110 <= y <= 0 to about 1e-10 relative error: enough for float32 results, and about
 * three times faster in V8 than Math.exp, which GELU's two exponentials per element spend most
 * of their time in.
 */
function expNeg(y: number): number {
  const k = Math.round(y * LOG2E);
  const r = y - k * LN2_HI - k * LN2_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (0.16666666666666666 + r * (0.041666666666666664 + r * (0.008333333333333333 +
    r * (0.001388888888888889 + r * (0.0001984126984126984 + r * 0.0000248015873015873)))))));
  return p * POW2[k + 160]!;
}

/** erf(z)/z - 1 on z^2 in [0, 1/4]. */
function s(u: number): number {
  return 0.12837916466452739 + u * (-0.37612597776125142 + u * (0.11282615691722507 + u * (-0.026744298769546705 + u * 0.0046927425684239527)));
}

/** erfc(z) exp(z^2) for 1/2 <= z < 10. */
function erfcScaled(z: number): number {
  if (z < 2.5) {
    const w = z - 1.5;
    return 0.32158541639122969 + w * (-0.16362291563282952 + w * (0.076151043933120085 + w * (-0.032930966457768505 + w * (0.013377302540543996 +
      w * (-0.0051454559098779347 + w * (0.0018862352233382226 + w * (-0.00066367098156715401 + w * (0.00022332651282064091 +
      w * (-0.00006976725018457889 + w * (0.000022478658171512395 + w * (-0.0000092135939564597865 + w * 0.0000025507262973461243)))))))))));
  }
  const t = 1 / z;
  const u = t * t;
  return t * (0.56418955432562188 + u * (-0.28208871483907818 + u * (0.42266652564845833 + u * (-1.0388859244276864 + u * (3.2601519553099272 +
    u * (-10.060421161660838 + u * (22.776475453807696 + u * -25.415471313502518)))))));
}

/** erf(x), float32-accurate. */
export function erf32(x: number): number {
  const z = Math.abs(x);
  if (z < 0.5) return x + x * s(x * x);
  if (!(z < 10)) return x !== x ? NaN : x > 0 ? 1 : -1;
  const v = 1 - expNeg(-z * z) * erfcScaled(z);
  return x < 0 ? -v : v;
}

/** Phi(x) = (1 + erf(x / sqrt 2)) / 2, float32-accurate in relative terms in both tails. */
export function normalCdf(x: number): number {
  const z = x * SQRT1_2;
  const a = Math.abs(z);
  if (a < 0.5) return 0.5 + 0.5 * (z + z * s(z * z));
  if (!(a < 10)) return x !== x ? NaN : x > 0 ? 1 : 0;
  const tail = 0.5 * expNeg(-0.5 * x * x) * erfcScaled(a);
  return x > 0 ? 1 - tail : tail;
}

/** out = x Phi(x) (exact GELU). */
export function gelu(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v * normalCdf(v); }
}

/** gx = gy (Phi(x) + x phi(x)), one exponential per element shared by both terms. */
export function geluBackward(x: Float32Array, gy: Float32Array, gx: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const a = Math.abs(v) * SQRT1_2;
    if (!(a < 10)) {
      gx[i] = v !== v ? NaN : v > 0 ? gy[i]! : 0;
      continue;
    }
    const e = expNeg(-0.5 * v * v);
    let cdf: number;
    if (a < 0.5) { const z = v * SQRT1_2; cdf = 0.5 + 0.5 * (z + z * s(z * z)); }
    else { const tail = 0.5 * e * erfcScaled(a); cdf = v > 0 ? 1 - tail : tail; }
    gx[i] = gy[i]! * (cdf + v * INV_SQRT_2PI * e);
  }
}
