// bf16 GEMM with AMX: tdpbf16ps multiplies a 16 x 32 bf16 A tile by a 16-pair x 16-column B tile
// (pairs of k interleaved, "VNNI" layout) into a 16 x 16 fp32 C tile. The micro-kernel holds a
// 32 x 32 block of C in four C tiles, fed by two A and two B tiles per 32 values of k.
//
// Tiles have no masks, so every edge is padding: A is always packed into 32-row panels and both
// panels are zero up to a multiple of 32 in k (0 * 0 adds nothing, and a NaN or Inf of A's or B's
// real part only ever meets real values of the other operand); C tiles go through a buffer, and only
// its mr x nr corner reaches C. B's panels are the avx512bf16 kernel's pair layout (per pair of k,
// 32 columns x 2), so a B tile is 16 pair rows 128 bytes apart, the right half 64 bytes in.
//
// Linux hands out tile state only after arch_prctl(ARCH_REQ_XCOMP_PERM) (cpu.cpp asks once, and
// reports no AMX when refused). The tile configuration is per thread, and pool workers run the
// blocks of C, so each compute() call loads it and releases the tiles when done: no thread keeps
// AMX state (8 KiB more for every context switch) between products.
//
// tdpbf16ps treats denormal inputs and results as zero and rounds to nearest even, like vdpbf16ps.
#include "internal.h"

#if defined(__x86_64__) && defined(__linux__) && (defined(__GNUC__) || defined(__clang__)) && \
    (defined(__clang__) || __GNUC__ >= 11)
#include <immintrin.h>

#include "target.h"

ANNEAL_TARGET_PUSH("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma,amx-tile,amx-bf16")
#include "avx512_util.h"
#include "driver.h"

namespace anneal {
namespace gemm {
namespace {

constexpr int kMR = 32, kNR = 32, kKB = 32;  // C block, and k per tile step

inline int64_t roundK(int64_t kc) { return (kc + kKB - 1) / kKB * kKB; }

inline __mmask32 tailMask32(int64_t n) {
  return n >= 32 ? __mmask32(0xffffffffu) : n <= 0 ? __mmask32(0) : __mmask32((1u << n) - 1);
}

// ldtilecfg's 64-byte operand: palette 1, every tile used is 16 rows of 64 bytes.
struct alignas(64) TileConfig {
  uint8_t palette = 1, startRow = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
  TileConfig() {
    for (int t = 0; t < 8; t++) colsb[t] = 64, rows[t] = 16;
  }
};
static_assert(sizeof(TileConfig) == 64, "ldtilecfg reads 64 bytes");

// Packed A: for each 32-deep k block, 32 rows of 32 values (tiles 4 and 5 are its two halves).
// B: per pair of k, 32 columns x 2 values; tile 6 is columns 0..15, tile 7 columns 16..31.
// C tiles: 0 = rows 0..15 x cols 0..15, 1 = rows 0..15 x 16..31, 2 and 3 the lower half.
void microAmx(int mr, int nr, int64_t kc, const uint16_t* a, const uint16_t* b, float* c, int64_t ldc,
              const Epilogue& e) {
  alignas(64) float acc[kMR * kNR];
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  const int64_t steps = roundK(kc) / kKB;
  for (int64_t s = 0; s < steps; s++) {
    const uint16_t* as = a + s * kKB * kMR;
    const uint16_t* bs = b + s * (kKB / 2) * 2 * kNR;
    _tile_loadd(4, as, 64);
    _tile_loadd(6, bs, 128);
    _tile_loadd(7, bs + 32, 128);
    _tile_loadd(5, as + 16 * kKB, 64);
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  _tile_stored(0, acc, 128);
  _tile_stored(1, acc + 16, 128);
  _tile_stored(2, acc + 16 * kNR, 128);
  _tile_stored(3, acc + 16 * kNR + 16, 128);
  // the same epilogue as storeTile (avx512_util.h), from the buffer
  const __m512 va = _mm512_set1_ps(e.alpha), vb = _mm512_set1_ps(e.beta);
  const int nv = nr > 16 ? 2 : 1;
  __mmask16 mk[2] = {tailMask(nr), tailMask(nr - 16)};
  __m512 bias[2] = {_mm512_setzero_ps(), _mm512_setzero_ps()};
  if (e.first && e.bias)
    for (int v = 0; v < nv; v++) bias[v] = _mm512_maskz_loadu_ps(mk[v], e.bias + 16 * v);
  for (int i = 0; i < mr; i++)
    for (int v = 0; v < nv; v++) {
      float* cp = c + i * ldc + 16 * v;
      const __m512 x = _mm512_load_ps(acc + i * kNR + 16 * v);
      __m512 r;
      if (!e.first) r = _mm512_fmadd_ps(va, x, _mm512_maskz_loadu_ps(mk[v], cp));
      else if (e.beta != 0) {
        r = _mm512_fmadd_ps(va, x, _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(mk[v], cp)));
        if (e.bias) r = _mm512_add_ps(r, bias[v]);
      } else if (e.bias) r = _mm512_fmadd_ps(va, x, bias[v]);
      else r = _mm512_mul_ps(va, x);
      _mm512_mask_storeu_ps(cp, mk[v], r);
    }
}

// vpermt2w indices that interleave two rows (a = r0, b = r1): pairs 0..15, and 16..31.
alignas(64) const uint16_t kInterleaveLo[32] = {0,  32, 1,  33, 2,  34, 3,  35, 4,  36, 5,  37, 6,  38, 7,  39,
                                                8,  40, 9,  41, 10, 42, 11, 43, 12, 44, 13, 45, 14, 46, 15, 47};
alignas(64) const uint16_t kInterleaveHi[32] = {16, 48, 17, 49, 18, 50, 19, 51, 20, 52, 21, 53, 22, 54, 23, 55,
                                                24, 56, 25, 57, 26, 58, 27, 59, 28, 60, 29, 61, 30, 62, 31, 63};

// B rows [p0, p0+kc) x columns [j0, j0+nc) -> 32-wide pair-interleaved panels of roundK(kc) / 2
// pairs, zero beyond nc / kc (bf16_avx512.cpp's packing, with the k padding).
void packB(const Operands& op, int64_t p0, int64_t kc, int64_t j0, int64_t nc, uint16_t* dst) {
  const uint16_t* b = static_cast<const uint16_t*>(op.b);
  const int64_t rs = op.brs, cs = op.bcs, pairs = roundK(kc) / 2;
  for (int64_t jp = 0; jp < nc; jp += kNR, dst += pairs * 2 * kNR) {
    const int64_t w = minI(kNR, nc - jp);
    if (cs == 1) {
      const __mmask32 m = tailMask32(w);
      const __m512i lo = _mm512_load_si512(kInterleaveLo), hi = _mm512_load_si512(kInterleaveHi);
      for (int64_t pp = 0; pp < pairs; pp++) {
        const uint16_t* src = b + (p0 + 2 * pp) * rs + j0 + jp;
        const __m512i r0 = 2 * pp < kc ? _mm512_maskz_loadu_epi16(m, src) : _mm512_setzero_si512();
        const __m512i r1 = 2 * pp + 1 < kc ? _mm512_maskz_loadu_epi16(m, src + rs) : _mm512_setzero_si512();
        _mm512_store_si512(dst + pp * 2 * kNR, _mm512_permutex2var_epi16(r0, lo, r1));
        _mm512_store_si512(dst + pp * 2 * kNR + 32, _mm512_permutex2var_epi16(r0, hi, r1));
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
          for (int q = 0; q < 16; q++) _mm512_store_ps(reinterpret_cast<float*>(dst + ((pp + q) * kNR + jj) * 2), r[q]);
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

// A rows [i0, i0+mc) x [p0, p0+kc), mc <= 32 -> one panel of 32-deep blocks of 32 rows x 32 values,
// zero beyond mc / kc.
void packA(const Operands& op, int64_t i0, int64_t mc, int64_t p0, int64_t kc, uint16_t* dst) {
  const uint16_t* a = static_cast<const uint16_t*>(op.a);
  const int64_t rs = op.ars, cs = op.acs, steps = roundK(kc) / kKB;
  if (cs == 1) {
    for (int64_t s = 0; s < steps; s++) {
      const __mmask32 m = tailMask32(kc - s * kKB);
      for (int64_t i = 0; i < kMR; i++)
        _mm512_store_si512(dst + (s * kMR + i) * kKB,
                           i < mc ? _mm512_maskz_loadu_epi16(m, a + (i0 + i) * rs + p0 + s * kKB) : _mm512_setzero_si512());
    }
  } else if (rs == 1) {
    // A^T in memory (g^T x): rows p and p+1 hold 32 consecutive i each; interleaved they are one
    // 32-bit pair per i, and a 16 x 16 transpose of those turns 16 pairs into 32 values of a row
    const __mmask32 m = tailMask32(mc);
    const __m512i lo = _mm512_load_si512(kInterleaveLo), hi = _mm512_load_si512(kInterleaveHi);
    for (int64_t s = 0; s < steps; s++) {
      __m512 top[16], bottom[16];
      for (int pp = 0; pp < 16; pp++) {
        const int64_t p = s * kKB + 2 * pp;
        const uint16_t* src = a + i0 + (p0 + p) * cs;
        const __m512i r0 = p < kc ? _mm512_maskz_loadu_epi16(m, src) : _mm512_setzero_si512();
        const __m512i r1 = p + 1 < kc ? _mm512_maskz_loadu_epi16(m, src + cs) : _mm512_setzero_si512();
        top[pp] = _mm512_castsi512_ps(_mm512_permutex2var_epi16(r0, lo, r1));
        bottom[pp] = _mm512_castsi512_ps(_mm512_permutex2var_epi16(r0, hi, r1));
      }
      transpose16x16(top);
      transpose16x16(bottom);
      for (int i = 0; i < 16; i++) {
        _mm512_store_ps(reinterpret_cast<float*>(dst + (s * kMR + i) * kKB), top[i]);
        _mm512_store_ps(reinterpret_cast<float*>(dst + (s * kMR + 16 + i) * kKB), bottom[i]);
      }
    }
  } else {
    for (int64_t s = 0; s < steps; s++)
      for (int64_t i = 0; i < kMR; i++)
        for (int64_t q = 0; q < kKB; q++) {
          const int64_t p = s * kKB + q;
          dst[(s * kMR + i) * kKB + q] = i < mc && p < kc ? a[(i0 + i) * rs + (p0 + p) * cs] : 0;
        }
  }
}

struct Amx {
  using InT = uint16_t;
  using PackT = uint16_t;
  static constexpr int MR = kMR, NR = kNR;
  static constexpr int64_t MC = 256, KC = 512, NC = 512;  // KC a multiple of 32: only the last slice pads
  static constexpr int64_t PACK_A_MIN_NC = 0;             // tiles need padded panels: A is always packed
  static int64_t panelA(int64_t kc) { return roundK(kc) * kMR; }
  static int64_t panelB(int64_t kc) { return roundK(kc) * kNR; }
  static int aInPlace(const Operands&) { return 0; }
  static void packA(const Operands& op, int64_t i0, int64_t mc, int64_t p0, int64_t kc, uint16_t* dst) {
    gemm::packA(op, i0, mc, p0, kc, dst);
  }
  static void packB(const Operands& op, int64_t p0, int64_t kc, int64_t j0, int64_t nc, uint16_t* dst) {
    gemm::packB(op, p0, kc, j0, nc, dst);
  }
  static void micro(int mr, int nr, int64_t kc, int, const void* a, int64_t, const uint16_t* b, float* c, int64_t ldc,
                    const float*, const Epilogue& e) {
    microAmx(mr, nr, kc, static_cast<const uint16_t*>(a), b, c, ldc, e);
  }
};

// The driver's compute with the tiles configured on the calling thread, and released even when it
// throws (scratch allocation can).
void computeAmx(const Operands& op, const void* bp, const SuperBlock& s, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  static const TileConfig config;
  _tile_loadconfig(&config);
  struct Release {
    ~Release() { _tile_release(); }
  } release;
  Driver<Amx>::compute(op, bp, s, i0, i1, j0, j1);
}

}  // namespace

Kernels bf16Amx() {
  Kernels k = Driver<Amx>::kernels();
  k.compute = computeAmx;
  return k;
}

}  // namespace gemm
}  // namespace anneal

ANNEAL_TARGET_POP()

#else
namespace anneal {
namespace gemm {
Kernels bf16Amx() { return Kernels(); }
}  // namespace gemm
}  // namespace anneal
#endif
