// Placeholder until the persistent pool lands: everything runs on the caller.
#include "threadpool.h"

namespace anneal {

int numThreads() { return 1; }
void setNumThreads(int) {}
void parallelFor(int64_t n, int64_t, const std::function<void(int64_t, int64_t)>& fn) {
  if (n > 0) fn(0, n);
}
void parallelRun(int, const std::function<void(int, int)>& fn) { fn(0, 1); }

}  // namespace anneal
