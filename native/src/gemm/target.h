// Compiles a region of a file for an instruction set the baseline flags (no -march) do not enable:
// the addon builds every file with one set of flags and picks a path at run time (cpu.h).
#pragma once

#define ANNEAL_PRAGMA(...) _Pragma(#__VA_ARGS__)
#if defined(__clang__)
#define ANNEAL_TARGET_PUSH(isa) ANNEAL_PRAGMA(clang attribute push(__attribute__((target(isa))), apply_to = function))
#define ANNEAL_TARGET_POP() ANNEAL_PRAGMA(clang attribute pop)
#else
// GCC 12 warns -Wmaybe-uninitialized inside its own AVX-512 intrinsics (`__m512 __Y = __Y;`).
#define ANNEAL_TARGET_PUSH(isa)                                                                      \
  ANNEAL_PRAGMA(GCC push_options) ANNEAL_PRAGMA(GCC target(isa)) ANNEAL_PRAGMA(GCC diagnostic push) \
      ANNEAL_PRAGMA(GCC diagnostic ignored "-Wmaybe-uninitialized")
#define ANNEAL_TARGET_POP() ANNEAL_PRAGMA(GCC diagnostic pop) ANNEAL_PRAGMA(GCC pop_options)
#endif
