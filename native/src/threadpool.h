// A persistent pool of worker threads shared by every kernel. The calling thread takes part, so
// numThreads() == 1 means no workers at all. Small ops stay on the caller: parallelFor runs inline
// when the range is below `grain` or one thread is configured.
#pragma once
#include <cstdint>
#include <functional>

namespace anneal {

// Threads including the caller: ANNEAL_THREADS if set, else the number of online CPUs.
int numThreads();
void setNumThreads(int n);

// Calls fn(begin, end) on disjoint chunks covering [0, n), at least `grain` items each where
// possible, and returns when all are done. Not reentrant: fn must not call parallelFor.
void parallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// Calls fn(t, nt) once on each of nt threads (t = 0..nt-1), for kernels that partition work themselves.
void parallelRun(int nt, const std::function<void(int, int)>& fn);

}  // namespace anneal
