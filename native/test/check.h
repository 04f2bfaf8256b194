// A minimal test harness: CHECK counts and reports failures (the first few in full), main() runs
// the suites and exits non-zero if anything failed.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>

namespace check {
extern long failures, checks;
}

#define CHECK(cond, ...)                                         \
  do {                                                           \
    ::check::checks++;                                           \
    if (!(cond)) {                                               \
      if (++::check::failures <= 25) {                           \
        std::printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
        std::printf(__VA_ARGS__);                                \
        std::printf("\n");                                       \
      }                                                          \
    }                                                            \
  } while (0)

inline uint32_t bitsOf(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  return u;
}
inline float floatOf(uint32_t u) {
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}

void testThreadPool();
void testGemm(bool quick);
void testConvert(const char* fixturePath);
