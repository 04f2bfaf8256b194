// Placeholder reference implementation (plain loops) until the packed, dispatched kernels land.
#include "gemm.h"
#include <cmath>
#include <cstring>

namespace anneal {

template <typename T, typename Load>
static void naive(int64_t m, int64_t n, int64_t k, int64_t batch, const T* a, const int64_t* aOff, int64_t ars, int64_t acs,
                  const T* b, const int64_t* bOff, int64_t brs, int64_t bcs, float* c, const int64_t* cOff, int64_t ldc,
                  float alpha, float beta, const float* bias, Load load) {
  for (int64_t bi = 0; bi < batch; bi++) {
    const T* A = a + aOff[bi];
    const T* B = b + bOff[bi];
    float* C = c + cOff[bi];
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) {
        float s = 0;
        for (int64_t p = 0; p < k; p++) s += load(A[i * ars + p * acs]) * load(B[p * brs + j * bcs]);
        float v = alpha * s;
        if (beta != 0) v += beta * C[i * ldc + j];
        if (bias) v += bias[j];
        C[i * ldc + j] = v;
      }
  }
}

static float bf16(uint16_t h) {
  uint32_t u = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

void sgemm(const SgemmArgs& g) {
  naive(g.m, g.n, g.k, g.batch, g.a, g.aOffsets, g.aRowStride, g.aColStride, g.b, g.bOffsets, g.bRowStride, g.bColStride,
        g.c, g.cOffsets, g.ldc, g.alpha, g.beta, g.bias, [](float x) { return x; });
}

void gemmBf16(const Bf16GemmArgs& g) {
  naive(g.m, g.n, g.k, g.batch, g.a, g.aOffsets, g.aRowStride, g.aColStride, g.b, g.bOffsets, g.bRowStride, g.bColStride,
        g.c, g.cOffsets, g.ldc, g.alpha, g.beta, g.bias, bf16);
}

void f32ToBf16(const float* x, uint16_t* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    uint32_t u;
    std::memcpy(&u, &x[i], 4);
    if (std::isnan(x[i])) y[i] = uint16_t((u >> 16) | 0x40);
    else y[i] = uint16_t((u + 0x7fff + ((u >> 16) & 1)) >> 16);
  }
}
void bf16ToF32(const uint16_t* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = bf16(x[i]);
}
void f32ToF16(const float*, uint16_t*, int64_t) {}
void f16ToF32(const uint16_t*, float*, int64_t) {}

const char* sgemmKernelName() { return "naive"; }
const char* bf16GemmKernelName() { return "naive"; }

}  // namespace anneal
