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

// acc rows x (16 NV) -> C, as the epilogue says; columns >= nr are not touched.
template <int MR, int NV>
inline void storeTile(__m512 (&acc)[MR][NV], float* c, int64_t ldc, int nr, const Epilogue& e) {
  __mmask16 mk[NV];
  for (int v = 0; v < NV; v++) mk[v] = tailMask(nr - 16 * v);
  const __m512 va = _mm512_set1_ps(e.alpha);
  if (!e.first) {
    for (int i = 0; i < MR; i++)
      for (int v = 0; v < NV; v++) {
        float* cp = c + i * ldc + 16 * v;
        _mm512_mask_storeu_ps(cp, mk[v], _mm512_fmadd_ps(va, acc[i][v], _mm512_maskz_loadu_ps(mk[v], cp)));
      }
    return;
  }
  __m512 bias[NV];
  for (int v = 0; v < NV; v++) bias[v] = e.bias ? _mm512_maskz_loadu_ps(mk[v], e.bias + 16 * v) : _mm512_setzero_ps();
  if (e.beta != 0) {
    const __m512 vb = _mm512_set1_ps(e.beta);
    for (int i = 0; i < MR; i++)
      for (int v = 0; v < NV; v++) {
        float* cp = c + i * ldc + 16 * v;
        __m512 r = _mm512_fmadd_ps(va, acc[i][v], _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(mk[v], cp)));
        if (e.bias) r = _mm512_add_ps(r, bias[v]);
        _mm512_mask_storeu_ps(cp, mk[v], r);
      }
  } else {
    for (int i = 0; i < MR; i++)
      for (int v = 0; v < NV; v++) {
        __m512 r = _mm512_mul_ps(va, acc[i][v]);
        if (e.bias) r = _mm512_add_ps(r, bias[v]);
        _mm512_mask_storeu_ps(c + i * ldc + 16 * v, mk[v], r);
      }
  }
}

}  // namespace
}  // namespace gemm
}  // namespace anneal
