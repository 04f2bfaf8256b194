// bf16 GEMM with AVX512-BF16: vdpbf16ps multiplies pairs of bf16 along k and adds both products to
// an fp32 lane, so the operands are packed pair-interleaved: B panels hold, for each pair of k,
// 32 columns x 2 values (two zmm); A supplies one 32-bit pair per row, broadcast. 12 x 32 register
// tile as in the fp32 kernel, twice the multiply-adds per instruction. A row-major A is read in place
// (its pairs are already adjacent); other layouts are packed. An odd k ends in a half pair whose
// missing element is zero in the packed panels.
//
// vdpbf16ps ignores MXCSR: it treats denormal inputs and results as zero and rounds to nearest even.
#include "internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && \
    (defined(__clang__) || __GNUC__ >= 10)
#include <immintrin.h>

#include "target.h"

ANNEAL_TARGET_PUSH("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma")
#include "driver.h"
#include "avx512_util.h"

namespace anneal {
namespace gemm {
namespace {

constexpr int kMR = 12, kNR = 32;

inline uint32_t pairAt(const uint16_t* p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

inline __mmask32 tailMask32(int64_t n) {
  return n >= 32 ? __mmask32(0xffffffffu) : n <= 0 ? __mmask32(0) : __mmask32((1u << n) - 1);
}

// MODE 0: packed A (kMR pairs per k pair); 1: A(i,p) = a[i*as + p], pairs read in place.
template <int MR, int NV, int MODE>
void microBf16(int64_t kc, const uint16_t* a, int64_t as, const uint16_t* b, float* c, int64_t ldc, int nr,
               const float* next, const Epilogue& e) {
  __m512 acc[MR][NV];
  #pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
    #pragma GCC unroll 16
    for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();
  #pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    _mm_prefetch(reinterpret_cast<const char*>(next + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(next + i * ldc + 16 * NV - 1), _MM_HINT_T0);
  }
  const int64_t pairs = MODE == 0 ? (kc + 1) / 2 : kc / 2;
#pragma GCC unroll 2
  for (int64_t pp = 0; pp < pairs; pp++) {
    __m512bh bv[NV];
    #pragma GCC unroll 16
    for (int v = 0; v < NV; v++) bv[v] = (__m512bh)_mm512_load_si512(b + pp * 2 * kNR + 32 * v);
    #pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      const uint32_t w = MODE == 0 ? pairAt(a + (pp * kMR + i) * 2) : pairAt(a + i * as + 2 * pp);
      const __m512bh ai = (__m512bh)_mm512_set1_epi32(static_cast<int>(w));
      #pragma GCC unroll 16
      for (int v = 0; v < NV; v++) acc[i][v] = _mm512_dpbf16_ps(acc[i][v], ai, bv[v]);
    }
  }
  if (MODE == 1 && (kc & 1)) {  // the last, half pair: its A element alone, zero-extended
    const int64_t pp = kc / 2;
    __m512bh bv[NV];
    #pragma GCC unroll 16
    for (int v = 0; v < NV; v++) bv[v] = (__m512bh)_mm512_load_si512(b + pp * 2 * kNR + 32 * v);
    #pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      const __m512bh ai = (__m512bh)_mm512_set1_epi32(static_cast<int>(a[i * as + 2 * pp]));
      #pragma GCC unroll 16
      for (int v = 0; v < NV; v++) acc[i][v] = _mm512_dpbf16_ps(acc[i][v], ai, bv[v]);
    }
  }
  storeTile<MR, NV>(acc, c, ldc, nr, e);
}

using MicroFn = void (*)(int64_t, const uint16_t*, int64_t, const uint16_t*, float*, int64_t, int, const float*, const Epilogue&);

template <int MODE, int NV>
struct MicroTable {
  MicroFn f[kMR + 1] = {nullptr,
                        microBf16<1, NV, MODE>,  microBf16<2, NV, MODE>,  microBf16<3, NV, MODE>,
                        microBf16<4, NV, MODE>,  microBf16<5, NV, MODE>,  microBf16<6, NV, MODE>,
                        microBf16<7, NV, MODE>,  microBf16<8, NV, MODE>,  microBf16<9, NV, MODE>,
                        microBf16<10, NV, MODE>, microBf16<11, NV, MODE>, microBf16<12, NV, MODE>};
};
const MicroTable<0, 1> t01;
const MicroTable<0, 2> t02;
const MicroTable<1, 1> t11;
const MicroTable<1, 2> t12;
const MicroFn* const tables[2][2] = {{t01.f, t02.f}, {t11.f, t12.f}};

// vpermt2w indices that interleave two rows (a = r0, b = r1): pairs 0..15, and 16..31.
alignas(64) const uint16_t kInterleaveLo[32] = {0,  32, 1,  33, 2,  34, 3,  35, 4,  36, 5,  37, 6,  38, 7,  39,
                                                8,  40, 9,  41, 10, 42, 11, 43, 12, 44, 13, 45, 14, 46, 15, 47};
alignas(64) const uint16_t kInterleaveHi[32] = {16, 48, 17, 49, 18, 50, 19, 51, 20, 52, 21, 53, 22, 54, 23, 55,
                                                24, 56, 25, 57, 26, 58, 27, 59, 28, 60, 29, 61, 30, 62, 31, 63};

// Interleaves 32 columns of two rows of B (p and p+1) into the pair layout: two zmm of 16 pairs.
inline void interleaveRows(__m512i r0, __m512i r1, uint16_t* dst) {
  _mm512_store_si512(dst, _mm512_permutex2var_epi16(r0, _mm512_load_si512(kInterleaveLo), r1));
  _mm512_store_si512(dst + 32, _mm512_permutex2var_epi16(r0, _mm512_load_si512(kInterleaveHi), r1));
}

// B rows [p0, p0+kc) x columns [j0, j0+nc) -> 32-wide pair-interleaved panels, zero beyond nc / kc.
void packB(const Operands& op, int64_t p0, int64_t kc, int64_t j0, int64_t nc, uint16_t* dst) {
  const uint16_t* b = static_cast<const uint16_t*>(op.b);
  const int64_t rs = op.brs, cs = op.bcs, pairs = (kc + 1) / 2;
  for (int64_t jp = 0; jp < nc; jp += kNR, dst += pairs * 2 * kNR) {
    const int64_t w = minI(kNR, nc - jp);
    if (cs == 1) {
      const __mmask32 m = tailMask32(w);
      for (int64_t pp = 0; pp < pairs; pp++) {
        const uint16_t* src = b + (p0 + 2 * pp) * rs + j0 + jp;
        const __m512i r0 = _mm512_maskz_loadu_epi16(m, src);
        const __m512i r1 = 2 * pp + 1 < kc ? _mm512_maskz_loadu_epi16(m, src + rs) : _mm512_setzero_si512();
        interleaveRows(r0, r1, dst + pp * 2 * kNR);
      }
    } else if (rs == 1) {
      // B^T in memory: a pair (p, p+1) of column j is one 32-bit word; transpose 16 x 16 of them.
      for (int64_t jj = 0; jj < kNR; jj += 16) {
        const int64_t cols = minI(16, w - jj);
        for (int64_t pp = 0; pp < pairs; pp += 16) {
          const __mmask32 m = tailMask32(kc - 2 * pp);
          __m512 r[16];
          for (int q = 0; q < 16; q++)
            r[q] = q < cols ? _mm512_castsi512_ps(_mm512_maskz_loadu_epi16(m, b + (j0 + jp + jj + q) * cs + p0 + 2 * pp))
                            : _mm512_setzero_ps();
          transpose16x16(r);
          const int64_t np = minI(16, pairs - pp);
          for (int q = 0; q < np; q++) _mm512_store_ps(reinterpret_cast<float*>(dst + ((pp + q) * kNR + jj) * 2), r[q]);
        }
      }
    } else {
      for (int64_t pp = 0; pp < pairs; pp++)
        for (int64_t jj = 0; jj < kNR; jj++)
          for (int64_t q = 0; q < 2; q++) {
            const int64_t p = 2 * pp + q;
            dst[(pp * kNR + jj) * 2 + q] = jj < w && p < kc ? b[(p0 + p) * rs + (j0 + jp + jj) * cs] : 0;
          }
    }
  }
}

// A rows [i0, i0+mc) x [p0, p0+kc) -> 12-high panels of pairs, zero beyond mc / kc.
void packA(const Operands& op, int64_t i0, int64_t mc, int64_t p0, int64_t kc, uint16_t* dst) {
  const uint16_t* a = static_cast<const uint16_t*>(op.a);
  const int64_t rs = op.ars, cs = op.acs, pairs = (kc + 1) / 2;
  for (int64_t ip = 0; ip < mc; ip += kMR, dst += pairs * 2 * kMR) {
    const int64_t h = minI(kMR, mc - ip);
    if (rs == 1) {
      // A^T in memory (as in g^T x): rows p and p+1 hold 12 consecutive i each; interleave them
      // (the full-width store runs 4 pairs into the next step's place or the panel's slack)
      const __mmask32 m = tailMask32(h);
      const __m512i lo = _mm512_load_si512(kInterleaveLo);
      for (int64_t pp = 0; pp < pairs; pp++) {
        const uint16_t* src = a + i0 + ip + (p0 + 2 * pp) * cs;
        const __m512i r0 = _mm512_maskz_loadu_epi16(m, src);
        const __m512i r1 = 2 * pp + 1 < kc ? _mm512_maskz_loadu_epi16(m, src + cs) : _mm512_setzero_si512();
        _mm512_storeu_si512(dst + pp * 2 * kMR, _mm512_permutex2var_epi16(r0, lo, r1));
      }
    } else if (cs == 1) {
      // row-major A: a pair of row i is one 32-bit word; transpose 16 pairs x 12 rows at a time
      for (int64_t pp = 0; pp < pairs; pp += 16) {
        const __mmask32 m = tailMask32(kc - 2 * pp);
        __m512 r[16];
        for (int q = 0; q < 16; q++)
          r[q] = q < h ? _mm512_castsi512_ps(_mm512_maskz_loadu_epi16(m, a + (i0 + ip + q) * rs + p0 + 2 * pp))
                       : _mm512_setzero_ps();
        transpose16x16(r);
        const int64_t np = minI(16, pairs - pp);
        // full-width stores run 4 pairs into the next row (rewritten next) or the panel's slack:
        // masked stores are much slower on Zen 4/5
        for (int q = 0; q < np; q++) _mm512_storeu_ps(reinterpret_cast<float*>(dst + (pp + q) * 2 * kMR), r[q]);
      }
    } else {
      for (int64_t pp = 0; pp < pairs; pp++)
        for (int64_t ii = 0; ii < kMR; ii++)
          for (int64_t q = 0; q < 2; q++) {
            const int64_t p = 2 * pp + q;
            dst[(pp * kMR + ii) * 2 + q] = ii < h && p < kc ? a[(i0 + ip + ii) * rs + (p0 + p) * cs] : 0;
          }
    }
  }
}

struct Avx512Bf16 {
  using InT = uint16_t;
  using PackT = uint16_t;
  static constexpr int MR = kMR, NR = kNR;
  static constexpr int64_t MC = 240, KC = 512, NC = 512;  // KC even: in-place A pairs stay aligned
  static constexpr int64_t PACK_A_MIN_NC = int64_t(1) << 40;  // in-place rows measured faster at any width
  static int64_t panelA(int64_t kc) { return (kc + 1) / 2 * 2 * kMR + 32; }  // + slack for full-width stores
  static int64_t panelB(int64_t kc) { return (kc + 1) / 2 * 2 * kNR; }
  static int aInPlace(const Operands& op) { return op.acs == 1 ? 1 : 0; }
  static void packA(const Operands& op, int64_t i0, int64_t mc, int64_t p0, int64_t kc, uint16_t* dst) {
    gemm::packA(op, i0, mc, p0, kc, dst);
  }
  static void packB(const Operands& op, int64_t p0, int64_t kc, int64_t j0, int64_t nc, uint16_t* dst) {
    gemm::packB(op, p0, kc, j0, nc, dst);
  }
  static void micro(int mr, int nr, int64_t kc, int mode, const void* a, int64_t as, const uint16_t* b, float* c,
                    int64_t ldc, const float* next, const Epilogue& e) {
    tables[mode][nr > 16 ? 1 : 0][mr](kc, static_cast<const uint16_t*>(a), as, b, c, ldc, nr, next, e);
  }
};

}  // namespace

Kernels bf16Avx512Bf16() { return Driver<Avx512Bf16>::kernels(); }

}  // namespace gemm
}  // namespace anneal

ANNEAL_TARGET_POP()

#else
namespace anneal {
namespace gemm {
Kernels bf16Avx512Bf16() { return Kernels(); }
}  // namespace gemm
}  // namespace anneal
#endif
