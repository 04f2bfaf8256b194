// A persistent pool of worker threads shared by every kernel. The calling thread takes part, so
// numThreads() == 1 means no workers at all. Small ops stay on the caller: parallelFor runs inline
// when the range is below `grain` or one thread is configured.
//
// Workers are created lazily on the first parallel call, spin briefly after each job (so the next
// op of a training step finds them awake; ANNEAL_SPIN_US, default 100) and then sleep on a
// condition variable, so an idle pool burns no CPU. They are never joined: the pool is deliberately leaked, so process exit (Node's
// included) never waits for them.
//
// Tasks may run on any of the threads, and not necessarily at the same time: the caller runs task 0
// and then every task no worker has claimed yet (a worker still waking from sleep delays nothing),
// so a task must never wait for another. One caller at a time: a call made while another thread's
// job is running, or from inside a task (nesting), runs all its tasks inline, in order. Tasks
// should not throw; if one does, the exception is rethrown on the caller after every task of the
// job has finished.
#pragma once
#include <cstdint>
#include <functional>

namespace anneal {

// Threads including the caller: ANNEAL_THREADS if set, else the number of online CPUs.
int numThreads();
// Sets the thread count (clamped to >= 1); takes effect on the next parallel call. Not to be called
// concurrently with a parallel call from another thread.
void setNumThreads(int n);

// Calls fn(begin, end) on disjoint chunks covering [0, n), at least `grain` items each where
// possible, and returns when all are done. Not reentrant: fn must not call parallelFor (if it does,
// the inner call runs inline).
void parallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// Calls fn(t, nt) once for each t = 0..nt-1, on up to nt threads, for kernels that partition work
// themselves (best: tasks that take work items from a shared atomic counter, which balances itself
// when a thread is slow or late). nt is clamped to [1, numThreads()]; fn sees the clamped nt.
// Task 0 runs on the caller.
void parallelRun(int nt, const std::function<void(int, int)>& fn);

}  // namespace anneal
