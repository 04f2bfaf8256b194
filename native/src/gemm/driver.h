// The GotoBLAS/BLIS loop nest shared by every ISA: for each NC block of columns and KC block of the
// shared dimension, pack B into NR-wide panels; for each MC block of rows, pack A into MR-high
// panels (or read it in place when its layout already suits the micro-kernel); then sweep the
// micro-kernel over the MR x NR tiles, B's panel staying in L1 while A's block streams from L2.
//
// Included by each ISA's translation unit after its `#pragma GCC target`, so everything here is
// compiled for that ISA; all of it has internal linkage, so no inline function compiled with one
// ISA's instructions can be picked by the linker for another (the usual pitfall of target pragmas).
// Policy K supplies:
//   InT, PackT                 element type of the operands, and of the packed panels
//   MR, NR, MC, KC, NC         register tile and cache blocks (MC % MR == 0, NC % NR == 0)
//   panelA(kc), panelB(kc)     elements in one packed A / B panel of kc
//   aInPlace(op)               0: pack A; 1: read rows in place (A(i,p) at a[i*ars + p]);
//                              2: read columns in place (A(i,p) at a[p*acs + i])
//   packA(op, i0, mc, p0, kc, dst), packB(op, p0, kc, j0, nc, dst)
//   micro(mr, nr, kc, aMode, a, aStride, b, c, ldc, epilogue)
#pragma once
#include "internal.h"

namespace anneal {
namespace gemm {
namespace {

inline int64_t minI(int64_t a, int64_t b) { return a < b ? a : b; }

// What the micro-kernel does with its accumulators: on the first KC block C = alpha acc + beta C
// (+ bias; beta == 0 reads nothing), on later ones C += alpha acc.
struct Epilogue {
  float alpha, beta;
  const float* bias;  // already offset to the tile's first column; nullptr if none
  bool first;
};

template <class K>
void macroTile(const Operands& op, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  using PackT = typename K::PackT;
  const int64_t k = op.k;
  const int mode = K::aInPlace(op);
  PackT* bp = static_cast<PackT*>(scratch(0, sizeof(PackT) * K::panelB(K::KC) * (K::NC / K::NR)));
  PackT* ap = mode == 0 ? static_cast<PackT*>(scratch(1, sizeof(PackT) * K::panelA(K::KC) * (K::MC / K::MR))) : nullptr;
  for (int64_t jc = n0; jc < n1; jc += K::NC) {
    const int64_t nc = minI(K::NC, n1 - jc);
    for (int64_t pc = 0; pc < k; pc += K::KC) {
      const int64_t kc = minI(K::KC, k - pc);
      K::packB(op, pc, kc, jc, nc, bp);
      const int64_t pb = K::panelB(kc);
      for (int64_t ic = m0; ic < m1; ic += K::MC) {
        const int64_t mc = minI(K::MC, m1 - ic);
        const char* aBase;  // a tile's A; the next tile (MR rows on) starts aStep bytes later
        int64_t aStride, aStep;
        if (mode == 0) {
          K::packA(op, ic, mc, pc, kc, ap);
          aBase = reinterpret_cast<const char*>(ap);
          aStride = 0;
          aStep = K::panelA(kc) * static_cast<int64_t>(sizeof(PackT));
        } else {
          const int64_t size = sizeof(typename K::InT);
          aBase = static_cast<const char*>(op.a) + (ic * op.ars + pc * op.acs) * size;
          aStride = mode == 1 ? op.ars : op.acs;
          aStep = K::MR * (mode == 1 ? op.ars : 1) * size;
        }
        for (int64_t jr = 0; jr < nc; jr += K::NR) {
          const int nr = static_cast<int>(minI(K::NR, nc - jr));
          const PackT* b = bp + (jr / K::NR) * pb;
          Epilogue e{op.alpha, op.beta, op.bias ? op.bias + jc + jr : nullptr, pc == 0};
          for (int64_t ir = 0; ir < mc; ir += K::MR) {
            const int mr = static_cast<int>(minI(K::MR, mc - ir));
            const void* a = aBase + (ir / K::MR) * aStep;
            float* c = op.c + (ic + ir) * op.ldc + jc + jr;
            K::micro(mr, nr, kc, mode, a, aStride, b, c, op.ldc, e);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace gemm
}  // namespace anneal
