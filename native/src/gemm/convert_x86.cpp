// AVX2 + F16C and AVX-512 loops for the conversions of convert.cpp, bit for bit the same as its
// scalar functions: bf16 rounding in integer arithmetic, fp16 with vcvtps2ph / vcvtph2ps (which
// round to nearest even, keep subnormals and quiet NaNs the same way as the scalar code).
#include <cstdint>

#include "../cpu.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include "target.h"

namespace anneal {
namespace gemm {
namespace {

ANNEAL_TARGET_PUSH("avx2,fma,f16c")

inline __m256i bf16Round8(__m256i u) {
  const __m256i a = _mm256_and_si256(u, _mm256_set1_epi32(0x7fffffff));
  const __m256i nan = _mm256_cmpgt_epi32(a, _mm256_set1_epi32(0x7f800000));
  const __m256i odd = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
  const __m256i r = _mm256_srli_epi32(_mm256_add_epi32(u, _mm256_add_epi32(_mm256_set1_epi32(0x7fff), odd)), 16);
  const __m256i q = _mm256_or_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(0x40));
  return _mm256_blendv_epi8(r, q, nan);
}

int64_t convertAvx2(int kind, const void* xv, void* yv, int64_t n, bool f16c) {
  int64_t i = 0;
  switch (kind) {
    case 0: {
      const float* x = static_cast<const float*>(xv);
      uint16_t* y = static_cast<uint16_t*>(yv);
      for (; i + 16 <= n; i += 16) {
        const __m256i r0 = bf16Round8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i)));
        const __m256i r1 = bf16Round8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i + 8)));
        const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(r0, r1), 0xd8);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + i), packed);
      }
      return i;
    }
    case 1: {
      const uint16_t* x = static_cast<const uint16_t*>(xv);
      float* y = static_cast<float*>(yv);
      for (; i + 8 <= n; i += 8) {
        const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + i), _mm256_slli_epi32(w, 16));
      }
      return i;
    }
    case 2: {
      if (!f16c) return 0;
      const float* x = static_cast<const float*>(xv);
      uint16_t* y = static_cast<uint16_t*>(yv);
      for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
      return i;
    }
    case 3: {
      if (!f16c) return 0;
      const uint16_t* x = static_cast<const uint16_t*>(xv);
      float* y = static_cast<float*>(yv);
      for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))));
      return i;
    }
  }
  return 0;
}

ANNEAL_TARGET_POP()

ANNEAL_TARGET_PUSH("avx512f,avx512bw,avx512vl,avx512dq,fma,f16c")

inline __mmask16 mask16(int64_t n) { return n >= 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1); }

// Whole range, the tail under a mask (only there: masked stores are slow on Zen 4/5).
int64_t convertAvx512(int kind, const void* xv, void* yv, int64_t n, bool f16c) {
  if (kind >= 2 && !f16c) return 0;
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = mask16(n - i);
    switch (kind) {
      case 0: {
        const __m512i u = _mm512_maskz_loadu_epi32(m, static_cast<const float*>(xv) + i);
        const __m512i a = _mm512_and_si512(u, _mm512_set1_epi32(0x7fffffff));
        const __mmask16 nan = _mm512_cmpgt_epu32_mask(a, _mm512_set1_epi32(0x7f800000));
        const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
        __m512i r = _mm512_srli_epi32(_mm512_add_epi32(u, _mm512_add_epi32(_mm512_set1_epi32(0x7fff), odd)), 16);
        r = _mm512_mask_mov_epi32(r, nan, _mm512_or_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(0x40)));
        if (m == 0xffff) _mm256_storeu_si256(reinterpret_cast<__m256i*>(static_cast<uint16_t*>(yv) + i), _mm512_cvtepi32_epi16(r));
        else _mm512_mask_cvtepi32_storeu_epi16(static_cast<uint16_t*>(yv) + i, m, r);
        break;
      }
      case 1: {
        const __m512i w = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, static_cast<const uint16_t*>(xv) + i));
        if (m == 0xffff) _mm512_storeu_si512(static_cast<float*>(yv) + i, _mm512_slli_epi32(w, 16));
        else _mm512_mask_storeu_epi32(static_cast<float*>(yv) + i, m, _mm512_slli_epi32(w, 16));
        break;
      }
      case 2: {
        const __m256i h = _mm512_cvtps_ph(_mm512_maskz_loadu_ps(m, static_cast<const float*>(xv) + i), _MM_FROUND_TO_NEAREST_INT);
        if (m == 0xffff) _mm256_storeu_si256(reinterpret_cast<__m256i*>(static_cast<uint16_t*>(yv) + i), h);
        else _mm256_mask_storeu_epi16(static_cast<uint16_t*>(yv) + i, m, h);
        break;
      }
      case 3: {
        const __m512 f = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, static_cast<const uint16_t*>(xv) + i));
        if (m == 0xffff) _mm512_storeu_ps(static_cast<float*>(yv) + i, f);
        else _mm512_mask_storeu_ps(static_cast<float*>(yv) + i, m, f);
        break;
      }
    }
  }
  return n;
}

ANNEAL_TARGET_POP()

}  // namespace

int64_t convertX86(int kind, Isa isa, const void* x, void* y, int64_t n) {
  if (isa == Isa::Avx512) return convertAvx512(kind, x, y, n, cpuFeatures().f16c);
  if (isa == Isa::Avx2) return convertAvx2(kind, x, y, n, cpuFeatures().f16c);
  return 0;
}

}  // namespace gemm
}  // namespace anneal

#else
namespace anneal {
namespace gemm {
int64_t convertX86(int, Isa, const void*, void*, int64_t) { return 0; }
}  // namespace gemm
}  // namespace anneal
#endif
