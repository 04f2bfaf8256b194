// Blocks behind the native backend's ArrayBuffers: 64-byte aligned, one free list per size class
// (the JS pool asks only for its classes), so a block whose ArrayBuffer was garbage-collected is
// handed out again instead of going back to malloc. The cache is bounded; beyond it blocks are freed.
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "ops.h"

namespace anneal {

namespace {

std::mutex mu;
std::unordered_map<int64_t, std::vector<void*>> freeLists;
int64_t cached = 0;
constexpr int64_t kMaxCached = int64_t(512) << 20;

}  // namespace

void* blockAlloc(int64_t bytes) {
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = freeLists.find(bytes);
    if (it != freeLists.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      cached -= bytes;
      return p;
    }
  }
  const size_t size = size_t(bytes > 0 ? (bytes + 63) / 64 * 64 : 64);
  return std::aligned_alloc(64, size);
}

void blockFree(void* p, int64_t bytes) {
  if (!p) return;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (cached + bytes <= kMaxCached) {
      freeLists[bytes].push_back(p);
      cached += bytes;
      return;
    }
  }
  std::free(p);
}

int64_t blockCachedBytes() {
  std::lock_guard<std::mutex> lock(mu);
  return cached;
}

}  // namespace anneal
