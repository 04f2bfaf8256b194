// fp32 GEMM for AVX2 + FMA: 6 x 16 register tile (12 ymm accumulators, two B vectors, one A
// broadcast: 15 of the 16 registers), B packed into 16-wide panels (8 x 8 transposes when B is
// k-contiguous), A read in place when row- or column-major. bf16 operands are converted to fp32
// while packing.
#include "internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include <cstring>

#include "target.h"

ANNEAL_TARGET_PUSH("avx2,fma,f16c")
#include "driver.h"

namespace anneal {
namespace gemm {
namespace {

constexpr int kMR = 6, kNR = 16;

// Lane masks for maskload/maskstore: the first n lanes.
inline __m256i laneMask(int64_t n) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n < 0 ? 0 : n > 8 ? 8 : n)), idx);
}

inline __m256 load8(const float* p, int64_t n) {
  return n >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, laneMask(n));
}
inline __m256 load8(const uint16_t* p, int64_t n) {
  __m128i h;
  if (n >= 8) {
    h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  } else {
    alignas(16) uint16_t tmp[8] = {};
    for (int64_t i = 0; i < n; i++) tmp[i] = p[i];
    h = _mm_load_si128(reinterpret_cast<const __m128i*>(tmp));
  }
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}
inline float load1(const float* p) { return *p; }
inline float load1(const uint16_t* p) {
  const uint32_t u = uint32_t(*p) << 16;
  float f;
  __builtin_memcpy(&f, &u, 4);
  return f;
}

inline void transpose8x8(__m256 (&r)[8]) {
  __m256 t[8];
  for (int i = 0; i < 4; i++) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 2; i++) {
    r[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
    r[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0xee);
    r[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
    r[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xee);
  }
  for (int q = 0; q < 4; q++) {
    t[q] = _mm256_permute2f128_ps(r[q], r[4 + q], 0x20);
    t[4 + q] = _mm256_permute2f128_ps(r[q], r[4 + q], 0x31);
  }
  for (int q = 0; q < 8; q++) r[q] = t[q];
}

template <int MR, int NV>
inline void storeTile(__m256 (&acc)[MR][NV], float* c, int64_t ldc, int nr, const Epilogue& e) {
  const __m256 va = _mm256_set1_ps(e.alpha), vb = _mm256_set1_ps(e.beta);
  const bool full = nr == 8 * NV;
  __m256i mk[NV];
  __m256 bias[NV];
  #pragma GCC unroll 16
  for (int v = 0; v < NV; v++) {
    mk[v] = laneMask(nr - 8 * v);
    bias[v] = e.first && e.bias ? load8(e.bias + 8 * v, nr - 8 * v) : _mm256_setzero_ps();
  }
  #pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
    #pragma GCC unroll 16
    for (int v = 0; v < NV; v++) {
      float* cp = c + i * ldc + 8 * v;
      __m256 r;
      if (!e.first) {
        r = _mm256_fmadd_ps(va, acc[i][v], full ? _mm256_loadu_ps(cp) : _mm256_maskload_ps(cp, mk[v]));
      } else {
        if (e.beta != 0) r = _mm256_fmadd_ps(va, acc[i][v], _mm256_mul_ps(vb, full ? _mm256_loadu_ps(cp) : _mm256_maskload_ps(cp, mk[v])));
        else r = _mm256_mul_ps(va, acc[i][v]);
        if (e.bias) r = _mm256_add_ps(r, bias[v]);
      }
      if (full) _mm256_storeu_ps(cp, r);
      else _mm256_maskstore_ps(cp, mk[v], r);
    }
}

// MODE 0: packed A (kMR per k step); 1: A(i,p) = a[i*as + p]; 2: A(i,p) = a[p*as + i].
template <int MR, int NV, int MODE>
void micro(int64_t kc, const float* a, int64_t as, const float* b, float* c, int64_t ldc, int nr, const float* next,
           const Epilogue& e) {
  __m256 acc[MR][NV];
  #pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
    #pragma GCC unroll 16
    for (int v = 0; v < NV; v++) acc[i][v] = _mm256_setzero_ps();
  #pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    _mm_prefetch(reinterpret_cast<const char*>(next + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(next + i * ldc + 8 * NV - 1), _MM_HINT_T0);
  }
  const int64_t sI = MODE == 1 ? as : 1;
  const int64_t sP = MODE == 0 ? kMR : MODE == 1 ? 1 : as;
  for (int64_t p = 0; p < kc; p++) {
    __m256 bv[NV];
    #pragma GCC unroll 16
    for (int v = 0; v < NV; v++) bv[v] = _mm256_load_ps(b + p * kNR + 8 * v);
    const float* ap = a + p * sP;
    #pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      // set1, not _mm256_broadcast_ss(pointer): with the latter GCC 12 stores every accumulator
      // to the stack on each iteration (half the speed)
      const __m256 ai = _mm256_set1_ps(ap[i * sI]);
      #pragma GCC unroll 16
      for (int v = 0; v < NV; v++) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
    }
  }
  storeTile<MR, NV>(acc, c, ldc, nr, e);
}

using MicroFn = void (*)(int64_t, const float*, int64_t, const float*, float*, int64_t, int, const float*, const Epilogue&);

template <int MODE, int NV>
struct MicroTable {
  MicroFn f[kMR + 1] = {nullptr,           micro<1, NV, MODE>, micro<2, NV, MODE>, micro<3, NV, MODE>,
                        micro<4, NV, MODE>, micro<5, NV, MODE>, micro<6, NV, MODE>};
};
const MicroTable<0, 1> t01;
const MicroTable<0, 2> t02;
const MicroTable<1, 1> t11;
const MicroTable<1, 2> t12;
const MicroTable<2, 1> t21;
const MicroTable<2, 2> t22;
const MicroFn* const tables[3][2] = {{t01.f, t02.f}, {t11.f, t12.f}, {t21.f, t22.f}};

template <typename T>
void packB(const Operands& op, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) {
  const T* b = static_cast<const T*>(op.b);
  const int64_t rs = op.brs, cs = op.bcs;
  for (int64_t jp = 0; jp < nc; jp += kNR, dst += kc * kNR) {
    const int64_t w = minI(kNR, nc - jp);
    if (cs == 1) {
      const T* src = b + p0 * rs + j0 + jp;
      for (int64_t p = 0; p < kc; p++, src += rs) {
        _mm256_store_ps(dst + p * kNR, load8(src, w));
        _mm256_store_ps(dst + p * kNR + 8, w > 8 ? load8(src + 8, w - 8) : _mm256_setzero_ps());
      }
    } else if (rs == 1) {
      for (int64_t jj = 0; jj < kNR; jj += 8) {
        const int64_t cols = minI(8, w - jj);
        for (int64_t p = 0; p < kc; p += 8) {
          const int64_t ps = minI(8, kc - p);
          __m256 r[8];
          for (int q = 0; q < 8; q++) r[q] = q < cols ? load8(b + (j0 + jp + jj + q) * cs + p0 + p, ps) : _mm256_setzero_ps();
          transpose8x8(r);
          for (int q = 0; q < ps; q++) _mm256_store_ps(dst + (p + q) * kNR + jj, r[q]);
        }
      }
    } else {
      for (int64_t p = 0; p < kc; p++)
        for (int64_t jj = 0; jj < kNR; jj++)
          dst[p * kNR + jj] = jj < w ? load1(b + (p0 + p) * rs + (j0 + jp + jj) * cs) : 0.0f;
    }
  }
}

template <typename T>
void packA(const Operands& op, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* dst) {
  const T* a = static_cast<const T*>(op.a);
  const int64_t rs = op.ars, cs = op.acs;
  for (int64_t ip = 0; ip < mc; ip += kMR, dst += kc * kMR) {
    const int64_t h = minI(kMR, mc - ip);
    for (int64_t p = 0; p < kc; p++)
      for (int64_t ii = 0; ii < kMR; ii++) dst[p * kMR + ii] = ii < h ? load1(a + (i0 + ip + ii) * rs + (p0 + p) * cs) : 0.0f;
  }
}

template <typename T>
struct Avx2F32 {
  using InT = T;
  using PackT = float;
  static constexpr int MR = kMR, NR = kNR;
  static constexpr int64_t MC = 192, KC = 256, NC = 512, PACK_A_MIN_NC = 64;
  static int64_t panelA(int64_t kc) { return kc * kMR; }
  static int64_t panelB(int64_t kc) { return kc * kNR; }
  static int aInPlace(const Operands& op) {
    if (sizeof(T) != sizeof(float)) return 0;
    return op.acs == 1 ? 1 : op.ars == 1 ? 2 : 0;
  }
  static void packA(const Operands& op, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* dst) {
    gemm::packA<T>(op, i0, mc, p0, kc, dst);
  }
  static void packB(const Operands& op, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) {
    gemm::packB<T>(op, p0, kc, j0, nc, dst);
  }
  static void micro(int mr, int nr, int64_t kc, int mode, const void* a, int64_t as, const float* b, float* c, int64_t ldc,
                    const float* next, const Epilogue& e) {
    tables[mode][nr > 8 ? 1 : 0][mr](kc, static_cast<const float*>(a), as, b, c, ldc, nr, next, e);
  }
};

}  // namespace

Kernels sgemmAvx2() { return Driver<Avx2F32<float>>::kernels(); }

Kernels bf16Avx2() { return Driver<Avx2F32<uint16_t>>::kernels(); }

}  // namespace gemm
}  // namespace anneal

ANNEAL_TARGET_POP()

#else
namespace anneal {
namespace gemm {
Kernels sgemmAvx2() { return Kernels(); }
Kernels bf16Avx2() { return Kernels(); }
}  // namespace gemm
}  // namespace anneal
#endif
