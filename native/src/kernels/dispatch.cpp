// Picks the kernel table for the active instruction set (cpu.h: the best the CPU has, capped by
// ANNEAL_ISA or setIsa).
#include "table.h"

#include "../cpu.h"

namespace anneal {

const KernelTable* avx512Table();
const KernelTable* avx2Table();
const KernelTable* portableTable();

const KernelTable* kernelsFor(int isa) {
  const KernelTable* t = nullptr;
  if (isa >= static_cast<int>(Isa::Avx512)) t = avx512Table();
  if (!t && isa >= static_cast<int>(Isa::Avx2)) t = avx2Table();
  return t ? t : portableTable();
}

const KernelTable& kernels() { return *kernelsFor(static_cast<int>(activeIsa())); }

}  // namespace anneal
