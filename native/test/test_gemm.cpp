// sgemm and gemmBf16 against a naive double-precision loop, on every path this CPU has (portable,
// avx2, avx512; bf16: convert on each of those, avx512bf16, amx) at 1, 2 and 3 threads: random shapes with
// odd sizes around the register tiles and cache blocks, every operand layout (row- and column-major,
// padded, general strides, stride 0), batches with arbitrary and shared offsets, ldc > n, alpha, beta
// (beta 0 with C full of NaN), bias, k = 0, empty products, NaN and Inf inputs. Every path must give
// the same bits at any thread count, and never write outside C's rows.
#include <cmath>
#include <string>
#include <vector>

#include "../src/cpu.h"
#include "../src/gemm/gemm.h"
#include "../src/threadpool.h"
#include "check.h"

using namespace anneal;

namespace {

const uint32_t kSentinel = 0x7fc0dead;  // a NaN that marks C memory the product must not touch

enum class Layout { RowMajor, ColMajor, PaddedRows, PaddedCols, Strided, RepeatRows, RepeatCols, COUNT };
const char* layoutName(Layout l) {
  static const char* names[] = {"rowMajor", "colMajor", "paddedRows", "paddedCols", "strided", "repeatRows", "repeatCols"};
  return names[int(l)];
}

struct Operand {
  std::vector<float> data;  // fp32 values (for bf16 runs: already bf16-representable)
  std::vector<int64_t> offsets;
  int64_t rs = 0, cs = 0;
  double at(int64_t b, int64_t r, int64_t c) const { return data[size_t(offsets[size_t(b)] + r * rs + c * cs)]; }
};

float roundBf16(float x) {
  uint16_t h;
  f32ToBf16(&x, &h, 1);
  return floatOf(uint32_t(h) << 16);
}

// `batch` rows x cols matrices in one buffer, from `distinct` slabs at random offsets (shared
// slabs are a broadcast batch dim).
Operand makeOperand(Layout kind, int64_t rows, int64_t cols, int64_t batch, std::mt19937& rng, bool bf16, double specials) {
  Operand o;
  switch (kind) {
    case Layout::RowMajor: o.rs = cols, o.cs = 1; break;
    case Layout::ColMajor: o.rs = 1, o.cs = rows; break;
    case Layout::PaddedRows: o.rs = cols + 3, o.cs = 1; break;
    case Layout::PaddedCols: o.rs = 1, o.cs = rows + 2; break;
    case Layout::Strided: o.rs = 2 * cols + 1, o.cs = 2; break;
    case Layout::RepeatRows: o.rs = 0, o.cs = 1; break;
    case Layout::RepeatCols: o.rs = 1, o.cs = 0; break;
    default: break;
  }
  const int64_t extent = rows > 0 && cols > 0 ? (rows - 1) * o.rs + (cols - 1) * o.cs + 1 : 1;
  const int64_t distinct = 1 + int64_t(rng() % uint32_t(batch > 0 ? batch : 1)), gap = rng() % 4, base = rng() % 6;
  std::uniform_real_distribution<float> dist(-2, 2);
  o.data.resize(size_t(base + distinct * (extent + gap) + rng() % 4));
  std::uniform_real_distribution<double> u01(0, 1);
  for (float& v : o.data) {
    v = dist(rng);
    if (bf16) v = roundBf16(v);
    if (specials > 0 && u01(rng) < specials) {
      const int s = rng() % 3;
      v = s == 0 ? NAN : s == 1 ? INFINITY : -INFINITY;
    }
  }
  for (int64_t b = 0; b < batch; b++) o.offsets.push_back(base + int64_t(rng() % uint32_t(distinct)) * (extent + gap));
  return o;
}

struct Case {
  int64_t m, n, k, batch;
  Layout la, lb;
  float alpha, beta;
  bool bias;
  int64_t ldcPad;
  double specials;  // fraction of NaN / Inf inputs
};

std::string describe(const Case& c) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "m=%lld n=%lld k=%lld batch=%lld A %s B %s alpha=%g beta=%g bias=%d ldc=n+%lld specials=%g",
                (long long)c.m, (long long)c.n, (long long)c.k, (long long)c.batch, layoutName(c.la), layoutName(c.lb),
                c.alpha, c.beta, int(c.bias), (long long)c.ldcPad, c.specials);
  return buf;
}

struct Problem {
  Case c;
  Operand a, b;
  std::vector<uint16_t> a16, b16;
  std::vector<float> bias, c0;  // c0: C before the call (values, NaN sentinel where unread)
  std::vector<int64_t> cOff;
  int64_t ldc = 0;
};

Problem makeProblem(const Case& c, std::mt19937& rng, bool bf16) {
  Problem p;
  p.c = c;
  p.a = makeOperand(c.la, c.m, c.k, c.batch, rng, bf16, c.specials);
  p.b = makeOperand(c.lb, c.k, c.n, c.batch, rng, bf16, c.specials);
  if (bf16) {
    p.a16.resize(p.a.data.size());
    p.b16.resize(p.b.data.size());
    f32ToBf16(p.a.data.data(), p.a16.data(), int64_t(p.a.data.size()));
    f32ToBf16(p.b.data.data(), p.b16.data(), int64_t(p.b.data.size()));
  }
  std::uniform_real_distribution<float> dist(-2, 2);
  if (c.bias) {
    p.bias.resize(size_t(c.n > 0 ? c.n : 0));
    for (float& v : p.bias) v = dist(rng);
  }
  p.ldc = c.n + c.ldcPad;
  const int64_t slab = c.m * p.ldc + int64_t(rng() % 5);
  const int64_t base = rng() % 4;
  for (int64_t b = 0; b < c.batch; b++) p.cOff.push_back(base + b * slab);
  p.c0.assign(size_t(base + c.batch * slab + 3), floatOf(kSentinel));
  if (c.beta != 0)
    for (int64_t b = 0; b < c.batch; b++)
      for (int64_t i = 0; i < c.m; i++)
        for (int64_t j = 0; j < c.n; j++) p.c0[size_t(p.cOff[size_t(b)] + i * p.ldc + j)] = dist(rng);
  return p;
}

std::vector<float> runSgemm(const Problem& p) {
  std::vector<float> c = p.c0;
  SgemmArgs g{};
  g.m = p.c.m, g.n = p.c.n, g.k = p.c.k, g.batch = p.c.batch;
  g.a = p.a.data.data(), g.aOffsets = p.a.offsets.data(), g.aRowStride = p.a.rs, g.aColStride = p.a.cs;
  g.b = p.b.data.data(), g.bOffsets = p.b.offsets.data(), g.bRowStride = p.b.rs, g.bColStride = p.b.cs;
  g.c = c.data(), g.cOffsets = p.cOff.data(), g.ldc = p.ldc;
  g.alpha = p.c.alpha, g.beta = p.c.beta, g.bias = p.c.bias ? p.bias.data() : nullptr;
  sgemm(g);
  return c;
}

std::vector<float> runBf16(const Problem& p) {
  std::vector<float> c = p.c0;
  Bf16GemmArgs g{};
  g.m = p.c.m, g.n = p.c.n, g.k = p.c.k, g.batch = p.c.batch;
  g.a = p.a16.data(), g.aOffsets = p.a.offsets.data(), g.aRowStride = p.a.rs, g.aColStride = p.a.cs;
  g.b = p.b16.data(), g.bOffsets = p.b.offsets.data(), g.bRowStride = p.b.rs, g.bColStride = p.b.cs;
  g.c = c.data(), g.cOffsets = p.cOff.data(), g.ldc = p.ldc;
  g.alpha = p.c.alpha, g.beta = p.c.beta, g.bias = p.c.bias ? p.bias.data() : nullptr;
  gemmBf16(g);
  return c;
}

// Compares C with the double-precision naive product: NaN where it is NaN, the same infinity, and
// otherwise within (k + 4) float32 roundings of the magnitudes involved; untouched memory intact.
bool verify(const Problem& p, const std::vector<float>& c, const char* path, int threads) {
  const Case& cs = p.c;
  std::vector<char> inside(c.size(), 0);
  int bad = 0;
  const double eps = std::ldexp(1.0, -23);
  for (int64_t b = 0; b < cs.batch; b++)
    for (int64_t i = 0; i < cs.m; i++)
      for (int64_t j = 0; j < cs.n; j++) {
        const size_t at = size_t(p.cOff[size_t(b)] + i * p.ldc + j);
        inside[at] = 1;
        double s = 0, mag = 0;
        for (int64_t q = 0; q < cs.k; q++) {
          const double x = p.a.at(b, i, q) * p.b.at(b, q, j);
          s += x;
          mag += std::fabs(x);
        }
        double ref = double(cs.alpha) * s, scale = std::fabs(double(cs.alpha)) * mag;
        if (cs.beta != 0) ref += double(cs.beta) * p.c0[at], scale += std::fabs(double(cs.beta) * p.c0[at]);
        if (cs.bias) ref += p.bias[size_t(j)], scale += std::fabs(double(p.bias[size_t(j)]));
        const double got = c[at];
        bool ok;
        if (std::isnan(ref)) ok = std::isnan(got);
        else if (std::isinf(ref)) ok = got == ref;
        else ok = std::isfinite(got) && std::fabs(got - ref) <= double(cs.k + 4) * eps * scale + 1e-30;
        if (!ok && bad++ < 2)
          std::printf("  [%s, %d threads] %s: C[%lld](%lld,%lld) = %.9g, want %.9g\n", path, threads, describe(cs).c_str(),
                      (long long)b, (long long)i, (long long)j, got, ref);
      }
  int touched = 0;
  for (size_t at = 0; at < c.size(); at++)
    if (!inside[at] && bitsOf(c[at]) != kSentinel) touched++;
  if (touched) std::printf("  [%s, %d threads] %s: %d elements outside C written\n", path, threads, describe(cs).c_str(), touched);
  return bad == 0 && touched == 0;
}

bool sameBits(const std::vector<float>& x, const std::vector<float>& y) {
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0;
}

struct Path {
  std::string name;
  Isa isa;
  bool bf16;
  Bf16Kernel bf16Cap;
};

std::vector<Path> paths() {
  std::vector<Path> out;
  for (Isa isa : {Isa::Portable, Isa::Avx2, Isa::Avx512}) {
    setIsa(isa);
    if (activeIsa() != isa) continue;
    out.push_back({std::string("sgemm/") + isaName(isa), isa, false, Bf16Kernel::Convert});
    out.push_back({std::string("bf16/convert-") + isaName(isa), isa, true, Bf16Kernel::Convert});
  }
  setIsa(Isa::Avx512);
  setBf16Kernel(Bf16Kernel::Avx512Bf16);
  if (std::string(bf16GemmKernelName()) == "avx512bf16") out.push_back({"bf16/avx512bf16", Isa::Avx512, true, Bf16Kernel::Avx512Bf16});
  setBf16Kernel(Bf16Kernel::Amx);
  if (std::string(bf16GemmKernelName()) == "amx") out.push_back({"bf16/amx", Isa::Avx512, true, Bf16Kernel::Amx});
  return out;
}

void select(const Path& p) {
  setIsa(p.isa);
  setBf16Kernel(p.bf16Cap);
}

// Runs one case on one path at 1, 2 and 3 threads; checks the 1-thread result against the
// reference and the others bit for bit against it. Returns whether all passed.
bool runCase(const Path& path, const Problem& prob) {
  select(path);
  const char* kernel = path.bf16 ? bf16GemmKernelName() : sgemmKernelName();
  std::string name = path.name + "(" + kernel + ")";
  setNumThreads(1);
  const std::vector<float> one = path.bf16 ? runBf16(prob) : runSgemm(prob);
  bool ok = verify(prob, one, name.c_str(), 1);
  for (int t : {2, 3}) {
    setNumThreads(t);
    const std::vector<float> more = path.bf16 ? runBf16(prob) : runSgemm(prob);
    if (!sameBits(one, more)) {
      if (ok) verify(prob, more, name.c_str(), t);
      std::printf("  [%s] %s: %d threads differ from 1 thread\n", name.c_str(), describe(prob.c).c_str(), t);
      ok = false;
    }
  }
  setNumThreads(2);
  return ok;
}

int64_t pick(std::mt19937& rng, const std::vector<int64_t>& from) { return from[rng() % from.size()]; }

std::vector<Case> randomCases(std::mt19937& rng, int count) {
  // around the register tiles (4x8, 6x16, 12x32) and the cache blocks (MC 120..144, KC 256..512)
  const std::vector<int64_t> small = {1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33, 36, 47, 48, 63, 64, 65};
  const std::vector<int64_t> large = {127, 128, 129, 143, 145, 150, 255, 257, 300, 513};
  std::vector<Case> out;
  for (int i = 0; i < count; i++) {
    Case c{};
    const bool big = rng() % 4 == 0;
    c.m = big && rng() % 2 ? pick(rng, large) : pick(rng, small);
    c.n = big && rng() % 2 ? pick(rng, large) : pick(rng, small);
    c.k = big && rng() % 2 ? pick(rng, large) : pick(rng, small);
    c.batch = rng() % 3 == 0 ? 1 + rng() % 4 : 1;
    c.la = Layout(rng() % int(Layout::COUNT));
    c.lb = Layout(rng() % int(Layout::COUNT));
    const float alphas[] = {1, 1, -0.5f, 2};
    const float betas[] = {0, 0, 1, 0.5f};
    c.alpha = alphas[rng() % 4];
    c.beta = betas[rng() % 4];
    c.bias = rng() % 3 == 0;
    c.ldcPad = rng() % 2 ? 0 : 1 + rng() % 17;
    c.specials = rng() % 8 == 0 ? 0.01 : 0;
    out.push_back(c);
  }
  return out;
}

std::vector<Case> edgeCases() {
  std::vector<Case> out;
  const Layout R = Layout::RowMajor, C = Layout::ColMajor;
  for (float beta : {0.0f, 0.5f})
    for (bool bias : {false, true}) out.push_back({5, 7, 0, 2, R, R, 1, beta, bias, 3, 0});  // k = 0: C = beta C (+ bias)
  out.push_back({0, 5, 3, 2, R, R, 1, 0, true, 0, 0});   // m = 0
  out.push_back({4, 0, 3, 2, R, R, 1, 0, true, 2, 0});   // n = 0
  out.push_back({4, 5, 3, 0, R, R, 1, 0, false, 0, 0});  // batch = 0
  out.push_back({1, 1, 1, 1, R, R, 1, 0, false, 0, 0});
  out.push_back({1, 300, 257, 1, R, C, 1, 0, true, 0, 0});   // one row
  out.push_back({300, 1, 257, 1, C, R, 1, 1, false, 0, 0});  // one column
  out.push_back({129, 65, 1, 1, R, R, 1, 0, false, 0, 0});   // k = 1
  out.push_back({5, 4100, 9, 1, R, R, 1, 0, true, 0, 0});    // n beyond one NC block
  out.push_back({5, 4100, 9, 1, R, C, 1, 0.5f, false, 4, 0});
  out.push_back({300, 70, 1100, 1, R, R, 0.5f, 1, true, 5, 0});  // several KC and MC blocks
  out.push_back({3, 4200, 1100, 1, R, C, 1, 0.5f, true, 0, 0});  // B packed in column groups (super-blocks)
  out.push_back({2, 600, 9000, 1, C, R, 1, 1, false, 0, 0});     // and in k ranges
  out.push_back({290, 75, 600, 1, C, C, 1, 0, false, 0, 0});
  // enough work per thread that 2 and 3 threads really split: grid and batch splits
  out.push_back({200, 96, 64, 1, R, C, 1, 0, true, 0, 0});
  out.push_back({64, 200, 64, 1, C, R, 1, 1, false, 7, 0});
  out.push_back({96, 96, 40, 5, R, C, 1, 0, false, 0, 0});
  out.push_back({33, 40, 70, 7, Layout::Strided, Layout::PaddedCols, 2, 0.5f, true, 1, 0});
  // NaN and Inf inputs propagate as in a naive loop
  out.push_back({33, 40, 70, 2, R, R, 1, 0, false, 0, 0.02});
  out.push_back({40, 33, 300, 1, C, C, 1, 1, true, 0, 0.003});
  // around AMX's 32 x 32 blocks and 32-deep k steps, in every pairing of A's and B's layouts
  const int64_t odd[] = {1, 15, 17, 31, 33, 100, 257};
  for (int x = 0; x < 7; x++) {
    const Layout la = x % 2 ? C : R, lb = x % 3 ? R : C;
    out.push_back({odd[x], odd[(x + 3) % 7], odd[(x + 5) % 7], 1 + x % 2, la, lb, x % 2 ? 1.0f : -0.5f, x % 3 ? 0.0f : 0.5f,
                   x % 2 == 0, x % 4, 0});
  }
  // training shapes (lm-small): forward x W^T, dW = g^T x, dx = g W, attention batch
  out.push_back({512, 384, 128, 1, R, C, 1, 0, true, 0, 0});
  out.push_back({128, 128, 512, 1, C, R, 1, 0, false, 0, 0});
  out.push_back({256, 128, 512, 1, R, R, 1, 0, false, 0, 0});
  out.push_back({128, 128, 32, 8, R, C, 1, 0, false, 0, 0});
  return out;
}

}  // namespace

void testGemm(bool quick) {
  std::mt19937 rng(20261201);
  std::vector<Case> cases = edgeCases();
  for (const Case& c : randomCases(rng, quick ? 120 : 500)) cases.push_back(c);
  const std::vector<Path> all = paths();
  for (const Path& path : all) {
    int failed = 0;
    std::mt19937 data(7);
    for (const Case& c : cases) {
      const Problem prob = makeProblem(c, data, path.bf16);
      if (!runCase(path, prob)) failed++;
    }
    select(path);
    CHECK(failed == 0, "[%s] %zu cases match the naive product at 1, 2 and 3 threads (%d failed)", path.name.c_str(),
          cases.size(), failed);
    std::printf("%s: %zu cases, %d failed\n", path.name.c_str(), cases.size(), failed);
  }
  setIsa(Isa::Avx512);
  setBf16Kernel(Bf16Kernel::Amx);
}
