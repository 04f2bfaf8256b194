// The contiguous kernels of kernels/impl.h with one-lane vectors: the path for CPUs without AVX2
// (and the reference the vector paths are compared with).
#include <cmath>
#include <cstdint>
#include <cstring>

#include "table.h"

namespace anneal {
namespace isa_portable {
#define ISA_NAME "portable"
#include "../simd/scalar.h"
#include "../simd/vmath.h"
#include "impl.h"
#undef ISA_NAME
}  // namespace isa_portable
const KernelTable* portableTable() { return &isa_portable::table; }
}  // namespace anneal
