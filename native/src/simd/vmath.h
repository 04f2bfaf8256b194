// Vector math on the V/M operations of one ISA header (included after it, in the same namespace).
// The same code runs on every ISA, so the paths differ only in how many lanes they have.

// exp to about 1 ulp (Cephes expf): 2^n e^r with |r| <= ln2/2 and a degree-6 polynomial. The scale
// is applied in two halves, so results down to the subnormal range come out right.
static inline V vexp(V x) {
  const V hi = vset(88.72283935546875f), lo = vset(-103.972084045410156f);
  const M over = vgt(x, hi), under = vlt(x, lo), nan = visnan(x);
  V xc = vminps(vmaxps(x, lo), hi);
  V n = vround(xc * vset(1.44269504088896341f));
  V r = vfma(n, vset(-0.693359375f), xc);
  r = vfma(n, vset(2.12194440e-4f), r);
  V p = vset(1.9875691500e-4f);
  p = vfma(p, r, vset(1.3981999507e-3f));
  p = vfma(p, r, vset(8.3334519073e-3f));
  p = vfma(p, r, vset(4.1665795894e-2f));
  p = vfma(p, r, vset(1.6666665459e-1f));
  p = vfma(p, r, vset(5.0000001201e-1f));
  p = vfma(p * r, r, r + vset(1.0f));
  V n1 = vround(n * vset(0.5f) - vset(0.25f));  // floor(n / 2) for integral n
  V n2 = n - n1;
  V y = p * vpow2i(n1) * vpow2i(n2);
  y = vselect(over, vset(INFINITY), y);
  y = vselect(under, vset(0.0f), y);
  return vselect(nan, x, y);
}

// natural log to about 1 ulp (Cephes logf): x = m 2^e with m in [sqrt(1/2), sqrt 2), log(1 + f) by
// a degree-8 polynomial. 0 -> -inf, negative -> NaN, +inf -> +inf, subnormals scaled first.
static inline V vlog(V x) {
  const M tiny = vlt(x, vset(1.17549435e-38f));
  V xs = vselect(tiny, x * vset(8388608.0f), x);
  V e;
  V m = vfrexp(xs, &e);  // m in [1, 2)
  e = vselect(tiny, e - vset(23.0f), e);
  const M big = vgt(m, vset(1.41421356237f));
  m = vselect(big, m * vset(0.5f), m);
  e = vselect(big, e + vset(1.0f), e);
  V f = m - vset(1.0f);
  V z = f * f;
  V p = vset(7.0376836292e-2f);
  p = vfma(p, f, vset(-1.1514610310e-1f));
  p = vfma(p, f, vset(1.1676998740e-1f));
  p = vfma(p, f, vset(-1.2420140846e-1f));
  p = vfma(p, f, vset(1.4249322787e-1f));
  p = vfma(p, f, vset(-1.6668057665e-1f));
  p = vfma(p, f, vset(2.0000714765e-1f));
  p = vfma(p, f, vset(-2.4999993993e-1f));
  p = vfma(p, f, vset(3.3333331174e-1f));
  V y = p * f * z;
  y = vfma(e, vset(-2.12194440e-4f), y);
  y = vfma(z, vset(-0.5f), y);
  V r = f + y;
  r = vfma(e, vset(0.693359375f), r);
  r = vselect(veq(x, vset(0.0f)), vset(-INFINITY), r);
  r = vselect(vlt(x, vset(0.0f)), vset(NAN), r);
  r = vselect(veq(x, vset(INFINITY)), x, r);
  return vselect(visnan(x), x, r);
}

// The polynomials of src/backend/js/erf32.ts (scripts/erf_coefficients.py).
static inline V erfS(V u) {
  V p = vset(0.0046927425684239527f);
  p = vfma(p, u, vset(-0.026744298769546705f));
  p = vfma(p, u, vset(0.11282615691722507f));
  p = vfma(p, u, vset(-0.37612597776125142f));
  return vfma(p, u, vset(0.12837916466452739f));
}
static inline V erfB(V w) {
  V p = vset(0.0000025507262973461243f);
  p = vfma(p, w, vset(-0.0000092135939564597865f));
  p = vfma(p, w, vset(0.000022478658171512395f));
  p = vfma(p, w, vset(-0.00006976725018457889f));
  p = vfma(p, w, vset(0.00022332651282064091f));
  p = vfma(p, w, vset(-0.00066367098156715401f));
  p = vfma(p, w, vset(0.0018862352233382226f));
  p = vfma(p, w, vset(-0.0051454559098779347f));
  p = vfma(p, w, vset(0.013377302540543996f));
  p = vfma(p, w, vset(-0.032930966457768505f));
  p = vfma(p, w, vset(0.076151043933120085f));
  p = vfma(p, w, vset(-0.16362291563282952f));
  return vfma(p, w, vset(0.32158541639122969f));
}
static inline V erfC(V u) {
  V p = vset(-25.415471313502518f);
  p = vfma(p, u, vset(22.776475453807696f));
  p = vfma(p, u, vset(-10.060421161660838f));
  p = vfma(p, u, vset(3.2601519553099272f));
  p = vfma(p, u, vset(-1.0388859244276864f));
  p = vfma(p, u, vset(0.42266652564845833f));
  p = vfma(p, u, vset(-0.28208871483907818f));
  return vfma(p, u, vset(0.56418955432562188f));
}
// exp(-a^2) for a >= 0, with a^2 = h + l split exactly so the rounding of a^2 costs nothing
static inline V vexpNegSquare(V a, V half) {
  V h = a * a;
  V l = vfma(a, a, vneg(h));
  V e = vexp(vneg(h) * half);
  // e = 0 covers a = inf, where l is NaN
  return vselect(veq(e, vset(0.0f)), e, vfma(e, vneg(l) * half, e));
}

// erf to ~1 ulp: z + z S(z^2) below 1/2, else 1 - exp(-z^2) erfc-scaled(z)
static inline V verf(V x) {
  V a = vabs(x);
  V small = vfma(x, erfS(x * x), x);
  V t = vset(1.0f) / a;
  V scaled = vselect(vlt(a, vset(2.5f)), erfB(a - vset(1.5f)), t * erfC(t * t));
  V big = vset(1.0f) - vexpNegSquare(a, vset(1.0f)) * scaled;
  big = vselect(vge(a, vset(10.0f)), vset(1.0f), big);
  V r = vselect(vlt(a, vset(0.5f)), small, vcopysign(big, x));
  return vselect(visnan(x), x, r);
}

// The standard normal CDF and density pieces GELU needs: with z = x / sqrt 2,
// cdf = Phi(x), e = exp(-x^2 / 2) (returned for the density of the backward).
static inline V vnormalCdf(V x, V* eOut) {
  const V SQ = vset(0.70710678118654752f);
  V z = x * SQ;
  V az = vabs(z), ax = vabs(x);
  V small = vset(0.5f) + vset(0.5f) * vfma(z, erfS(z * z), z);
  V t = vset(1.41421356237309505f) / ax;
  V scaled = vselect(vlt(az, vset(2.5f)), erfB(vfma(ax, SQ, vset(-1.5f))), t * erfC(t * t));
  V e = vexpNegSquare(x, vset(0.5f));
  *eOut = e;
  V tail = vset(0.5f) * scaled * e;
  V cdf = vselect(vgt(x, vset(0.0f)), vset(1.0f) - tail, tail);
  return vselect(vlt(az, vset(0.5f)), small, cdf);
}

// GELU, x Phi(x); the lower tail as (x/2 * scaled) * e, so no intermediate goes subnormal early
static inline V vgelu(V x) {
  const V SQ = vset(0.70710678118654752f);
  V z = x * SQ;
  V az = vabs(z), ax = vabs(x);
  V hx = vset(0.5f) * x;
  V small = hx * (vset(1.0f) + vfma(z, erfS(z * z), z));
  V t = vset(1.41421356237309505f) / ax;
  V scaled = vselect(vlt(az, vset(2.5f)), erfB(vfma(ax, SQ, vset(-1.5f))), t * erfC(t * t));
  V e = vexpNegSquare(x, vset(0.5f));
  V pos = x * vfma(vset(-0.5f), scaled * e, vset(1.0f));
  V neg = (hx * scaled) * e;
  V r = vselect(vgt(x, vset(0.0f)), pos, neg);
  r = vselect(vlt(az, vset(0.5f)), small, r);
  return vselect(visnan(x), x, r);
}

static inline V vgeluBackward(V x, V gy) {
  V e;
  V cdf = vnormalCdf(x, &e);
  V d = vfma(x * vset(0.3989422804014327f), e, cdf);
  d = vselect(vge(vabs(x), vset(14.142135623730951f)), vselect(vgt(x, vset(0.0f)), vset(1.0f), vset(0.0f)), d);
  return vselect(visnan(x), x, gy * d);
}

static inline V vtanh(V x) {
  V a = vabs(x);
  // small: Cephes tanhf polynomial, large: 1 - 2 / (exp(2a) + 1)
  V z = x * x;
  V p = vset(-5.70498872745e-3f);
  p = vfma(p, z, vset(2.06390887954e-2f));
  p = vfma(p, z, vset(-5.37397155531e-2f));
  p = vfma(p, z, vset(1.33314422036e-1f));
  p = vfma(p, z, vset(-3.33332819422e-1f));
  V small = vfma(p * z, x, x);
  V big = vset(1.0f) - vset(2.0f) / (vexp(a + a) + vset(1.0f));
  V r = vselect(vlt(a, vset(0.625f)), small, vcopysign(big, x));
  return vselect(visnan(x), x, r);
}

static inline V vsigmoid(V x) {
  V e = vexp(vneg(vabs(x)));
  V s = vset(1.0f) / (vset(1.0f) + e);
  return vselect(vge(x, vset(0.0f)), s, vselect(visnan(x), x, e * s));
}
