// GFLOP/s of sgemm and gemmBf16 on the shapes in shapes.txt, per ISA path and thread count, as JSON
// lines (one per shape x dtype x path x threads, then one bf16/fp32 ratio line per shape and threads).
//   bench [--shapes FILE] [--filter SUBSTR|=NAME] [--isa avx512,avx2,portable] [--threads 1,2] [--dtype fp32,bf16]
//         [--min-time SECONDS] [--clock wall|cpu] [--stat median|best]
//   bench --pool 2       the thread pool's dispatch cost (empty tasks), workers spinning and asleep
//   bench --peak 1,2    the AVX-512 FMA peak this moment at 1 and 2 threads (how much of the machine we get)
#include <algorithm>
#include <atomic>
#include <thread>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"  // GCC 12, inside its own _mm512_reduce_add_ps
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../src/cpu.h"
#include "../src/gemm/gemm.h"
#include "../src/threadpool.h"

using namespace anneal;

namespace {

struct Shape {
  std::string name, layout;
  int64_t batch, m, n, k;
};

std::vector<Shape> readShapes(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "bench: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::vector<Shape> shapes;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    Shape s;
    if (ls >> s.name >> s.batch >> s.m >> s.n >> s.k >> s.layout) shapes.push_back(s);
  }
  return shapes;
}

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) if (!item.empty()) out.push_back(item);
  return out;
}

bool useCpuClock = false;
bool useBest = false;  // --stat best: the fastest of 15 samples (tuning on a loaded machine)  // --clock cpu: the process's CPU time (robust to other load at 1 thread)

double now() {
  if (useCpuClock) {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Median (or best) seconds per call over 7 (15) samples of enough calls to fill minTime.
template <typename F>
double timeIt(F&& f, double minTime) {
  const int count = useBest ? 15 : 7;
  f();
  double t0 = now();
  f();
  double one = std::max(now() - t0, 1e-7);
  int reps = std::max(1, static_cast<int>(minTime / count / one));
  std::vector<double> samples;
  for (int s = 0; s < count; s++) {
    t0 = now();
    for (int r = 0; r < reps; r++) f();
    samples.push_back((now() - t0) / reps);
  }
  std::sort(samples.begin(), samples.end());
  return useBest ? samples[0] : samples[count / 2];
}

#if defined(__x86_64__)
// FMA throughput with nothing but registers: how much of the machine this run gets (other jobs
// share it). 12 independent chains of vfmadd on zmm, or ymm on AVX2-only machines.
__attribute__((target("avx512f,fma"))) double fmaLoop512(long iters, float seed) {
  __m512 acc[12];
  for (int i = 0; i < 12; i++) acc[i] = _mm512_set1_ps(seed * float(i));
  const __m512 x = _mm512_set1_ps(0.999f + seed * 1e-9f), y = _mm512_set1_ps(1e-6f);
  for (long it = 0; it < iters; it++)
    for (int i = 0; i < 12; i++) acc[i] = _mm512_fmadd_ps(acc[i], x, y);
  float s = 0;
  for (int i = 0; i < 12; i++) s += _mm512_reduce_add_ps(acc[i]);
  return s;
}
#endif

// GFLOP/s of the FMA loop on `threads` pool threads at once.
double peakGflops(int threads) {
#if defined(__x86_64__)
  if (!cpuFeatures().avx512f) return 0;
  const long iters = 20000000;
  setNumThreads(threads);
  std::vector<double> sink(threads);
  const double t0 = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  parallelRun(threads, [&](int t, int) { sink[t] = fmaLoop512(iters, 1.0f + t); });
  const double t1 = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  return 2.0 * 16 * 12 * iters * threads / (t1 - t0) / 1e9;
#else
  (void)threads;
  return 0;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  std::string shapesPath = "native/test/shapes.txt", filter, isas = "avx512,avx2,portable", threads = "1,2", dtypes = "fp32,bf16";
  double minTime = 0.3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--shapes") shapesPath = v;
    else if (k == "--filter") filter = v;
    else if (k == "--isa") isas = v;
    else if (k == "--threads") threads = v;
    else if (k == "--dtype") dtypes = v;
    else if (k == "--min-time") minTime = std::atof(v.c_str());
    else if (k == "--clock") useCpuClock = v == "cpu";
    else if (k == "--stat") useBest = v == "best";
    else if (k == "--pool") {
      // dispatch cost: a parallelRun of empty tasks on v threads, back to back and after idling
      const int t = std::atoi(v.c_str());
      setNumThreads(t);
      std::atomic<int> sink{0};
      auto job = [&](int i, int) { sink += i; };
      for (int i = 0; i < 1000; i++) parallelRun(t, job);
      const int reps = 100000;
      double t0 = now();
      for (int i = 0; i < reps; i++) parallelRun(t, job);
      const double hot = (now() - t0) / reps;
      std::vector<double> cold;
      for (int i = 0; i < 50; i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));  // past the spin: workers asleep
        t0 = now();
        parallelRun(t, job);
        cold.push_back(now() - t0);
      }
      std::sort(cold.begin(), cold.end());
      std::printf("{\"pool_threads\":%d,\"dispatch_us_spinning\":%.2f,\"dispatch_us_after_sleep_median\":%.1f}\n", t, hot * 1e6,
                  cold[cold.size() / 2] * 1e6);
      return 0;
    }
    else if (k == "--peak") {
      // the machine's FMA peak this moment, at each thread count (then exit)
      for (const std::string& t : splitList(v))
        std::printf("{\"peak_fp32_gflops\":%.1f,\"threads\":%d}\n", peakGflops(std::atoi(t.c_str())), std::atoi(t.c_str()));
      return 0;
    }
    else {
      std::fprintf(stderr, "bench: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1, 1);
  for (const Shape& s : readShapes(shapesPath)) {
    if (!filter.empty() && (filter[0] == '=' ? s.name != filter.substr(1) : s.name.find(filter) == std::string::npos)) continue;
    const int64_t aSize = s.batch * s.m * s.k, bSize = s.batch * s.k * s.n, cSize = s.batch * s.m * s.n;
    std::vector<float> a(aSize), b(bSize), c(cSize);
    for (float& x : a) x = dist(rng);
    for (float& x : b) x = dist(rng);
    std::vector<uint16_t> a16(aSize), b16(bSize);
    f32ToBf16(a.data(), a16.data(), aSize);
    f32ToBf16(b.data(), b16.data(), bSize);
    std::vector<int64_t> aOff(s.batch), bOff(s.batch), cOff(s.batch);
    for (int64_t i = 0; i < s.batch; i++) aOff[i] = i * s.m * s.k, bOff[i] = i * s.k * s.n, cOff[i] = i * s.m * s.n;
    const bool ta = s.layout[0] == 'T', tb = s.layout[1] == 'T';
    SgemmArgs g{};
    g.m = s.m, g.n = s.n, g.k = s.k, g.batch = s.batch;
    g.a = a.data(), g.aOffsets = aOff.data();
    g.aRowStride = ta ? 1 : s.k, g.aColStride = ta ? s.m : 1;
    g.b = b.data(), g.bOffsets = bOff.data();
    g.bRowStride = tb ? 1 : s.n, g.bColStride = tb ? s.k : 1;
    g.c = c.data(), g.cOffsets = cOff.data(), g.ldc = s.n;
    g.alpha = 1, g.beta = 0, g.bias = nullptr;
    Bf16GemmArgs h{};
    h.m = g.m, h.n = g.n, h.k = g.k, h.batch = g.batch;
    h.a = a16.data(), h.aOffsets = g.aOffsets, h.aRowStride = g.aRowStride, h.aColStride = g.aColStride;
    h.b = b16.data(), h.bOffsets = g.bOffsets, h.bRowStride = g.bRowStride, h.bColStride = g.bColStride;
    h.c = c.data(), h.cOffsets = g.cOffsets, h.ldc = g.ldc, h.alpha = 1, h.beta = 0, h.bias = nullptr;
    const double flops = 2.0 * s.batch * s.m * s.n * s.k;
    for (const std::string& t : splitList(threads)) {
      setNumThreads(std::atoi(t.c_str()));
      double bestF32 = 0, bestBf16 = 0;
      for (const std::string& isa : splitList(isas)) {
        setIsa(isa == "avx512" ? Isa::Avx512 : isa == "avx2" ? Isa::Avx2 : Isa::Portable);
        if (std::strcmp(isaName(activeIsa()), isa.c_str()) != 0) continue;  // not on this CPU
        for (const std::string& dt : splitList(dtypes)) {
          const bool bf = dt == "bf16";
          const double sec = bf ? timeIt([&] { gemmBf16(h); }, minTime) : timeIt([&] { sgemm(g); }, minTime);
          const double gf = flops / sec / 1e9;
          if (bf) bestBf16 = std::max(bestBf16, gf);
          else bestF32 = std::max(bestF32, gf);
          std::printf(
              "{\"shape\":\"%s\",\"batch\":%lld,\"m\":%lld,\"n\":%lld,\"k\":%lld,\"layout\":\"%s\",\"dtype\":\"%s\","
              "\"isa\":\"%s\",\"kernel\":\"%s\",\"threads\":%d,\"median_s\":%.4g,\"gflops\":%.1f}\n",
              s.name.c_str(), (long long)s.batch, (long long)s.m, (long long)s.n, (long long)s.k, s.layout.c_str(),
              dt.c_str(), isa.c_str(), bf ? bf16GemmKernelName() : sgemmKernelName(), numThreads(), sec, gf);
          std::fflush(stdout);
        }
      }
      if (bestF32 > 0 && bestBf16 > 0)
        std::printf("{\"shape\":\"%s\",\"threads\":%d,\"bf16_over_fp32\":%.2f}\n", s.name.c_str(), numThreads(),
                    bestBf16 / bestF32);
    }
  }
  return 0;
}
