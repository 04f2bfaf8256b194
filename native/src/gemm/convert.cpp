// fp32 <-> bf16 / fp16 conversions. The scalar functions define the results; the AVX2 (+F16C) and
// AVX-512 loops give the same bits (the tests compare every 16-bit pattern and a large random set).
// f32 -> bf16 rounds with integer arithmetic rather than vcvtneps2bf16, which flushes subnormals to
// zero where PyTorch keeps them.
#include <cstring>

#include "../cpu.h"
#include "../threadpool.h"
#include "gemm.h"
#include "internal.h"

namespace anneal {

namespace {

inline uint32_t bitsOf(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  return u;
}
inline float floatOf(uint32_t u) {
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}

inline uint16_t bf16FromBits(uint32_t u) {
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40);  // NaN, made quiet
  return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1)) >> 16);
}

inline uint16_t f16FromBits(uint32_t u) {
  const uint32_t sign = (u >> 16) & 0x8000u, a = u & 0x7fffffffu;
  if (a > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u | ((a >> 13) & 0x3ffu));  // NaN, made quiet
  if (a >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // >= 65520 rounds to Inf
  if (a < 0x38800000u) {                                               // below 2^-14: fp16 subnormal or zero
    const uint32_t e = a >> 23;
    const int shift = 126 - static_cast<int>(e);  // value = m * 2^-shift in units of 2^-24
    if (e == 0 || shift > 24) return static_cast<uint16_t>(sign);
    const uint32_t m = (a & 0x7fffffu) | 0x800000u;
    uint32_t r = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (r & 1))) r++;
    return static_cast<uint16_t>(sign | r);
  }
  return static_cast<uint16_t>(sign | ((a - (112u << 23) + 0xfffu + ((a >> 13) & 1)) >> 13));
}

inline float f32FromF16(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
  if (e == 0x1f) return floatOf(sign | 0x7f800000u | (m ? 0x400000u | (m << 13) : 0));  // Inf, or NaN made quiet
  if (e == 0) return floatOf(sign | bitsOf(static_cast<float>(m) * 5.9604644775390625e-08f));  // m * 2^-24, exact
  return floatOf(sign | ((e + 112) << 23) | (m << 13));
}

void f32ToBf16Portable(const float* x, uint16_t* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = bf16FromBits(bitsOf(x[i]));
}
void bf16ToF32Portable(const uint16_t* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = floatOf(static_cast<uint32_t>(x[i]) << 16);
}
void f32ToF16Portable(const float* x, uint16_t* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = f16FromBits(bitsOf(x[i]));
}
void f16ToF32Portable(const uint16_t* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = f32FromF16(x[i]);
}

}  // namespace

namespace gemm {
// Vector loops (convert_x86.cpp): convert a leading part of the range and return its length.
int64_t convertX86(int kind, Isa isa, const void* x, void* y, int64_t n);
}  // namespace gemm

namespace {

enum Kind { kF32ToBf16 = 0, kBf16ToF32 = 1, kF32ToF16 = 2, kF16ToF32 = 3 };

template <typename In, typename Out>
void convert(Kind kind, const In* x, Out* y, int64_t n, void (*portable)(const In*, Out*, int64_t)) {
  const Isa isa = activeIsa();
  parallelFor(n, int64_t(1) << 16, [&](int64_t begin, int64_t end) {
    const int64_t done = gemm::convertX86(kind, isa, x + begin, y + begin, end - begin);
    portable(x + begin + done, y + begin + done, end - begin - done);
  });
}

}  // namespace

void f32ToBf16(const float* x, uint16_t* y, int64_t n) { convert(kF32ToBf16, x, y, n, f32ToBf16Portable); }
void bf16ToF32(const uint16_t* x, float* y, int64_t n) { convert(kBf16ToF32, x, y, n, bf16ToF32Portable); }
void f32ToF16(const float* x, uint16_t* y, int64_t n) { convert(kF32ToF16, x, y, n, f32ToF16Portable); }
void f16ToF32(const uint16_t* x, float* y, int64_t n) { convert(kF16ToF32, x, y, n, f16ToF32Portable); }

}  // namespace anneal
