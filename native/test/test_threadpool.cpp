// The thread pool: every index is visited exactly once, small ranges stay on the caller, nesting
// runs inline, thread counts can change between calls, exceptions reach the caller, and two
// threads calling at once both complete.
#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "../src/threadpool.h"
#include "check.h"

using namespace anneal;

namespace {

// parallelFor over [0, n) with `grain`; true when each index was visited exactly once.
bool coversOnce(int64_t n, int64_t grain) {
  std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
  for (auto& h : hits) h.store(0);
  std::atomic<bool> bad{false};
  parallelFor(n, grain, [&](int64_t b, int64_t e) {
    if (b < 0 || e > n || b >= e) bad = true;
    for (int64_t i = b; i < e; i++) hits[static_cast<size_t>(i)]++;
  });
  for (auto& h : hits)
    if (h.load() != 1) return false;
  return !bad;
}

void manyTinyCalls() {
  setNumThreads(2);
  std::mt19937 rng(3);
  bool ok = true;
  for (int i = 0; i < 20000 && ok; i++) {
    const int64_t n = rng() % 9, grain = 1 + rng() % 3;
    ok = coversOnce(n, grain);
  }
  CHECK(ok, "20000 tiny parallelFor calls (n 0..8, grain 1..3) each cover their range once");
}

void unevenRanges() {
  setNumThreads(2);
  bool ok = true;
  for (int64_t n : {1, 2, 3, 5, 7, 100, 101, 1023, 65537})
    for (int64_t grain : {1, 2, 7, 64, 1000}) ok = ok && coversOnce(n, grain);
  CHECK(ok, "uneven ranges and grains are covered exactly once");
}

void belowGrainStaysOnCaller() {
  setNumThreads(2);
  const std::thread::id self = std::this_thread::get_id();
  int calls = 0;
  bool onCaller = true;
  parallelFor(10, 100, [&](int64_t b, int64_t e) {
    calls++;
    onCaller = onCaller && std::this_thread::get_id() == self && b == 0 && e == 10;
  });
  CHECK(calls == 1 && onCaller, "n < grain runs as one call on the caller (calls %d)", calls);
}

// Task 0 takes a millisecond, so a worker has long claimed task 1 unless the machine is starved.
void workersDoTakePart() {
  setNumThreads(2);
  std::atomic<int> others{0};
  const std::thread::id self = std::this_thread::get_id();
  for (int rep = 0; rep < 20; rep++)
    parallelRun(2, [&](int t, int) {
      if (t == 0) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
        while (std::chrono::steady_clock::now() < until) {
        }
      } else if (std::this_thread::get_id() != self) {
        others++;
      }
    });
  CHECK(others.load() > 0, "task 1 of 2 runs on a worker thread while the caller is busy (%d of 20)", others.load());
}

// A caller whose workers are asleep (or slow) runs the unclaimed tasks itself and returns at once.
void unclaimedTasksRunOnTheCaller() {
  setNumThreads(4);
  std::atomic<int> ran{0};
  for (int rep = 0; rep < 200; rep++) parallelRun(4, [&](int, int) { ran++; });
  CHECK(ran.load() == 800, "every task runs exactly once whoever claims it (%d of 800)", ran.load());
  setNumThreads(2);
}

void runCallsEachTaskOnce() {
  bool ok = true;
  for (int threads : {1, 2, 3, 4, 1, 2}) {
    setNumThreads(threads);
    for (int want : {1, 2, 3, 5, 8}) {
      std::vector<std::atomic<int>> seen(16);
      for (auto& s : seen) s.store(0);
      std::atomic<int> ntSeen{-1};
      parallelRun(want, [&](int t, int nt) {
        seen[static_cast<size_t>(t)]++;
        ntSeen = nt;
      });
      const int expect = want < threads ? want : threads;
      ok = ok && ntSeen.load() == expect;
      for (int t = 0; t < 16; t++) ok = ok && seen[static_cast<size_t>(t)].load() == (t < expect ? 1 : 0);
    }
    ok = ok && numThreads() == threads && coversOnce(1000, 1);
  }
  CHECK(ok, "parallelRun calls tasks 0..min(nt, numThreads)-1 once each as the thread count changes");
  setNumThreads(0);
  CHECK(numThreads() == 1, "setNumThreads clamps to at least 1 (got %d)", numThreads());
  setNumThreads(2);
}

void nestedCallsRunInline() {
  setNumThreads(2);
  std::atomic<int> total{0};
  std::atomic<bool> sameThread{true};
  parallelFor(4, 1, [&](int64_t b, int64_t e) {
    const std::thread::id outer = std::this_thread::get_id();
    for (int64_t i = b; i < e; i++)
      parallelFor(100, 1, [&](int64_t b2, int64_t e2) {
        if (std::this_thread::get_id() != outer) sameThread = false;
        total += static_cast<int>(e2 - b2);
      });
  });
  CHECK(total.load() == 400 && sameThread.load(), "a parallelFor inside a task runs inline (total %d)", total.load());
}

void exceptionsReachTheCaller() {
  setNumThreads(2);
  for (int thrower : {0, 1}) {
    bool caught = false;
    try {
      parallelRun(2, [&](int t, int) {
        if (t == thrower) throw std::runtime_error("task failed");
      });
    } catch (const std::runtime_error&) {
      caught = true;
    }
    CHECK(caught, "an exception thrown by task %d is rethrown on the caller", thrower);
  }
  CHECK(coversOnce(1000, 1), "the pool still works after a task threw");
}

void concurrentCallers() {
  setNumThreads(2);
  std::atomic<bool> ok{true};
  auto caller = [&] {
    for (int i = 0; i < 2000; i++)
      if (!coversOnce(64, 1)) ok = false;
  };
  std::thread other(caller);
  caller();
  other.join();
  CHECK(ok.load(), "two threads calling parallelFor at once both get correct results");
}

void idleThenWake() {
  setNumThreads(2);
  // longer than the spin time, so the workers are asleep on the condition variable
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(coversOnce(1000, 1), "a call after the workers went to sleep wakes them and completes");
}

}  // namespace

void testThreadPool() {
  manyTinyCalls();
  unevenRanges();
  belowGrainStaysOnCaller();
  workersDoTakePart();
  unclaimedTasksRunOnTheCaller();
  runCallsEachTaskOnce();
  nestedCallsRunInline();
  exceptionsReachTheCaller();
  concurrentCallers();
  idleThenWake();
}
