// The persistent pool behind parallelRun / parallelFor.
//
// A job is one atomic word, (generation << 16) | (taskCount << 8) | nextTask: threads claim tasks
// by incrementing nextTask with a compare-and-swap on the whole word, so a claim can never pair one
// job's count with another's generation. The caller runs task 0, then claims whatever the workers
// have not, and waits for the `done` counter. Workers spin on the word for a short while
// (ANNEAL_SPIN_US, default 100 us: the gap between two ops of a training step) before sleeping on
// the condition variable.
#include "threadpool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ANNEAL_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define ANNEAL_PAUSE() __asm__ __volatile__("yield")
#else
#define ANNEAL_PAUSE() ((void)0)
#endif

namespace anneal {

namespace {

constexpr int kMaxThreads = 255;  // the task count lives in 8 bits of the job word

int clampThreads(long n) { return n < 1 ? 1 : n > kMaxThreads ? kMaxThreads : static_cast<int>(n); }

int onlineCpus() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online > 0) return static_cast<int>(online);
#endif
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

int initialThreads() {
  const char* env = std::getenv("ANNEAL_THREADS");
  if (env && *env) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end && *end == '\0' && n > 0) return clampThreads(n);
  }
  return clampThreads(onlineCpus());
}

std::chrono::nanoseconds spinTime() {
  const char* env = std::getenv("ANNEAL_SPIN_US");
  long us = 100;
  if (env && *env) {
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (end && *end == '\0' && v >= 0) us = v;
  }
  return std::chrono::microseconds(us);
}

std::atomic<int> configuredThreads{initialThreads()};
thread_local bool inTask = false;

struct Pool {
  std::mutex dispatch;  // held by the one caller whose job is running
  std::mutex m;         // guards sleeping workers and the job word's changes
  std::condition_variable cv;
  // (generation << 16) | (taskCount << 8) | nextUnclaimedTask
  std::atomic<uint64_t> job{0};
  std::atomic<int> done{0};  // tasks of the current job finished
  const std::function<void(int, int)>* fn = nullptr;
  std::exception_ptr error;
  std::mutex errorMutex;
  int sleepers = 0;  // under m
  int workers = 0;   // under dispatch
  const std::chrono::nanoseconds spin = spinTime();

  void runTask(int t, int nt) {
    try {
      (*fn)(t, nt);
    } catch (...) {
      std::lock_guard<std::mutex> lk(errorMutex);
      if (!error) error = std::current_exception();
    }
  }

  // Claims and runs tasks of job `gen` until none is left unclaimed (or a newer job is up).
  void runClaims(uint64_t gen) {
    uint64_t word = job.load(std::memory_order_acquire);
    while ((word >> 16) == gen) {
      const int nt = static_cast<int>((word >> 8) & 255), next = static_cast<int>(word & 255);
      if (next >= nt) return;
      if (!job.compare_exchange_weak(word, word + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
      runTask(next, nt);
      done.fetch_add(1, std::memory_order_acq_rel);
      word = job.load(std::memory_order_acquire);
    }
  }

  // `seen` is the generation current when the worker was created, before the job it was created for.
  void workerLoop(uint64_t seen) {
    inTask = true;  // a worker only ever runs tasks: any parallel call it makes runs inline
    for (;;) {
      uint64_t word = job.load(std::memory_order_acquire);
      if ((word >> 16) == seen) {
        const auto until = std::chrono::steady_clock::now() + spin;
        for (int i = 1;; i++) {
          ANNEAL_PAUSE();
          word = job.load(std::memory_order_acquire);
          if ((word >> 16) != seen) break;
          if ((i & 255) == 0 && std::chrono::steady_clock::now() >= until) {
            std::unique_lock<std::mutex> lk(m);
            sleepers++;
            cv.wait(lk, [&] { return (job.load(std::memory_order_acquire) >> 16) != seen; });
            sleepers--;
            word = job.load(std::memory_order_acquire);
            break;
          }
        }
      }
      seen = word >> 16;
      runClaims(seen);
    }
  }

  void ensureWorkers(int n) {
    for (; workers < n; workers++) {
      const uint64_t seen = job.load(std::memory_order_relaxed) >> 16;
      std::thread([this, seen] { workerLoop(seen); }).detach();
    }
  }

  // Runs the job with the dispatch lock held. The caller runs task 0, then any task no worker has
  // claimed yet: a worker still waking up (tens of microseconds after a sleep) delays nothing.
  void run(int nt, const std::function<void(int, int)>& f) {
    ensureWorkers(nt - 1);
    fn = &f;
    error = nullptr;
    done.store(0, std::memory_order_relaxed);
    bool wake;
    uint64_t gen;
    {
      std::lock_guard<std::mutex> lk(m);
      gen = (job.load(std::memory_order_relaxed) >> 16) + 1;
      job.store((gen << 16) | (static_cast<uint64_t>(nt) << 8) | 1, std::memory_order_release);  // task 0 is ours
      wake = sleepers > 0;
    }
    if (wake) cv.notify_all();
    inTask = true;
    runTask(0, nt);
    done.fetch_add(1, std::memory_order_acq_rel);
    runClaims(gen);
    inTask = false;
    // Wait for tasks the workers claimed; yield once the wait is long (a worker was preempted).
    const auto until = std::chrono::steady_clock::now() + spin;
    for (int i = 1; done.load(std::memory_order_acquire) != nt; i++) {
      if ((i & 255) == 0 && std::chrono::steady_clock::now() >= until) std::this_thread::yield();
      else ANNEAL_PAUSE();
    }
    fn = nullptr;
    if (error) {
      std::exception_ptr e = error;
      error = nullptr;
      std::rethrow_exception(e);
    }
  }
};

// Leaked on purpose: detached workers may still be sleeping in it when the process exits.
std::atomic<Pool*> pool{nullptr};

#if defined(__linux__)
// A forked child has none of the parent's workers: give it a fresh (lazily started) pool.
void afterForkInChild() { pool.store(nullptr); }
#endif

Pool& getPool() {
  Pool* p = pool.load(std::memory_order_acquire);
  if (p) return *p;
  static std::mutex creation;
  std::lock_guard<std::mutex> lk(creation);
  p = pool.load(std::memory_order_acquire);
  if (!p) {
#if defined(__linux__)
    static bool registered = false;
    if (!registered) {
      pthread_atfork(nullptr, nullptr, afterForkInChild);
      registered = true;
    }
#endif
    p = new Pool();
    pool.store(p, std::memory_order_release);
  }
  return *p;
}

void runInline(int nt, const std::function<void(int, int)>& fn) {
  for (int t = 0; t < nt; t++) fn(t, nt);
}

}  // namespace

int numThreads() { return configuredThreads.load(std::memory_order_relaxed); }

void setNumThreads(int n) { configuredThreads.store(clampThreads(n), std::memory_order_relaxed); }

void parallelRun(int nt, const std::function<void(int, int)>& fn) {
  const int limit = numThreads();
  nt = nt < 1 ? 1 : nt > limit ? limit : nt;
  if (nt == 1) {
    fn(0, 1);
    return;
  }
  if (inTask) {
    runInline(nt, fn);
    return;
  }
  Pool& p = getPool();
  std::unique_lock<std::mutex> lk(p.dispatch, std::try_to_lock);
  if (!lk.owns_lock()) {  // another thread's job is running: do this one here
    runInline(nt, fn);
    return;
  }
  p.run(nt, fn);
}

void parallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  const int64_t most = (n + grain - 1) / grain;
  const int64_t limit = numThreads();
  const int chunks = static_cast<int>(most < limit ? most : limit);
  if (chunks <= 1 || inTask) {
    fn(0, n);
    return;
  }
  parallelRun(chunks, [&](int t, int nt) {
    const int64_t begin = n * t / nt, end = n * (t + 1) / nt;
    if (begin < end) fn(begin, end);
  });
}

}  // namespace anneal
