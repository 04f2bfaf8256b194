// The GEMM front end: handles the degenerate shapes, picks the kernels for the active ISA, splits the
// work over the thread pool (whole products of a batch, or the blocks of C of one product, handed
// out one at a time) and owns the per-thread scratch memory for packed panels. The loop nest and micro-kernels live in the per-ISA
// files (sgemm_*.cpp, bf16_*.cpp) behind the Kernels interface of internal.h.
#include "gemm.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include "../cpu.h"
#include "../threadpool.h"
#include "internal.h"

namespace anneal {

namespace gemm {

namespace {

struct ScratchSlot {
  void* p = nullptr;
  size_t bytes = 0;
};

constexpr std::align_val_t kScratchAlign{4096};

struct ThreadScratch {
  ScratchSlot slots[4];
  ~ThreadScratch() {
    for (ScratchSlot& s : slots)
      if (s.p) ::operator delete(s.p, kScratchAlign);
  }
};

thread_local ThreadScratch threadScratch;

}  // namespace

void* scratch(int slot, size_t bytes) {
  ScratchSlot& s = threadScratch.slots[slot];
  if (s.bytes < bytes) {
    if (s.p) ::operator delete(s.p, kScratchAlign);
    s.p = nullptr;
    s.bytes = 0;
    const size_t rounded = (bytes + 4095) & ~size_t(4095);
    s.p = ::operator new(rounded, kScratchAlign);  // std::bad_alloc reaches the caller (the pool rethrows)
    s.bytes = rounded;
  }
  return s.p;
}

}  // namespace gemm

namespace {

using gemm::Blocking;
using gemm::Kernels;
using gemm::Operands;
using gemm::SuperBlock;

struct Kernel {
  Kernels k;
  const char* name = "";
  bool available() const { return k.packSize != 0; }
};

const Kernel& sgemmKernel() {
  static const Kernel portable{gemm::sgemmPortable(), "portable"};
  static const Kernel avx2{gemm::sgemmAvx2(), "avx2"};
  static const Kernel avx512{gemm::sgemmAvx512(), "avx512"};
  switch (activeIsa()) {
    case Isa::Avx512:
      if (avx512.available()) return avx512;
      [[fallthrough]];
    case Isa::Avx2:
      if (avx2.available()) return avx2;
      [[fallthrough]];
    default: return portable;
  }
}

Bf16Kernel initialBf16Cap() {
  const char* env = std::getenv("ANNEAL_BF16");
  if (env && std::strcmp(env, "convert") == 0) return Bf16Kernel::Convert;
  if (env && std::strcmp(env, "avx512bf16") == 0) return Bf16Kernel::Avx512Bf16;
  return Bf16Kernel::Amx;
}

std::atomic<int> bf16Cap{static_cast<int>(initialBf16Cap())};

// The bf16 kernels, best first: AMX tiles (cpu.cpp reports AMX only once Linux granted the tile
// state), vdpbf16ps, then the fp32 kernels on converted panels.
const Kernel& bf16Kernel() {
  static const Kernel amx{gemm::bf16Amx(), "amx"};
  static const Kernel native{gemm::bf16Avx512Bf16(), "avx512bf16"};
  static const Kernel portable{gemm::bf16Portable(), "convert"};
  static const Kernel avx2{gemm::bf16Avx2(), "convert"};
  static const Kernel avx512{gemm::bf16Avx512(), "convert"};
  const Isa isa = activeIsa();
  const int cap = bf16Cap.load(std::memory_order_relaxed);
  const CpuFeatures& f = cpuFeatures();
  if (cap >= static_cast<int>(Bf16Kernel::Amx) && isa == Isa::Avx512 && f.amxTile && f.amxBf16 && f.avx512bf16 &&
      amx.available())
    return amx;
  if (cap >= static_cast<int>(Bf16Kernel::Avx512Bf16) && isa == Isa::Avx512 && cpuFeatures().avx512bf16 && native.available())
    return native;
  switch (isa) {
    case Isa::Avx512:
      if (avx512.available()) return avx512;
      [[fallthrough]];
    case Isa::Avx2:
      if (avx2.available()) return avx2;
      [[fallthrough]];
    default: return portable;
  }
}

inline int64_t offsetOf(const int64_t* offsets, int64_t b) { return offsets ? offsets[b] : 0; }
inline int64_t roundUp(int64_t x, int64_t unit) { return (x + unit - 1) / unit * unit; }
inline int64_t ceilDiv(int64_t x, int64_t y) { return (x + y - 1) / y; }

// C = beta C (+ bias): the whole product when k == 0.
void scaleOnly(const Operands& op) {
  for (int64_t i = 0; i < op.m; i++) {
    float* c = op.c + i * op.ldc;
    for (int64_t j = 0; j < op.n; j++) {
      float v = op.beta != 0 ? op.beta * c[j] : 0.0f;
      if (op.bias) v += op.bias[j];
      c[j] = v;
    }
  }
}

// Work below this many multiply-adds per thread is not worth waking a worker for.
constexpr double kMinMacsPerThread = 1 << 16;
// Packed B elements held at once (16 MiB of fp32): all of B for every training shape.
constexpr int64_t kSuperBlockElements = int64_t(1) << 22;

// How B is cut into super-blocks: all of it when it fits the budget, else NC-wide column groups
// and KC-deep k ranges that do.
void superBlockShape(const Blocking& b, int64_t n, int64_t k, int64_t* cols, int64_t* depth) {
  const int64_t kPad = roundUp(k, b.kc), nPad = roundUp(n, b.nr);
  *cols = n;
  *depth = k;
  if (kPad * nPad <= kSuperBlockElements) return;
  *cols = std::max<int64_t>(b.nc, kSuperBlockElements / kPad / b.nc * b.nc);
  if (*cols >= n) *cols = n;
  if (kPad * roundUp(*cols, b.nr) > kSuperBlockElements)
    *depth = std::max<int64_t>(b.kc, kSuperBlockElements / roundUp(*cols, b.nr) / b.kc * b.kc);
}

// One product on nt threads (nt == 1: the calling thread only). B's super-block is packed into the
// caller's scratch and shared; the blocks of C are handed out one at a time, so a thread that was
// preempted (the machine is shared) simply takes fewer of them. The result does not depend on who
// computes which block: every element sees the same sequence of operations.
void product(const Kernel& kern, const Operands& op, int nt) {
  const Kernels& K = kern.k;
  const Blocking& b = K.blocking;
  int64_t cols, depth;
  superBlockShape(b, op.n, op.k, &cols, &depth);
  for (int64_t j0 = 0; j0 < op.n; j0 += cols)
    for (int64_t k0 = 0; k0 < op.k; k0 += depth) {
      const SuperBlock s{k0, std::min(op.k, k0 + depth), j0, std::min(op.n, j0 + cols)};
      const int64_t slices = ceilDiv(s.k1 - s.k0, b.kc), width = s.j1 - s.j0;
      void* bp = gemm::scratch(0, size_t(slices * K.sliceStride(s)) * K.packSize);
      // pack: one unit per (slice, NC-wide column group)
      const int64_t groups = ceilDiv(width, b.nc), units = slices * groups;
      auto packUnits = [&](int64_t u0, int64_t u1) {
        for (int64_t u = u0; u < u1; u++) {
          const int64_t g = u % groups, j = s.j0 + g * b.nc;
          K.pack(op, s, u / groups, j, std::min(s.j1, j + b.nc), bp);
        }
      };
      if (nt > 1 && units > 1 && (s.k1 - s.k0) * width >= (1 << 15)) parallelFor(units, 1, packUnits);
      else packUnits(0, units);
      // blocks of C: MC x NC at most; with threads, enough blocks that handing them out dynamically
      // balances the load (up to 32 per thread, none much under a million multiply-adds)
      int64_t rowsPer = b.mc, colsPer = std::min<int64_t>(b.nc, roundUp(width, b.nr));
      if (nt > 1) {
        const double macs = double(op.m) * double(width) * double(s.k1 - s.k0);
        const int64_t want = std::max<int64_t>(4 * nt, std::min<int64_t>(32 * nt, int64_t(macs / (1 << 20))));
        const int64_t colBlocks = ceilDiv(width, colsPer);
        rowsPer = std::max<int64_t>(b.mr, std::min<int64_t>(b.mc, roundUp(ceilDiv(op.m, ceilDiv(want, colBlocks)), b.mr)));
        const int64_t rowBlocks = ceilDiv(op.m, rowsPer);
        if (rowBlocks * colBlocks < want)
          colsPer = std::max<int64_t>(b.nr, roundUp(ceilDiv(width, ceilDiv(want, rowBlocks)), b.nr));
      }
      const int64_t rowBlocks = ceilDiv(op.m, rowsPer), colBlocks = ceilDiv(width, colsPer), blocks = rowBlocks * colBlocks;
      auto computeBlock = [&](int64_t blk) {
        const int64_t i = blk / colBlocks * rowsPer, j = s.j0 + blk % colBlocks * colsPer;
        K.compute(op, bp, s, i, std::min(op.m, i + rowsPer), j, std::min(s.j1, j + colsPer));
      };
      if (nt <= 1 || blocks < 2) {
        for (int64_t blk = 0; blk < blocks; blk++) computeBlock(blk);
        continue;
      }
      std::atomic<int64_t> nextBlock{0};
      parallelRun(nt, [&](int, int) {
        for (int64_t blk; (blk = nextBlock.fetch_add(1, std::memory_order_relaxed)) < blocks;) computeBlock(blk);
      });
    }
}

template <typename T, typename Args>
void run(const Kernel& kern, const Args& g) {
  if (g.m <= 0 || g.n <= 0 || g.batch <= 0) return;
  auto operands = [&](int64_t bi) {
    Operands op;
    op.m = g.m;
    op.n = g.n;
    op.k = g.k < 0 ? 0 : g.k;
    op.a = g.a + offsetOf(g.aOffsets, bi);
    op.ars = g.aRowStride;
    op.acs = g.aColStride;
    op.b = g.b + offsetOf(g.bOffsets, bi);
    op.brs = g.bRowStride;
    op.bcs = g.bColStride;
    op.c = g.c + offsetOf(g.cOffsets, bi);
    op.ldc = g.ldc;
    op.alpha = g.alpha;
    op.beta = g.beta;
    op.bias = g.bias;
    return op;
  };
  if (g.k <= 0) {
    for (int64_t bi = 0; bi < g.batch; bi++) scaleOnly(operands(bi));
    return;
  }
  const double macs = double(g.m) * double(g.n) * double(g.k);
  const double most = macs * double(g.batch) / kMinMacsPerThread;
  int nt = numThreads();
  if (most < nt) nt = most < 1 ? 1 : static_cast<int>(most);
  if (nt <= 1) {
    for (int64_t bi = 0; bi < g.batch; bi++) product(kern, operands(bi), 1);
    return;
  }
  // Many products: whole products per thread, handed out one at a time (no packing is shared or
  // repeated). Few: one after another, each split over the threads.
  if (g.batch >= 4 * nt || g.batch % nt == 0) {
    std::atomic<int64_t> nextItem{0};
    parallelRun(nt, [&](int, int) {
      for (int64_t bi; (bi = nextItem.fetch_add(1, std::memory_order_relaxed)) < g.batch;) product(kern, operands(bi), 1);
    });
    return;
  }
  for (int64_t bi = 0; bi < g.batch; bi++) product(kern, operands(bi), nt);
}

}  // namespace

void sgemm(const SgemmArgs& args) { run<float>(sgemmKernel(), args); }

void gemmBf16(const Bf16GemmArgs& args) { run<uint16_t>(bf16Kernel(), args); }

const char* sgemmKernelName() { return sgemmKernel().name; }
const char* bf16GemmKernelName() { return bf16Kernel().name; }

void setBf16Kernel(Bf16Kernel cap) { bf16Cap.store(static_cast<int>(cap), std::memory_order_relaxed); }

}  // namespace anneal
