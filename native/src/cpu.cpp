// Reads CPUID once. AVX/AVX-512/AMX also need the OS to save their registers (XCR0), so those bits
// are checked too; AMX tiles additionally need a per-process permission (arch_prctl), asked for here.
#include "cpu.h"

#include <cstdlib>
#include <cstring>

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#define ANNEAL_X86 1
#endif

namespace anneal {

namespace {

#ifdef ANNEAL_X86
unsigned long long xgetbv0() {
  unsigned eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<unsigned long long>(edx) << 32) | eax;
}

bool requestAmxPermission() {
#if defined(__linux__)
  constexpr long ARCH_REQ_XCOMP_PERM = 0x1023;
  constexpr long XFEATURE_XTILEDATA = 18;
  return syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
#else
  return false;
#endif
}
#endif

CpuFeatures detect() {
  CpuFeatures f;
#ifdef ANNEAL_X86
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  const bool osxsave = c & (1u << 27);
  const bool fma = c & (1u << 12);
  const bool f16c = c & (1u << 29);
  if (!osxsave) return f;
  const unsigned long long xcr0 = xgetbv0();
  const bool ymm = (xcr0 & 0x6) == 0x6;
  const bool zmm = (xcr0 & 0xe6) == 0xe6;
  const bool tiles = (xcr0 & 0x60000) == 0x60000;
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid_count(7, 0, a, b, c, d);
  f.avx2 = ymm && (b & (1u << 5));
  f.fma = ymm && fma;
  f.f16c = ymm && f16c;
  f.avx512f = zmm && (b & (1u << 16));
  f.avx512dq = zmm && (b & (1u << 17));
  f.avx512bw = zmm && (b & (1u << 30));
  f.avx512vl = zmm && (b & (1u << 31));
  const bool amxBf16 = d & (1u << 22), amxTile = d & (1u << 24);
  unsigned a1, b1, c1, d1;
  __cpuid_count(7, 1, a1, b1, c1, d1);
  f.avx512bf16 = f.avx512f && (a1 & (1u << 5));
  if (tiles && amxTile && requestAmxPermission()) {
    f.amxTile = true;
    f.amxBf16 = amxBf16;
  }
#endif
  return f;
}

Isa best(const CpuFeatures& f) {
  if (f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq && f.fma) return Isa::Avx512;
  if (f.avx2 && f.fma) return Isa::Avx2;
  return Isa::Portable;
}

Isa initialCap() {
  const char* env = std::getenv("ANNEAL_ISA");
  if (env && std::strcmp(env, "portable") == 0) return Isa::Portable;
  if (env && std::strcmp(env, "avx2") == 0) return Isa::Avx2;
  return Isa::Avx512;
}

Isa cap = initialCap();

}  // namespace

const CpuFeatures& cpuFeatures() {
  static const CpuFeatures f = detect();
  return f;
}

Isa activeIsa() {
  const Isa b = best(cpuFeatures());
  return static_cast<int>(b) < static_cast<int>(cap) ? b : cap;
}

void setIsa(Isa c) { cap = c; }

const char* isaName(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    default: return "portable";
  }
}

}  // namespace anneal
