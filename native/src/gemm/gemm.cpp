// The GEMM front end: handles the degenerate shapes, picks the kernels for the active ISA, splits the
// work over the thread pool (over the batch, or over a grid of row and column blocks) and owns the
// per-thread scratch memory for packed panels. The loop nest and micro-kernels live in the per-ISA
// files (sgemm_*.cpp, bf16_*.cpp) behind the TileFn interface of internal.h.
#include "gemm.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

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

struct ThreadScratch {
  ScratchSlot slots[4];
  ~ThreadScratch() {
    for (ScratchSlot& s : slots) std::free(s.p);
  }
};

thread_local ThreadScratch threadScratch;

}  // namespace

void* scratch(int slot, size_t bytes) {
  ScratchSlot& s = threadScratch.slots[slot];
  if (s.bytes < bytes) {
    std::free(s.p);
    s.p = nullptr;
    s.bytes = 0;
    const size_t rounded = (bytes + 4095) & ~size_t(4095);
    void* p = nullptr;
    if (posix_memalign(&p, 4096, rounded) != 0) std::abort();  // out of memory inside a kernel
    s.p = p;
    s.bytes = rounded;
  }
  return s.p;
}

}  // namespace gemm

namespace {

using gemm::Blocking;
using gemm::Operands;
using gemm::TileFn;

struct Kernel {
  TileFn tile = nullptr;
  Blocking blocking{};
  const char* name = "";
};

Kernel make(TileFn (*get)(Blocking*), const char* name) {
  Kernel k;
  k.tile = get(&k.blocking);
  k.name = name;
  return k;
}

const Kernel& sgemmKernel() {
  static const Kernel portable = make(gemm::sgemmTilePortable, "portable");
  static const Kernel avx2 = make(gemm::sgemmTileAvx2, "avx2");
  static const Kernel avx512 = make(gemm::sgemmTileAvx512, "avx512");
  switch (activeIsa()) {
    case Isa::Avx512:
      if (avx512.tile) return avx512;
      [[fallthrough]];
    case Isa::Avx2:
      if (avx2.tile) return avx2;
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

// The bf16 kernels, best first. An AMX kernel (tdpbf16ps on 16 x 32 bf16 tiles, needing
// cpuFeatures().amxBf16) belongs first in this chain, named "amx", behind Bf16Kernel::Amx.
const Kernel& bf16Kernel() {
  static const Kernel native = make(gemm::bf16TileAvx512Bf16, "avx512bf16");
  static const Kernel portable = make(gemm::bf16TilePortable, "convert");
  static const Kernel avx2 = make(gemm::bf16TileAvx2, "convert");
  static const Kernel avx512 = make(gemm::bf16TileAvx512, "convert");
  const Isa isa = activeIsa();
  const int cap = bf16Cap.load(std::memory_order_relaxed);
  if (cap >= static_cast<int>(Bf16Kernel::Avx512Bf16) && isa == Isa::Avx512 && cpuFeatures().avx512bf16 && native.tile)
    return native;
  switch (isa) {
    case Isa::Avx512:
      if (avx512.tile) return avx512;
      [[fallthrough]];
    case Isa::Avx2:
      if (avx2.tile) return avx2;
      [[fallthrough]];
    default: return portable;
  }
}

inline int64_t offsetOf(const int64_t* offsets, int64_t b) { return offsets ? offsets[b] : 0; }

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

struct Grid {
  int tm = 1, tn = 1;
};

// Picks the rows x columns grid of nt threads with the least estimated time: the largest share of
// padded tiles, plus packing that every thread repeats (B for each row block, A for each column block).
Grid chooseGrid(int nt, int64_t m, int64_t n, int64_t k, const Blocking& b, bool packsA) {
  const int64_t mu = (m + b.mr - 1) / b.mr, nu = (n + b.nr - 1) / b.nr;
  Grid best;
  double bestCost = -1;
  for (int tm = 1; tm <= nt; tm++) {
    if (nt % tm) continue;
    const int tn = nt / tm;
    if (tm > mu || tn > nu) continue;
    const double rows = double((mu + tm - 1) / tm) * b.mr, cols = double((nu + tn - 1) / tn) * b.nr;
    // one packed element costs about as much as 16 multiply-add lanes (a vector op or two per element)
    const double cost = rows * cols * double(k) + 16.0 * double(k) * (cols + (packsA ? rows : 0.0));
    if (bestCost < 0 || cost < bestCost) {
      bestCost = cost;
      best = Grid{tm, tn};
    }
  }
  return best;
}

// Splits [0, units) into `parts` near-equal runs, in multiples of `unit`, capped at `total`.
inline void split(int64_t total, int64_t unit, int part, int parts, int64_t* begin, int64_t* end) {
  const int64_t units = (total + unit - 1) / unit;
  *begin = units * part / parts * unit;
  *end = units * (part + 1) / parts * unit;
  if (*begin > total) *begin = total;
  if (*end > total) *end = total;
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
    for (int64_t bi = 0; bi < g.batch; bi++) kern.tile(operands(bi), 0, g.m, 0, g.n);
    return;
  }
  const Blocking& blk = kern.blocking;
  const bool packsA = !(g.aColStride == 1 || g.aRowStride == 1) || sizeof(T) != sizeof(float);
  const Grid grid = chooseGrid(nt, g.m, g.n, g.k, blk, packsA);
  // Whole products per thread when the batch divides well enough: no packing is repeated.
  const int64_t perThread = (g.batch + nt - 1) / nt;
  const double gridMacs = double(g.batch) * ((g.m + grid.tm - 1) / grid.tm) * double((g.n + grid.tn - 1) / grid.tn) * g.k;
  if (g.batch >= nt && double(perThread) * macs <= gridMacs * 1.05) {
    parallelRun(nt, [&](int t, int parts) {
      const int64_t b0 = g.batch * t / parts, b1 = g.batch * (t + 1) / parts;
      for (int64_t bi = b0; bi < b1; bi++) kern.tile(operands(bi), 0, g.m, 0, g.n);
    });
    return;
  }
  parallelRun(grid.tm * grid.tn, [&](int t, int) {
    int64_t m0, m1, n0, n1;
    split(g.m, blk.mr, t / grid.tn, grid.tm, &m0, &m1);
    split(g.n, blk.nr, t % grid.tn, grid.tn, &n0, &n1);
    if (m0 >= m1 || n0 >= n1) return;
    for (int64_t bi = 0; bi < g.batch; bi++) kern.tile(operands(bi), m0, m1, n0, n1);
  });
}

}  // namespace

void sgemm(const SgemmArgs& args) { run<float>(sgemmKernel(), args); }

void gemmBf16(const Bf16GemmArgs& args) { run<uint16_t>(bf16Kernel(), args); }

const char* sgemmKernelName() { return sgemmKernel().name; }
const char* bf16GemmKernelName() { return bf16Kernel().name; }

void setBf16Kernel(Bf16Kernel cap) { bf16Cap.store(static_cast<int>(cap), std::memory_order_relaxed); }

}  // namespace anneal
