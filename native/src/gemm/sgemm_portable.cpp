// Portable GEMM: plain C++ that any compiler vectorises for its baseline (SSE2 on x86-64, NEON on
// arm64). A 4 x 8 register tile of accumulators fits the 16 registers of the smallest of those.
// bf16 operands are converted to fp32 while packing.
#include <cstring>

#include "driver.h"

namespace anneal {
namespace gemm {
namespace {

constexpr int kMR = 4, kNR = 8;

inline float load1(const float* p) { return *p; }
inline float load1(const uint16_t* p) {
  const uint32_t u = uint32_t(*p) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// MODE 0: packed A (kMR per k step); 1: A(i,p) = a[i*as + p]; 2: A(i,p) = a[p*as + i].
template <int MR, int MODE>
void micro(int64_t kc, const float* a, int64_t as, const float* b, float* c, int64_t ldc, int nr, const float* next,
           const Epilogue& e) {
  (void)next;  // no portable prefetch
  float acc[MR][kNR] = {};
  const int64_t sI = MODE == 1 ? as : 1;
  const int64_t sP = MODE == 0 ? kMR : MODE == 1 ? 1 : as;
  for (int64_t p = 0; p < kc; p++) {
    const float* bp = b + p * kNR;
    for (int i = 0; i < MR; i++) {
      const float ai = a[p * sP + i * sI];
      for (int j = 0; j < kNR; j++) acc[i][j] += ai * bp[j];
    }
  }
  for (int i = 0; i < MR; i++) {
    float* cp = c + i * ldc;
    for (int j = 0; j < nr; j++) {
      float v;
      if (!e.first) {
        v = cp[j] + e.alpha * acc[i][j];
      } else {
        v = e.alpha * acc[i][j];
        if (e.beta != 0) v += e.beta * cp[j];
        if (e.bias) v += e.bias[j];
      }
      cp[j] = v;
    }
  }
}

using MicroFn = void (*)(int64_t, const float*, int64_t, const float*, float*, int64_t, int, const float*, const Epilogue&);
const MicroFn tables[3][kMR + 1] = {
    {nullptr, micro<1, 0>, micro<2, 0>, micro<3, 0>, micro<4, 0>},
    {nullptr, micro<1, 1>, micro<2, 1>, micro<3, 1>, micro<4, 1>},
    {nullptr, micro<1, 2>, micro<2, 2>, micro<3, 2>, micro<4, 2>},
};

template <typename T>
void packB(const Operands& op, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) {
  const T* b = static_cast<const T*>(op.b);
  for (int64_t jp = 0; jp < nc; jp += kNR, dst += kc * kNR) {
    const int64_t w = minI(kNR, nc - jp);
    for (int64_t p = 0; p < kc; p++) {
      const T* src = b + (p0 + p) * op.brs + (j0 + jp) * op.bcs;
      for (int64_t jj = 0; jj < kNR; jj++) dst[p * kNR + jj] = jj < w ? load1(src + jj * op.bcs) : 0.0f;
    }
  }
}

template <typename T>
void packA(const Operands& op, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* dst) {
  const T* a = static_cast<const T*>(op.a);
  for (int64_t ip = 0; ip < mc; ip += kMR, dst += kc * kMR) {
    const int64_t h = minI(kMR, mc - ip);
    for (int64_t p = 0; p < kc; p++) {
      const T* src = a + (i0 + ip) * op.ars + (p0 + p) * op.acs;
      for (int64_t ii = 0; ii < kMR; ii++) dst[p * kMR + ii] = ii < h ? load1(src + ii * op.ars) : 0.0f;
    }
  }
}

template <typename T>
struct Portable {
  using InT = T;
  using PackT = float;
  static constexpr int MR = kMR, NR = kNR;
  static constexpr int64_t MC = 128, KC = 256, NC = 512, PACK_A_MIN_NC = 0;  // always pack A: plain loops vectorise packed panels best
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
    tables[mode][mr](kc, static_cast<const float*>(a), as, b, c, ldc, nr, next, e);
  }
};

}  // namespace

Kernels sgemmPortable() { return Driver<Portable<float>>::kernels(); }

Kernels bf16Portable() { return Driver<Portable<uint16_t>>::kernels(); }

}  // namespace gemm
}  // namespace anneal
