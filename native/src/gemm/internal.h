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

// The cache blocking an ISA's driver uses (in elements): the thread split rounds to mr / nr.
struct Blocking {
  int mr, nr;
  int64_t mc, kc, nc;
};

// Computes rows [m0, m1) x columns [n0, n1) of one product on the calling thread.
using TileFn = void (*)(const Operands& op, int64_t m0, int64_t m1, int64_t n0, int64_t n1);

// Scratch memory for packed panels, one buffer per (thread, slot), 64-byte aligned, grown on demand
// and kept for the thread's lifetime (pool workers are persistent). Defined in gemm.cpp.
void* scratch(int slot, size_t bytes);

// Entry points of each translation unit; a TU built for an ISA the compiler cannot target, or a
// non-x86 machine, defines them as nullptr-returning stubs, and the front end falls back.
TileFn sgemmTilePortable(Blocking* blocking);
TileFn sgemmTileAvx2(Blocking* blocking);
TileFn sgemmTileAvx512(Blocking* blocking);
// bf16 operands: the fp32 kernels on panels converted to fp32 while packing, or vdpbf16ps.
TileFn bf16TilePortable(Blocking* blocking);
TileFn bf16TileAvx2(Blocking* blocking);
TileFn bf16TileAvx512(Blocking* blocking);
TileFn bf16TileAvx512Bf16(Blocking* blocking);

}  // namespace gemm
}  // namespace anneal
