// CPU features detected once at load time; kernels dispatch on them (ggml's habit), so one build runs
// on Zen 4/5 and Sapphire Rapids alike. ANNEAL_ISA=portable|avx2|avx512 caps the choice, so the tests
// can exercise every path on one machine.
#pragma once

namespace anneal {

enum class Isa { Portable = 0, Avx2 = 1, Avx512 = 2 };

struct CpuFeatures {
  bool avx2 = false, fma = false, f16c = false;
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512dq = false;
  bool avx512bf16 = false;
  bool amxTile = false, amxBf16 = false;
};

// What the CPU (and OS) support.
const CpuFeatures& cpuFeatures();
// The instruction set the fp32 kernels use: the best supported, capped by ANNEAL_ISA or setIsa.
Isa activeIsa();
// Caps the instruction set (used by tests); a level the CPU lacks falls back to the best it has.
void setIsa(Isa cap);
const char* isaName(Isa isa);

}  // namespace anneal
