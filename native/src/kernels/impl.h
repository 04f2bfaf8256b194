// The contiguous kernels, written once against the V/M vector operations (simd/*.h) and compiled
// once per instruction set by isa_*.cpp, each in its own namespace and target region. No includes
// here: the including file has them all before its target pragma. Semantics follow the JS
// reference kernels (src/backend/js/*.ts) line for line; where those compute in double, these use
// float vectors and double only for running sums.

static inline V ld(const float* p, int c) { return c == W ? vload(p) : vloadn(p, c); }
static inline void st(float* p, V v, int c) {
  if (c == W) vstore(p, v);
  else vstoren(p, v, c);
}

template <class F>
static inline void map1(const float* x, float* y, int64_t n, F f) {
  int64_t i = 0;
  for (; i + W <= n; i += W) vstore(y + i, f(vload(x + i)));
  if (i < n) st(y + i, f(vloadn(x + i, int(n - i))), int(n - i));
}

template <class F>
static inline void map2(const float* a, const float* b, float* y, int64_t n, F f) {
  int64_t i = 0;
  for (; i + W <= n; i += W) vstore(y + i, f(vload(a + i), vload(b + i)));
  if (i < n) {
    const int c = int(n - i);
    st(y + i, f(vloadn(a + i, c), vloadn(b + i, c)), c);
  }
}

template <class F>
static inline void map3(const float* a, const float* b, const float* d, float* y, int64_t n, F f) {
  int64_t i = 0;
  for (; i + W <= n; i += W) vstore(y + i, f(vload(a + i), vload(b + i), vload(d + i)));
  if (i < n) {
    const int c = int(n - i);
    st(y + i, f(vloadn(a + i, c), vloadn(b + i, c), vloadn(d + i, c)), c);
  }
}

// 0.5 x (1 + tanh(u)) = x sigmoid(2u): no cancellation in the lower tail
static inline V geluTanhV(V v) {
  const V c = vset(0.7978845608028654f);
  V inner = c * vfma(vset(0.044715f) * v * v, v, v);
  return v * vsigmoid(inner + inner);
}

static void unaryK(int op, const float* x, float* y, int64_t n) {
  const V zero = vset(0.0f), one = vset(1.0f);
  switch (op) {
    case U_NEG: map1(x, y, n, [](V a) { return vneg(a); }); return;
    case U_ABS: map1(x, y, n, [](V a) { return vabs(a); }); return;
    case U_EXP: map1(x, y, n, [](V a) { return vexp(a); }); return;
    case U_LOG: map1(x, y, n, [](V a) { return vlog(a); }); return;
    case U_SQRT: map1(x, y, n, [](V a) { return vsqrt(a); }); return;
    case U_RSQRT: map1(x, y, n, [&](V a) { return one / vsqrt(a); }); return;
    case U_TANH: map1(x, y, n, [](V a) { return vtanh(a); }); return;
    case U_SIGMOID: map1(x, y, n, [](V a) { return vsigmoid(a); }); return;
    // NaN propagates, as in PyTorch
    case U_RELU: map1(x, y, n, [&](V a) { return vselect(mor(vgt(a, zero), visnan(a)), a, zero); }); return;
    case U_GELU: map1(x, y, n, [](V a) { return vgelu(a); }); return;
    case U_GELU_TANH: map1(x, y, n, [](V a) { return geluTanhV(a); }); return;
    case U_ERF: map1(x, y, n, [](V a) { return verf(a); }); return;
    case U_SIGN:
      map1(x, y, n, [&](V a) { return vselect(vgt(a, zero), one, vselect(vlt(a, zero), vneg(one), a)); });
      return;
    case U_SIN: for (int64_t i = 0; i < n; i++) y[i] = float(std::sin(double(x[i]))); return;
    case U_COS: for (int64_t i = 0; i < n; i++) y[i] = float(std::cos(double(x[i]))); return;
    case U_SQUARE: map1(x, y, n, [](V a) { return a * a; }); return;
    case U_RECIPROCAL: map1(x, y, n, [&](V a) { return one / a; }); return;
  }
}

static void unaryBackwardK(int op, const float* x, const float* y, const float* gy, float* gx, int64_t n) {
  const V zero = vset(0.0f), one = vset(1.0f);
  switch (op) {
    case U_NEG: map1(gy, gx, n, [](V g) { return vneg(g); }); return;
    case U_ABS:
      map2(x, gy, gx, n, [&](V v, V g) { return vselect(vgt(v, zero), g, vselect(vlt(v, zero), vneg(g), zero)); });
      return;
    case U_EXP: map2(y, gy, gx, n, [](V r, V g) { return g * r; }); return;
    case U_LOG: map2(x, gy, gx, n, [](V v, V g) { return g / v; }); return;
    case U_SQRT: map2(y, gy, gx, n, [](V r, V g) { return g / (vset(2.0f) * r); }); return;
    case U_RSQRT: map2(y, gy, gx, n, [](V r, V g) { return vset(-0.5f) * g * r * r * r; }); return;
    case U_TANH: map2(y, gy, gx, n, [&](V t, V g) { return g * (one - t * t); }); return;
    case U_SIGMOID: map2(y, gy, gx, n, [&](V s, V g) { return g * s * (one - s); }); return;
    case U_RELU: map2(y, gy, gx, n, [&](V r, V g) { return vselect(vgt(r, zero), g, zero); }); return;
    case U_GELU: map2(x, gy, gx, n, [](V v, V g) { return vgeluBackward(v, g); }); return;
    case U_GELU_TANH:
      map2(x, gy, gx, n, [&](V v, V g) {
        const V c = vset(0.7978845608028654f);
        V inner = c * vfma(vset(0.044715f) * v * v, v, v);
        V t = vtanh(inner);
        V dInner = c * vfma(vset(3.0f * 0.044715f) * v, v, one);
        return g * (vset(0.5f) * (one + t) + vset(0.5f) * v * (one - t * t) * dInner);
      });
      return;
    case U_ERF:
      map2(x, gy, gx, n, [](V v, V g) { return g * vset(1.1283791670955126f) * vexpNegSquare(vabs(v), vset(1.0f)); });
      return;
    case U_SIGN: for (int64_t i = 0; i < n; i++) gx[i] = 0.0f; return;
    case U_SIN: for (int64_t i = 0; i < n; i++) gx[i] = float(double(gy[i]) * std::cos(double(x[i]))); return;
    case U_COS: for (int64_t i = 0; i < n; i++) gx[i] = float(-double(gy[i]) * std::sin(double(x[i]))); return;
    case U_SQUARE: map2(x, gy, gx, n, [](V v, V g) { return vset(2.0f) * g * v; }); return;
    case U_RECIPROCAL: map2(y, gy, gx, n, [](V r, V g) { return vneg(g) * r * r; }); return;
  }
}

// PyTorch's maximum/minimum propagate NaN from either side; otherwise x > y ? x : y as in JS
static inline V maxNan(V a, V b) { return vselect(mor(visnan(a), visnan(b)), vset(NAN), vselect(vgt(a, b), a, b)); }
static inline V minNan(V a, V b) { return vselect(mor(visnan(a), visnan(b)), vset(NAN), vselect(vlt(a, b), a, b)); }

template <class F>
static inline void binaryLoop(const float* a, int64_t as, const float* b, int64_t bs, float* out, int64_t n, F f) {
  if (as == 1 && bs == 1) { map2(a, b, out, n, f); return; }
  if (as == 1) {
    const V s = vset(b[0]);
    map1(a, out, n, [&](V x) { return f(x, s); });
    return;
  }
  if (bs == 1) {
    const V s = vset(a[0]);
    map1(b, out, n, [&](V x) { return f(s, x); });
    return;
  }
  const V r = f(vset(a[0]), vset(b[0]));
  float v[ANNEAL_SIMD_WIDTH];
  vstore(v, r);
  for (int64_t i = 0; i < n; i++) out[i] = v[0];
}

static void binaryRowK(int op, const float* a, int64_t as, const float* b, int64_t bs, float* out, int64_t n) {
  switch (op) {
    case B_ADD: binaryLoop(a, as, b, bs, out, n, [](V x, V y) { return x + y; }); return;
    case B_SUB: binaryLoop(a, as, b, bs, out, n, [](V x, V y) { return x - y; }); return;
    case B_MUL: binaryLoop(a, as, b, bs, out, n, [](V x, V y) { return x * y; }); return;
    case B_DIV: binaryLoop(a, as, b, bs, out, n, [](V x, V y) { return x / y; }); return;
    case B_MAX: binaryLoop(a, as, b, bs, out, n, [](V x, V y) { return maxNan(x, y); }); return;
    case B_MIN: binaryLoop(a, as, b, bs, out, n, [](V x, V y) { return minNan(x, y); }); return;
    case B_POW:
      if (bs == 0 && b[0] == 2.0f) {
        for (int64_t i = 0; i < n; i++) { const float v = a[i * as]; out[i] = v * v; }
        return;
      }
      // in double, as Math.pow
      for (int64_t i = 0; i < n; i++) out[i] = float(std::pow(double(a[i * as]), double(b[i * bs])));
      return;
  }
}

static void clampK(const float* x, float lo, float hi, float* out, int64_t n) {
  const V l = vset(lo), h = vset(hi);
  const bool loAboveHi = lo > hi;
  map1(x, out, n, [&](V v) {
    // min(max(v, lo), hi): hi wins when lo > hi; NaN stays NaN
    V r = vselect(vgt(v, h), h, vselect(vlt(v, l), loAboveHi ? h : l, v));
    return vselect(visnan(v), v, r);
  });
}

static void clampBackwardK(const float* x, float lo, float hi, const float* gy, float* gx, int64_t n) {
  const V l = vset(lo), h = vset(hi), zero = vset(0.0f);
  map2(x, gy, gx, n, [&](V v, V g) { return vselect(mand(vge(v, l), vle(v, h)), g, zero); });
}

// Running sums: float vectors over blocks of 64 elements, each block's total added in double.
template <class F>
static inline double blockSum(const float* x, int64_t n, F f) {
  double total = 0;
  int64_t i = 0;
  while (i < n) {
    const int64_t end = i + 64 < n ? i + 64 : n;
    V acc = vset(0.0f);
    for (; i + W <= end; i += W) acc = acc + f(vload(x + i));
    if (i < end) {
      acc = acc + vselect(vtail(int(end - i)), f(vloadn(x + i, int(end - i))), vset(0.0f));
      i = end;
    }
    total += double(vhsum(acc));
  }
  return total;
}

static double sumRowK(const float* x, int64_t n) { return blockSum(x, n, [](V v) { return v; }); }
static double sumSquaresRowK(const float* x, int64_t n) { return blockSum(x, n, [](V v) { return v * v; }); }
static double sumAbsRowK(const float* x, int64_t n) { return blockSum(x, n, [](V v) { return vabs(v); }); }

static float maxAbsRowK(const float* x, int64_t n) {
  V acc = vset(0.0f);
  M nan = vtail(0);
  int64_t i = 0;
  for (; i + W <= n; i += W) {
    V v = vload(x + i);
    nan = mor(nan, visnan(v));
    acc = vmaxps(vabs(v), acc);
  }
  if (i < n) {
    V v = vloadn(x + i, int(n - i));
    nan = mor(nan, visnan(v));
    acc = vmaxps(vabs(v), acc);
  }
  return many(nan) ? NAN : vhmax(acc);
}

static void accumulateRowK(double* acc, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; i++) acc[i] += double(x[i]);
}

static void scaleRowK(float* x, float s, int64_t n) {
  const V f = vset(s);
  map1(x, x, n, [&](V v) { return v * f; });
}

static float rowMax(const float* x, int64_t n) {
  // vmaxps(x, acc) returns acc when x is NaN: NaN never becomes the max, as in the JS loop
  V acc = vset(-INFINITY);
  int64_t i = 0;
  for (; i + W <= n; i += W) acc = vmaxps(vload(x + i), acc);
  float m = vhmax(acc);
  for (; i < n; i++) if (x[i] > m) m = x[i];
  return m;
}

static void softmaxRowK(const float* x, float* y, int64_t n) {
  float mx = rowMax(x, n);
  if (mx == -INFINITY) mx = 0;  // a fully masked row gives NaN below, as in PyTorch
  const V m = vset(mx);
  V acc = vset(0.0f);
  int64_t i = 0;
  for (; i + W <= n; i += W) {
    V e = vexp(vload(x + i) - m);
    vstore(y + i, e);
    acc = acc + e;
  }
  float s = vhsum(acc);
  if (i < n) {
    const int c = int(n - i);
    V e = vexp(vloadn(x + i, c) - m);
    st(y + i, e, c);
    float t[ANNEAL_SIMD_WIDTH];
    vstore(t, e);
    for (int k = 0; k < c; k++) s += t[k];
  }
  scaleRowK(y, 1.0f / s, n);
}

static void logSoftmaxRowK(const float* x, float* y, int64_t n) {
  float mx = rowMax(x, n);
  if (mx == -INFINITY) mx = 0;
  const V m = vset(mx);
  const double s = blockSum(x, n, [&](V v) { return vexp(v - m); });
  // x - lse in double: a float lse would cost half its ulp in every entry near 0
  const double lse = double(mx) + std::log(s);
  for (int64_t i = 0; i < n; i++) y[i] = float(double(x[i]) - lse);
}

static void softmaxBackwardRowK(const float* y, const float* gy, float* gx, int64_t n) {
  V acc = vset(0.0f);
  int64_t i = 0;
  for (; i + W <= n; i += W) acc = vfma(vload(y + i), vload(gy + i), acc);
  if (i < n) acc = vfma(vloadn(y + i, int(n - i)), vloadn(gy + i, int(n - i)), acc);
  const V dot = vset(vhsum(acc));
  map2(y, gy, gx, n, [&](V r, V g) { return r * (g - dot); });
}

static void logSoftmaxBackwardRowK(const float* y, const float* gy, float* gx, int64_t n) {
  const V s = vset(float(sumRowK(gy, n)));
  map2(y, gy, gx, n, [&](V r, V g) { return g - vexp(r) * s; });
}

static void layerNormRowK(const float* x, const float* w, const float* b, int64_t n, float eps, float* out, float* meanOut, float* rstdOut) {
  const double mu = sumRowK(x, n) / double(n);
  const V m = vset(float(mu));
  const double var = blockSum(x, n, [&](V v) { V d = v - m; return d * d; }) / double(n);
  const float rs = float(1.0 / std::sqrt(var + double(eps)));
  *meanOut = float(mu);
  *rstdOut = rs;
  const V r = vset(rs);
  int64_t i = 0;
  for (; i < n; i += W) {
    const int c = i + W <= n ? W : int(n - i);
    V y = (ld(x + i, c) - m) * r;
    if (w) y = y * ld(w + i, c);
    if (b) y = y + ld(b + i, c);
    st(out + i, y, c);
  }
}

static void layerNormBackwardRowK(const float* x, const float* w, float mean, float rstd, const float* gy, int64_t n, float* gx, float* gw, float* gb) {
  // with xhat = (x - mu) * rs and g = gy * w:  gx = rs * (g - mean(g) - xhat * mean(g * xhat))
  const V m = vset(mean), r = vset(rstd);
  V sumG = vset(0.0f), sumGX = vset(0.0f);
  for (int64_t i = 0; i < n; i += W) {
    const int c = i + W <= n ? W : int(n - i);
    V g0 = ld(gy + i, c);
    V xhat = (ld(x + i, c) - m) * r;
    V g = w ? g0 * ld(w + i, c) : g0;
    sumG = sumG + g;
    sumGX = vfma(g, xhat, sumGX);
    if (gw) st(gw + i, vfma(g0, xhat, ld(gw + i, c)), c);
    if (gb) st(gb + i, ld(gb + i, c) + g0, c);
  }
  const V meanG = vset(vhsum(sumG) / float(n)), meanGX = vset(vhsum(sumGX) / float(n));
  for (int64_t i = 0; i < n; i += W) {
    const int c = i + W <= n ? W : int(n - i);
    V xhat = (ld(x + i, c) - m) * r;
    V g = w ? ld(gy + i, c) * ld(w + i, c) : ld(gy + i, c);
    st(gx + i, r * (g - meanG - xhat * meanGX), c);
  }
}

static void crossEntropyRowK(const float* z, int64_t C, int32_t y, bool ignored, double base, double extra, float* loss, float* lseOut) {
  const float mx = rowMax(z, C);
  const V m = vset(mx);
  const double s = blockSum(z, C, [&](V v) { return vexp(v - m); });
  const double lse = double(mx) + std::log(s);
  *lseOut = float(lse);
  if (ignored) { *loss = 0; return; }
  // -sum_c q_c (z_c - lse) = -(base * (sum z - C lse) + extra * (z_y - lse))
  double l = -extra * (double(z[y]) - lse);
  if (base != 0) l -= base * (sumRowK(z, C) - double(C) * lse);
  *loss = float(l);
}

static void crossEntropyBackwardRowK(const float* z, int64_t C, int32_t y, float lse, float g, double base, double extra, float* gx) {
  // lse was rounded to float32; dividing by the row's sum of exp(z - lse) cancels that common factor
  const V l = vset(lse);
  V acc = vset(0.0f);
  int64_t i = 0;
  for (; i < C; i += W) {
    const int c = i + W <= C ? W : int(C - i);
    V e = vexp(ld(z + i, c) - l);
    st(gx + i, e, c);
    acc = acc + (c == W ? e : vselect(vtail(c), e, vset(0.0f)));
  }
  const double s = double(vhsum(acc));
  const double scale = double(g) / s;
  const V sc = vset(float(scale)), shift = vset(float(-double(g) * base));
  const float ey = gx[y];
  map1(gx, gx, C, [&](V e) { return vfma(sc, e, shift); });
  gx[y] = float(scale * double(ey) - double(g) * (base + extra));
}

static void dropoutApplyK(const float* x, const uint8_t* keep, float scale, float* out, int64_t n) {
  const V s = vset(scale), zero = vset(0.0f);
  int64_t i = 0;
  for (; i + W <= n; i += W) vstore(out + i, vload(x + i) * vselect(vkeep(keep + i), s, zero));
  if (i < n) {
    const int c = int(n - i);
    st(out + i, vloadn(x + i, c) * vselect(vkeepn(keep + i, c), s, zero), c);
  }
}

static void attentionRowK(float* row, int64_t n, float scale, const float* mask, int64_t ms, int64_t visible) {
  const V sc = vset(scale);
  if (mask && ms != 0 && ms != 1) {
    for (int64_t j = 0; j < n; j++) row[j] = row[j] * scale + mask[j * ms];
  } else if (mask) {
    const V mb = vset(mask[0]);
    for (int64_t i = 0; i < n; i += W) {
      const int c = i + W <= n ? W : int(n - i);
      st(row + i, ld(row + i, c) * sc + (ms == 1 ? ld(mask + i, c) : mb), c);
    }
  } else {
    map1(row, row, n, [&](V v) { return v * sc; });
  }
  if (visible < 0) visible = 0;
  if (visible > n) visible = n;
  for (int64_t j = visible; j < n; j++) row[j] = 0.0f;
  float mx = rowMax(row, visible);
  if (mx == -INFINITY) mx = 0;
  const V m = vset(mx);
  V acc = vset(0.0f);
  for (int64_t i = 0; i < visible; i += W) {
    const int c = i + W <= visible ? W : int(visible - i);
    V e = vexp(ld(row + i, c) - m);
    st(row + i, e, c);
    acc = acc + (c == W ? e : vselect(vtail(c), e, vset(0.0f)));
  }
  const float s = vhsum(acc);
  if (!(s > 0)) {
    // every key hidden (0/0) or a NaN score: the whole row is NaN, as the softmax of such a row
    for (int64_t j = 0; j < n; j++) row[j] = NAN;
    return;
  }
  scaleRowK(row, 1.0f / s, visible);
}

static void attentionBackwardRowK(const float* w, float* g, const uint8_t* keep, float ds, int64_t n) {
  const V d = vset(ds), zero = vset(0.0f);
  V acc = vset(0.0f);
  for (int64_t i = 0; i < n; i += W) {
    const int c = i + W <= n ? W : int(n - i);
    V gi = ld(g + i, c);
    if (keep) gi = gi * vselect(c == W ? vkeep(keep + i) : vkeepn(keep + i, c), d, zero);
    st(g + i, gi, c);
    acc = vfma(ld(w + i, c), gi, acc);
  }
  const V dot = vset(vhsum(acc));
  map2(w, g, g, n, [&](V wi, V gi) { return wi * (gi - dot); });
}

static void droppedRowK(const float* w, const uint8_t* keep, float ds, float* out, int64_t n) {
  dropoutApplyK(w, keep, ds, out, n);
}

#if ANNEAL_SIMD_WIDTH == 16
static inline __m512i rotl16(__m512i x, int k) { return _mm512_or_si512(_mm512_slli_epi32(x, k), _mm512_srli_epi32(x, 32 - k)); }

static inline __m512i xoshiroStep(__m512i& s0, __m512i& s1, __m512i& s2, __m512i& s3) {
  // result = rotl(s1 * 5, 7) * 9, by shifts and adds
  __m512i r = rotl16(_mm512_add_epi32(s1, _mm512_slli_epi32(s1, 2)), 7);
  r = _mm512_add_epi32(r, _mm512_slli_epi32(r, 3));
  const __m512i t = _mm512_slli_epi32(s1, 9);
  s2 = _mm512_xor_si512(s2, s0);
  s3 = _mm512_xor_si512(s3, s1);
  s1 = _mm512_xor_si512(s1, s2);
  s0 = _mm512_xor_si512(s0, s3);
  s2 = _mm512_xor_si512(s2, t);
  s3 = rotl16(s3, 11);
  return r;
}

// Sixteen steps of the 16 streams: four dwords per lane (its next 16 keep bytes), transposed in
// 4 x 4 blocks so each lane's bytes are one 16-byte store into its segment.
static void bernoulli16K(uint32_t state[4][16], int64_t len, uint32_t threshold, uint8_t* keep, int64_t stride) {
  __m512i s0 = _mm512_loadu_si512(state[0]), s1 = _mm512_loadu_si512(state[1]);
  __m512i s2 = _mm512_loadu_si512(state[2]), s3 = _mm512_loadu_si512(state[3]);
  const __m512i thr = _mm512_set1_epi32(int(threshold));
  for (int64_t i = 0; i < len; i += 16) {
    __m512i v[4];
    for (int q = 0; q < 4; q++) {
      __m512i bytes = _mm512_setzero_si512();
      for (int step = 0; step < 4; step++) {
        const __m512i r = xoshiroStep(s0, s1, s2, s3);
        const __mmask16 kept = _mm512_cmplt_epu32_mask(_mm512_srli_epi32(r, 8), thr);
        bytes = _mm512_mask_or_epi32(bytes, kept, bytes, _mm512_set1_epi32(1 << (8 * step)));
      }
      v[q] = bytes;
    }
    const __m512i t0 = _mm512_unpacklo_epi32(v[0], v[1]), t1 = _mm512_unpackhi_epi32(v[0], v[1]);
    const __m512i t2 = _mm512_unpacklo_epi32(v[2], v[3]), t3 = _mm512_unpackhi_epi32(v[2], v[3]);
    const __m512i r[4] = {_mm512_unpacklo_epi64(t0, t2), _mm512_unpackhi_epi64(t0, t2), _mm512_unpacklo_epi64(t1, t3), _mm512_unpackhi_epi64(t1, t3)};
    for (int m = 0; m < 4; m++) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(keep + (0 + m) * stride + i), _mm512_extracti32x4_epi32(r[m], 0));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(keep + (4 + m) * stride + i), _mm512_extracti32x4_epi32(r[m], 1));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(keep + (8 + m) * stride + i), _mm512_extracti32x4_epi32(r[m], 2));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(keep + (12 + m) * stride + i), _mm512_extracti32x4_epi32(r[m], 3));
    }
  }
  _mm512_storeu_si512(state[0], s0); _mm512_storeu_si512(state[1], s1);
  _mm512_storeu_si512(state[2], s2); _mm512_storeu_si512(state[3], s3);
}
#define BERNOULLI16 bernoulli16K
#else
#define BERNOULLI16 nullptr
#endif

// The update of ops/optim.cpp's reference, one double operation rounded to float per PyTorch float32
// operation (products of floats are exact in double; -ffp-contract=off keeps them unfused); written
// branch-free so the compiler vectorises it for this ISA without changing a bit.
static inline float fma32(float a, float b, float c) { return float(double(a) + double(b) * double(c)); }
static inline float mul32(float a, float b) { return float(double(a) * double(b)); }

static void adamRangeK(float* param, const float* grad, float* expAvg, float* expAvgSq, float* maxExpAvgSq, int64_t n, const AdamScalars& s,
                       float stepSize, float bc2) {
  const float sign = s.maximize ? -1.0f : 1.0f;
  for (int64_t i = 0; i < n; i++) {
    float g = grad[i] * sign;
    float p = param[i];
    if (s.decoupled) {
      if (s.decay) p = mul32(p, s.decayFactor);
    } else if (s.decay) {
      g = fma32(g, s.wd, p);
    }
    const float m = fma32(mul32(expAvg[i], s.beta1), s.oneMinusBeta1, g);
    const float v = fma32(mul32(expAvgSq[i], s.beta2), mul32(s.oneMinusBeta2, g), g);
    expAvg[i] = m;
    expAvgSq[i] = v;
    float second = v;
    if (maxExpAvgSq) {
      // Math.max: NaN if either is NaN (both are >= 0 otherwise, so no signed zeros to order)
      const float old = maxExpAvgSq[i];
      second = (old != old || v != v) ? NAN : (old > v ? old : v);
      maxExpAvgSq[i] = second;
    }
    const float root = float(std::sqrt(double(second)));
    const float denom = float(double(float(double(root) / double(bc2))) + double(s.eps));
    param[i] = float(double(p) + double(float(double(mul32(stepSize, m)) / double(denom))));
  }
}

static const KernelTable table = {
  ISA_NAME, unaryK, unaryBackwardK, binaryRowK, clampK, clampBackwardK,
  sumRowK, accumulateRowK, sumSquaresRowK, sumAbsRowK, maxAbsRowK, scaleRowK,
  softmaxRowK, logSoftmaxRowK, softmaxBackwardRowK, logSoftmaxBackwardRowK,
  layerNormRowK, layerNormBackwardRowK, crossEntropyRowK, crossEntropyBackwardRowK,
  dropoutApplyK, attentionRowK, attentionBackwardRowK, droppedRowK, BERNOULLI16, adamRangeK,
};
