// Index gathers and their scatter-add backwards. Scatters split the inner axis over threads, never
// the indexed one, so repeated indices never race.
#include <cstring>

#include "../threadpool.h"
#include "ops.h"

namespace anneal {

namespace {

template <class F>
void innerSlices(int64_t inner, int64_t work, F fn) {
  if (work < (1 << 15) || inner < 32) {
    fn(0, inner);
    return;
  }
  parallelFor(inner, 16, fn);
}

}  // namespace

void indexSelect(const void* src, int esize, int64_t outer, int64_t n, int64_t inner, const int32_t* index, int64_t m, void* out) {
  const char* s = static_cast<const char*>(src);
  char* o = static_cast<char*>(out);
  const size_t row = size_t(inner * esize);
  for (int64_t a = 0; a < outer; a++)
    for (int64_t j = 0; j < m; j++) std::memcpy(o + size_t((a * m + j) * inner * esize), s + size_t((a * n + index[j]) * inner * esize), row);
}

void indexAdd(const float* gy, int64_t outer, int64_t n, int64_t inner, const int32_t* index, int64_t m, float* gx) {
  innerSlices(inner, outer * m * inner, [&](int64_t b, int64_t e) {
    for (int64_t a = 0; a < outer; a++)
      for (int64_t j = 0; j < m; j++) {
        float* to = gx + (a * n + index[j]) * inner;
        const float* from = gy + (a * m + j) * inner;
        for (int64_t i = b; i < e; i++) to[i] += from[i];
      }
  });
}

void gather(const void* src, int esize, int64_t outer, int64_t n, int64_t inner, const int32_t* index, int64_t m, void* out) {
  const char* s = static_cast<const char*>(src);
  char* o = static_cast<char*>(out);
  for (int64_t a = 0; a < outer; a++)
    for (int64_t j = 0; j < m; j++) {
      const int64_t at = (a * m + j) * inner;
      for (int64_t i = 0; i < inner; i++)
        std::memcpy(o + size_t((at + i) * esize), s + size_t(((a * n + index[at + i]) * inner + i) * esize), size_t(esize));
    }
}

void scatterAdd(const float* gy, int64_t outer, int64_t n, int64_t inner, const int32_t* index, int64_t m, float* gx) {
  innerSlices(inner, outer * m * inner, [&](int64_t b, int64_t e) {
    for (int64_t a = 0; a < outer; a++)
      for (int64_t j = 0; j < m; j++) {
        const int64_t at = (a * m + j) * inner;
        for (int64_t i = b; i < e; i++) gx[(a * n + index[at + i]) * inner + i] += gy[at + i];
      }
  });
}

}  // namespace anneal
