// The contiguous kernels of kernels/impl.h compiled for avx2; chosen at run time (kernels/dispatch.cpp).
// Every include comes before the target region, so no standard-library code is built for avx2.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "table.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,bmi2")
#endif

namespace anneal {
namespace isa_avx2 {
#define ISA_NAME "avx2"
#include "../simd/avx2.h"
#include "../simd/vmath.h"
#include "impl.h"
#undef ISA_NAME
}  // namespace isa_avx2
const KernelTable* avx2Table() { return &isa_avx2::table; }
}  // namespace anneal

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#else
namespace anneal {
const KernelTable* avx2Table() { return nullptr; }
}  // namespace anneal
#endif
