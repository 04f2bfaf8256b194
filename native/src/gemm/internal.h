// What gemm.cpp (the portable front end: checks, threading, scratch memory) shares with the
// per-ISA translation units that hold the packing routines and micro-kernels. Nothing here is
// ISA-specific, so every file may include it before its `#pragma GCC target`.
#pragma once
#include <cstddef>
#include <cstdint>

namespace anneal {
namespace gemm {

// One product C = alpha A B + beta C (+ bias) of a batch, with the batch offsets already applied.
// Operand elements are float or bf16 (uint16) depending on the entry point.
struct Operands {
  int64_t m, n, k;
  const void* a;
  int64_t ars, acs;  // A(i, p) = a[i * ars + p * acs]
  const void* b;
  int64_t brs, bcs;  // B(p, j) = b[p * brs + j * bcs]
  float* c;
  int64_t ldc;
  float alpha, beta;
  const float* bias;  // bias[j], or nullptr
};

// The cache blocking an ISA's driver uses (in elements): the threads' blocks round to mr / nr.
struct Blocking {
  int mr, nr;
  int64_t mc, kc, nc;
};

// The part of B packed at once: k in [k0, k1), columns [j0, j1); k0 and j0 are multiples of the
// ISA's KC and NR (from the product's origin). Packed, it is ceil((k1 - k0) / KC) slices of
// sliceStride elements, each holding the slice's NR-wide panels in column order.
struct SuperBlock {
  int64_t k0, k1, j0, j1;
};

// One ISA's GEMM, in the pieces the front end schedules over threads (driver.h).
struct Kernels {
  Blocking blocking{};
  size_t packSize = 0;  // bytes per packed element; 0: not available on this build
  int64_t (*sliceStride)(const SuperBlock& s) = nullptr;
  // Packs one KC slice of columns [j0, j1) of the super-block into bp (the whole super-block's buffer).
  void (*pack)(const Operands& op, const SuperBlock& s, int64_t slice, int64_t j0, int64_t j1, void* bp) = nullptr;
  // C rows [i0, i1) x columns [j0, j1) (inside s, j0 NR-aligned) over s's k range, from packed B.
  void (*compute)(const Operands& op, const void* bp, const SuperBlock& s, int64_t i0, int64_t i1, int64_t j0,
                  int64_t j1) = nullptr;
};

// Scratch memory for packed panels, one buffer per (thread, slot), 4 KiB aligned, grown on demand
// and kept for the thread's lifetime (pool workers are persistent). Slot 0: packed B (the caller's
// is shared with the workers during a call), slot 1: a packed A micro-panel. Defined in gemm.cpp.
void* scratch(int slot, size_t bytes);

// Each translation unit's kernels; packSize 0 where the compiler or the machine cannot have them.
Kernels sgemmPortable();
Kernels sgemmAvx2();
Kernels sgemmAvx512();
// bf16 operands: the fp32 kernels on panels converted to fp32 while packing, or vdpbf16ps.
Kernels bf16Portable();
Kernels bf16Avx2();
Kernels bf16Avx512();
Kernels bf16Avx512Bf16();
// bf16 operands on AMX tiles (tdpbf16ps); packSize 0 where the compiler cannot emit them.
Kernels bf16Amx();

}  // namespace gemm
}  // namespace anneal
