// Standalone tests of the native kernels (run by native/test/run.sh): thread pool, sgemm and
// gemmBf16 on every ISA path this CPU has at 1, 2 and 3 threads, and the dtype conversions.
//   test [--quick] [--fixture test/fixtures/native/convert.json]
#include <cstdlib>
#include <string>

#include "../src/cpu.h"
#include "check.h"

namespace check {
long failures = 0, checks = 0;
}

int main(int argc, char** argv) {
  bool quick = false;
  const char* fixture = "test/fixtures/native/convert.json";
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    else if (a == "--fixture" && i + 1 < argc) fixture = argv[++i];
  }
  const anneal::CpuFeatures& f = anneal::cpuFeatures();
  std::printf("cpu: avx2 %d fma %d f16c %d avx512f %d bw %d vl %d dq %d bf16 %d amx %d/%d; best isa %s\n", f.avx2, f.fma,
              f.f16c, f.avx512f, f.avx512bw, f.avx512vl, f.avx512dq, f.avx512bf16, f.amxTile, f.amxBf16,
              anneal::isaName(anneal::activeIsa()));
  testThreadPool();
  testConvert(fixture);
  testGemm(quick);
  std::printf("%ld checks, %ld failures\n", check::checks, check::failures);
  return check::failures == 0 ? 0 : 1;
}
