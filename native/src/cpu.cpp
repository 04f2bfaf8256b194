// Placeholder until the dispatching implementation lands: reports a portable CPU.
#include "cpu.h"

namespace anneal {

static Isa cap = Isa::Avx512;

const CpuFeatures& cpuFeatures() {
  static CpuFeatures f;
  return f;
}
Isa activeIsa() { return Isa::Portable; }
void setIsa(Isa c) { cap = c; }
const char* isaName(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    default: return "portable";
  }
}

}  // namespace anneal
