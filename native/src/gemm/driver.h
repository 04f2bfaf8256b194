// The GotoBLAS/BLIS loop nest shared by every ISA, seen from C^T = B^T A^T (the micro-kernels
// broadcast A and load B as vectors, so A plays the part of BLIS's B):
//   B is packed, KC-deep slice by slice, into NR-wide panels for a whole "super-block" of columns
//   (usually all of B), once, shared by every thread; then each block of C (MC rows x NC columns,
//   handed to the threads one by one) runs through the KC slices while it stays in L2, and in each
//   slice, for each MR-row micro-panel of A (packed into an L1-sized buffer, or read in place) the
//   micro-kernel sweeps along the B panels, which stream from L2 while A's micro-panel stays in L1.
//
// Included by each ISA's translation unit after its `#pragma GCC target`, so everything here is
// compiled for that ISA; all of it has internal linkage, so no inline function compiled with one
// ISA's instructions can be picked by the linker for another (the usual pitfall of target pragmas).
// Policy K supplies:
//   InT, PackT                 element type of the operands, and of the packed panels
//   MR, NR, MC, KC, NC         register tile and cache blocks (MC % MR == 0, NC % NR == 0)
//   PACK_A_MIN_NC              from this block width on, an A that could be read in place is packed
//   panelA(kc), panelB(kc)     elements in one packed A / B panel of kc
//   aInPlace(op)               0: pack A; 1: read rows in place (A(i,p) at a[i*ars + p]);
//                              2: read columns in place (A(i,p) at a[p*acs + i])
//   packA(op, i0, mr, p0, kc, dst), packB(op, p0, kc, j0, nc, dst)
//   micro(mr, nr, kc, aMode, a, aStride, b, c, ldc, nextC, epilogue)   nextC: prefetch hint
#pragma once
#include "internal.h"

namespace anneal {
namespace gemm {
namespace {

inline int64_t minI(int64_t a, int64_t b) { return a < b ? a : b; }

// What the micro-kernel does with its accumulators: on the first KC slice C = alpha acc + beta C
// (+ bias; beta == 0 reads nothing), on later ones C += alpha acc.
struct Epilogue {
  float alpha, beta;
  const float* bias;  // already offset to the tile's first column; nullptr if none
  bool first;
};

// Whether to copy each MR-row micro-panel of an A that could be read in place into a contiguous
// buffer first: worth it once the panel is reused for enough B panels, and needed when A's rows (or
// columns) sit a multiple of 2 KiB apart, where they would all compete for the same L1 sets.
template <class K>
bool packInPlaceA(const Operands& op, int mode, int64_t nc) {
  const int64_t stride = (mode == 1 ? op.ars : op.acs) * static_cast<int64_t>(sizeof(typename K::InT));
  return nc >= K::PACK_A_MIN_NC || (stride % 2048 == 0 && op.k > 64);
}

template <class K>
struct Driver {
  using PackT = typename K::PackT;

  static int64_t sliceStride(const SuperBlock& s) { return K::panelB(K::KC) * ((s.j1 - s.j0 + K::NR - 1) / K::NR); }

  // Packs slice `slice` (k from s.k0 + slice * KC) of columns [j0, j1) (NR-aligned from s.j0).
  static void pack(const Operands& op, const SuperBlock& s, int64_t slice, int64_t j0, int64_t j1, void* bp) {
    const int64_t pc = s.k0 + slice * K::KC, kc = minI(K::KC, s.k1 - pc);
    PackT* dst = static_cast<PackT*>(bp) + slice * sliceStride(s) + (j0 - s.j0) / K::NR * K::panelB(kc);
    K::packB(op, pc, kc, j0, j1 - j0, dst);
  }

  // C rows [i0, i1) x columns [j0, j1) (NR-aligned from s.j0) over the super-block's k range.
  static void compute(const Operands& op, const void* bpv, const SuperBlock& s, int64_t i0, int64_t i1, int64_t j0,
                      int64_t j1) {
    const PackT* bp = static_cast<const PackT*>(bpv);
    PackT* ap = static_cast<PackT*>(scratch(1, sizeof(PackT) * K::panelA(K::KC)));
    const int layout = K::aInPlace(op);
    const int mode = layout != 0 && packInPlaceA<K>(op, layout, j1 - j0) ? 0 : layout;
    const int64_t inSize = sizeof(typename K::InT), stride = sliceStride(s);
    for (int64_t ic = i0; ic < i1; ic += K::MC) {
      const int64_t icEnd = minI(i1, ic + K::MC);
      for (int64_t pc = s.k0, slice = 0; pc < s.k1; pc += K::KC, slice++) {
        const int64_t kc = minI(K::KC, s.k1 - pc), pb = K::panelB(kc);
        const PackT* b = bp + slice * stride + (j0 - s.j0) / K::NR * pb;
        for (int64_t ir = ic; ir < icEnd; ir += K::MR) {
          const int mr = static_cast<int>(minI(K::MR, icEnd - ir));
          const void* a;  // A's micro-panel: packed into L1 here, or read where it is
          int64_t aStride = 0;
          if (mode == 0) {
            K::packA(op, ir, mr, pc, kc, ap);
            a = ap;
          } else {
            a = static_cast<const char*>(op.a) + (ir * op.ars + pc * op.acs) * inSize;
            aStride = mode == 1 ? op.ars : op.acs;
          }
          float* c = op.c + ir * op.ldc + j0;
          const int64_t nc = j1 - j0;
          for (int64_t jr = 0; jr < nc; jr += K::NR) {
            const int nr = static_cast<int>(minI(K::NR, nc - jr));
            // the next tile's C, for the kernel to prefetch while it computes this one
            const float* next = jr + K::NR < nc ? c + jr + K::NR : ir + K::MR < icEnd ? c + K::MR * op.ldc : c;
            Epilogue e{op.alpha, op.beta, op.bias ? op.bias + j0 + jr : nullptr, pc == 0};
            K::micro(mr, nr, kc, mode, a, aStride, b + (jr / K::NR) * pb, c + jr, op.ldc, next, e);
          }
        }
      }
    }
  }

  static Kernels kernels() {
    Kernels k;
    k.blocking = Blocking{K::MR, K::NR, K::MC, K::KC, K::NC};
    k.packSize = sizeof(PackT);
    k.sliceStride = sliceStride;
    k.pack = pack;
    k.compute = compute;
    return k;
  }
};

}  // namespace
}  // namespace gemm
}  // namespace anneal
