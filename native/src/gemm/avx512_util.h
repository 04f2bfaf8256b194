// AVX-512 helpers shared by the fp32 and bf16 kernels (transposes, tail masks, the C update);
// include after ANNEAL_TARGET_PUSH.
#pragma once
#include <immintrin.h>

#include "driver.h"

namespace anneal {
namespace gemm {
namespace {

// Transposes the 16 x 16 block r (row q in r[q]) in place: unpack 32-bit, 64-bit, then 128-bit lanes twice.
inline void transpose16x16(__m512 (&r)[16]) {
  __m512 t[16];
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; i++) {
    const __m512d t0 = _mm512_castps_pd(t[4 * i]), t1 = _mm512_castps_pd(t[4 * i + 1]);
    const __m512d t2 = _mm512_castps_pd(t[4 * i + 2]), t3 = _mm512_castps_pd(t[4 * i + 3]);
    r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
    r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
    r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
    r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
  }
  for (int q = 0; q < 4; q++) {
    t[q] = _mm512_shuffle_f32x4(r[q], r[4 + q], 0x88);
    t[4 + q] = _mm512_shuffle_f32x4(r[q], r[4 + q], 0xdd);
    t[8 + q] = _mm512_shuffle_f32x4(r[8 + q], r[12 + q], 0x88);
    t[12 + q] = _mm512_shuffle_f32x4(r[8 + q], r[12 + q], 0xdd);
  }
  for (int q = 0; q < 4; q++) {
    r[q] = _mm512_shuffle_f32x4(t[q], t[8 + q], 0x88);
    r[8 + q] = _mm512_shuffle_f32x4(t[q], t[8 + q], 0xdd);
    r[4 + q] = _mm512_shuffle_f32x4(t[4 + q], t[12 + q], 0x88);
    r[12 + q] = _mm512_shuffle_f32x4(t[4 + q], t[12 + q], 0xdd);
  }
}

inline __mmask16 tailMask(long long n) {
  return n >= 16 ? __mmask16(0xffff) : n <= 0 ? __mmask16(0) : __mmask16((1u << n) - 1);
}

// acc rows x (16 NV) -> C, as the epilogue says; columns >= nr are not touched. Full tiles use
// plain loads and stores: masked stores are much slower on Zen 4/5.
template <int MR, int NV, bool FULL>
inline void storeTileAs(__m512 (&acc)[MR][NV], float* c, int64_t ldc, int nr, const Epilogue& e) {
  __mmask16 mk[NV];
  #pragma GCC unroll 16
  for (int v = 0; v < NV; v++) mk[v] = tailMask(nr - 16 * v);
  auto load = [&](const float* p, int v) { return FULL ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(mk[v], p); };
  auto store = [&](float* p, int v, __m512 x) {
    if (FULL) _mm512_storeu_ps(p, x);
    else _mm512_mask_storeu_ps(p, mk[v], x);
  };
  const __m512 va = _mm512_set1_ps(e.alpha);
  const float* biasp = e.bias;
  if (!e.first) {
    #pragma GCC unroll 16
    for (int i = 0; i < MR; i++)
      #pragma GCC unroll 16
      for (int v = 0; v < NV; v++) {
        float* cp = c + i * ldc + 16 * v;
        store(cp, v, _mm512_fmadd_ps(va, acc[i][v], load(cp, v)));
      }
    return;
  }
  __m512 bias[NV];
  #pragma GCC unroll 16
  for (int v = 0; v < NV; v++) bias[v] = biasp ? load(biasp + 16 * v, v) : _mm512_setzero_ps();
  if (e.beta != 0) {
    const __m512 vb = _mm512_set1_ps(e.beta);
    #pragma GCC unroll 16
    for (int i = 0; i < MR; i++)
      #pragma GCC unroll 16
      for (int v = 0; v < NV; v++) {
        float* cp = c + i * ldc + 16 * v;
        __m512 r = _mm512_fmadd_ps(va, acc[i][v], _mm512_mul_ps(vb, load(cp, v)));
        if (biasp) r = _mm512_add_ps(r, bias[v]);
        store(cp, v, r);
      }
  } else if (biasp) {
    #pragma GCC unroll 16
    for (int i = 0; i < MR; i++)
      #pragma GCC unroll 16
      for (int v = 0; v < NV; v++) store(c + i * ldc + 16 * v, v, _mm512_fmadd_ps(va, acc[i][v], bias[v]));
  } else {
    #pragma GCC unroll 16
    for (int i = 0; i < MR; i++)
      #pragma GCC unroll 16
      for (int v = 0; v < NV; v++) store(c + i * ldc + 16 * v, v, _mm512_mul_ps(va, acc[i][v]));
  }
}

template <int MR, int NV>
inline void storeTile(__m512 (&acc)[MR][NV], float* c, int64_t ldc, int nr, const Epilogue& e) {
  if (nr == 16 * NV) storeTileAs<MR, NV, true>(acc, c, ldc, nr, e);
  else storeTileAs<MR, NV, false>(acc, c, ldc, nr, e);
}

}  // namespace
}  // namespace gemm
}  // namespace anneal
