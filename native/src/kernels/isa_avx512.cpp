// The contiguous kernels of kernels/impl.h compiled for avx512; chosen at run time (kernels/dispatch.cpp).
// Every include comes before the target region, so no standard-library code is built for avx512.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "table.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

// GCC 12 warns inside its own AVX-512 intrinsics (their _mm512_undefined_* placeholders)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma,bmi2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma,bmi2")
#endif

namespace anneal {
namespace isa_avx512 {
#define ISA_NAME "avx512"
#include "../simd/avx512.h"
#include "../simd/vmath.h"
#include "impl.h"
#undef ISA_NAME
}  // namespace isa_avx512
const KernelTable* avx512Table() { return &isa_avx512::table; }
}  // namespace anneal

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#else
namespace anneal {
const KernelTable* avx512Table() { return nullptr; }
}  // namespace anneal
#endif
