// fp32 GEMM for AVX-512: 12 x 32 register tile (24 zmm accumulators, two B vectors, A broadcast
// from memory), B packed into 32-wide panels (16 x 16 in-register transposes when B is k-contiguous,
// as in x W^T). A row- or column-major A is read in place, or its 12-row micro-panels are packed
// into L1 first where that measured faster (driver.h); other layouts are always packed. The same
// kernels run bf16 operands on machines without vdpbf16ps: panels are converted while packing.
#include "internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include "target.h"

ANNEAL_TARGET_PUSH("avx512f,avx512bw,avx512vl,avx512dq,fma")
#include "driver.h"
#include "avx512_util.h"

namespace anneal {
namespace gemm {
namespace {

constexpr int kMR = 12, kNR = 32;

// MODE 0: packed A (MR floats per k step); 1: A(i,p) = a[i*as + p]; 2: A(i,p) = a[p*as + i].
template <int MR, int NV, int MODE>
void microF32(int64_t kc, const float* a, int64_t as, const float* b, float* c, int64_t ldc, int nr, const float* next,
              const Epilogue& e) {
  __m512 acc[MR][NV];
  #pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
    #pragma GCC unroll 16
    for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();
  // the next tile's C rows arrive while this one computes (C rows are too far apart for the
  // hardware prefetcher to follow)
  #pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    _mm_prefetch(reinterpret_cast<const char*>(next + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(next + i * ldc + 16 * NV - 1), _MM_HINT_T0);
  }
  const int64_t sI = MODE == 0 ? 1 : MODE == 1 ? as : 1;
  const int64_t sP = MODE == 0 ? kMR : MODE == 1 ? 1 : as;
#pragma GCC unroll 2
  for (int64_t p = 0; p < kc; p++) {
    __m512 bv[NV];
    #pragma GCC unroll 16
    for (int v = 0; v < NV; v++) bv[v] = _mm512_load_ps(b + p * kNR + 16 * v);
    const float* ap = a + p * sP;
    #pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      const __m512 ai = _mm512_set1_ps(ap[i * sI]);
      #pragma GCC unroll 16
      for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
  }
  storeTile<MR, NV>(acc, c, ldc, nr, e);
}

using MicroFn = void (*)(int64_t, const float*, int64_t, const float*, float*, int64_t, int, const float*, const Epilogue&);

template <int MODE, int NV>
struct MicroTable {
  MicroFn f[kMR + 1] = {nullptr,
                        microF32<1, NV, MODE>,  microF32<2, NV, MODE>,  microF32<3, NV, MODE>,
                        microF32<4, NV, MODE>,  microF32<5, NV, MODE>,  microF32<6, NV, MODE>,
                        microF32<7, NV, MODE>,  microF32<8, NV, MODE>,  microF32<9, NV, MODE>,
                        microF32<10, NV, MODE>, microF32<11, NV, MODE>, microF32<12, NV, MODE>};
};

const MicroTable<0, 1> t01;
const MicroTable<0, 2> t02;
const MicroTable<1, 1> t11;
const MicroTable<1, 2> t12;
const MicroTable<2, 1> t21;
const MicroTable<2, 2> t22;
const MicroFn* const tables[3][2] = {{t01.f, t02.f}, {t11.f, t12.f}, {t21.f, t22.f}};

// 16 elements as fp32 from float or bf16 memory; lanes outside the mask read nothing and are 0.
inline __m512 load16(const float* p, __mmask16 m) { return _mm512_maskz_loadu_ps(m, p); }
inline __m512 load16(const uint16_t* p, __mmask16 m) {
  const __m512i w = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, p));
  return _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
}
inline float load1(const float* p) { return *p; }
inline float load1(const uint16_t* p) {
  const uint32_t u = uint32_t(*p) << 16;
  float f;
  __builtin_memcpy(&f, &u, 4);
  return f;
}

// B block rows [p0, p0+kc) x columns [j0, j0+nc) -> 32-wide fp32 panels, zero beyond nc.
template <typename T>
void packB(const Operands& op, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) {
  const T* b = static_cast<const T*>(op.b);
  const int64_t rs = op.brs, cs = op.bcs;
  for (int64_t jp = 0; jp < nc; jp += kNR, dst += kc * kNR) {
    const int64_t w = minI(kNR, nc - jp);
    if (cs == 1) {
      const __mmask16 m0 = tailMask(w), m1 = tailMask(w - 16);
      const T* src = b + p0 * rs + j0 + jp;
      for (int64_t p = 0; p < kc; p++, src += rs) {
        _mm512_store_ps(dst + p * kNR, load16(src, m0));
        _mm512_store_ps(dst + p * kNR + 16, load16(src + 16, m1));
      }
    } else if (rs == 1) {
      // B^T in memory: column j is contiguous along p; transpose 16 x 16 blocks.
      for (int64_t jj = 0; jj < kNR; jj += 16) {
        const int64_t cols = minI(16, w - jj);
        for (int64_t p = 0; p < kc; p += 16) {
          const int64_t ps = minI(16, kc - p);
          const __mmask16 pm = tailMask(ps);
          __m512 r[16];
          for (int q = 0; q < 16; q++)
            r[q] = q < cols ? load16(b + (j0 + jp + jj + q) * cs + p0 + p, pm) : _mm512_setzero_ps();
          transpose16x16(r);
          for (int q = 0; q < ps; q++) _mm512_store_ps(dst + (p + q) * kNR + jj, r[q]);
        }
      }
    } else {
      for (int64_t p = 0; p < kc; p++)
        for (int64_t jj = 0; jj < kNR; jj++)
          dst[p * kNR + jj] = jj < w ? load1(b + (p0 + p) * rs + (j0 + jp + jj) * cs) : 0.0f;
    }
  }
}

// A block rows [i0, i0+mc) x [p0, p0+kc) -> 12-high fp32 panels (12 per k step), zero beyond mc.
template <typename T>
void packA(const Operands& op, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* dst) {
  const T* a = static_cast<const T*>(op.a);
  const int64_t rs = op.ars, cs = op.acs;
  for (int64_t ip = 0; ip < mc; ip += kMR, dst += kc * kMR) {
    const int64_t h = minI(kMR, mc - ip);
    if (cs == 1) {
      for (int64_t p = 0; p < kc; p += 16) {
        const int64_t ps = minI(16, kc - p);
        const __mmask16 pm = tailMask(ps);
        __m512 r[16];
        for (int q = 0; q < 16; q++) r[q] = q < h ? load16(a + (i0 + ip + q) * rs + p0 + p, pm) : _mm512_setzero_ps();
        transpose16x16(r);
        // full-width stores run 4 floats into the next row (rewritten next) or the panel's slack:
        // masked stores are much slower on Zen 4/5
        for (int q = 0; q < ps; q++) _mm512_storeu_ps(dst + (p + q) * kMR, r[q]);
      }
    } else if (rs == 1) {
      const __mmask16 hm = tailMask(h);
      for (int64_t p = 0; p < kc; p++) _mm512_storeu_ps(dst + p * kMR, load16(a + i0 + ip + (p0 + p) * cs, hm));
    } else {
      for (int64_t p = 0; p < kc; p++)
        for (int64_t ii = 0; ii < kMR; ii++) dst[p * kMR + ii] = ii < h ? load1(a + (i0 + ip + ii) * rs + (p0 + p) * cs) : 0.0f;
    }
  }
}

// InT float reads A in place when it can; InT uint16 (bf16) always converts A while packing.
template <typename T>
struct Avx512F32 {
  using InT = T;
  using PackT = float;
  static constexpr int MR = kMR, NR = kNR;
  // KC: A micro-panel 12 KiB in L1; NC: a 256 x 512 slice of B (512 KiB) in L2; MC: C block in L2
  static constexpr int64_t MC = 240, KC = 256, NC = 512, PACK_A_MIN_NC = 96;
  static int64_t panelA(int64_t kc) { return kc * kMR + 16; }  // + slack for full-width stores
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
    tables[mode][nr > 16 ? 1 : 0][mr](kc, static_cast<const float*>(a), as, b, c, ldc, nr, next, e);
  }
};

}  // namespace

Kernels sgemmAvx512() { return Driver<Avx512F32<float>>::kernels(); }

Kernels bf16Avx512() { return Driver<Avx512F32<uint16_t>>::kernels(); }

}  // namespace gemm
}  // namespace anneal

ANNEAL_TARGET_POP()

#else
namespace anneal {
namespace gemm {
Kernels sgemmAvx512() { return Kernels(); }
Kernels bf16Avx512() { return Kernels(); }
}  // namespace gemm
}  // namespace anneal
#endif
