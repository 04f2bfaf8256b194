// Dropout masks from the caller's xoshiro128** stream (src/tensor/random.ts), in bulk.
//
// The draws must be exactly the JS generator's, in order, yet one long serial chain would cost ~1.5 ns
// per element. xoshiro's state transition is linear over GF(2), so jumping n steps ahead is a
// 128 x 128 bit matrix (powers of the one-step matrix, squared once and cached). A large mask is cut
// into segments whose start states are jumps of the caller's state; the segments run in parallel,
// four interleaved per thread (independent dependency chains), and every draw lands where the
// serial stream would put it. The caller's state ends advanced by exactly n draws.
#include <cstring>
#include <mutex>
#include <vector>

#include "../kernels/table.h"
#include "../threadpool.h"
#include "ops.h"

namespace anneal {

namespace {

inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

struct State {
  uint32_t s[4];
};

inline uint32_t next(State& st) {
  uint32_t* s = st.s;
  const uint32_t result = rotl(s[1] * 5, 7) * 9;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

// A GF(2) 128 x 128 matrix as 128 columns of 128 bits: M v = XOR of the columns where v has a 1.
struct Matrix {
  State col[128];
};

State apply(const Matrix& m, const State& v) {
  State r = {{0, 0, 0, 0}};
  for (int w = 0; w < 4; w++) {
    uint32_t bits = v.s[w];
    while (bits) {
      const int b = __builtin_ctz(bits);
      bits &= bits - 1;
      const State& c = m.col[w * 32 + b];
      r.s[0] ^= c.s[0];
      r.s[1] ^= c.s[1];
      r.s[2] ^= c.s[2];
      r.s[3] ^= c.s[3];
    }
  }
  return r;
}

// powers[i] = T^(2^i) for i < 64, built on first use
const std::vector<Matrix>& powers() {
  static std::vector<Matrix> p;
  static std::once_flag once;
  std::call_once(once, [] {
    p.resize(64);
    for (int j = 0; j < 128; j++) {
      State e = {{0, 0, 0, 0}};
      e.s[j / 32] = 1u << (j % 32);
      next(e);
      p[0].col[j] = e;
    }
    for (int i = 1; i < 64; i++)
      for (int j = 0; j < 128; j++) p[i].col[j] = apply(p[i - 1], p[i - 1].col[j]);
  });
  return p;
}

State jump(State s, uint64_t n) {
  const std::vector<Matrix>& p = powers();
  for (int i = 0; n; i++, n >>= 1)
    if (n & 1) s = apply(p[size_t(i)], s);
  return s;
}

void serial(State& st, int64_t n, uint32_t threshold, uint8_t* keep) {
  for (int64_t i = 0; i < n; i++) keep[i] = (next(st) >> 8) < threshold ? 1 : 0;
}

// Four segments of equal length at once: four independent chains keep the core busy.
void interleaved(State st[4], int64_t len, uint32_t threshold, uint8_t* k0, uint8_t* k1, uint8_t* k2, uint8_t* k3) {
  for (int64_t i = 0; i < len; i++) {
    const uint32_t a = next(st[0]), b = next(st[1]), c = next(st[2]), d = next(st[3]);
    k0[i] = (a >> 8) < threshold;
    k1[i] = (b >> 8) < threshold;
    k2[i] = (c >> 8) < threshold;
    k3[i] = (d >> 8) < threshold;
  }
}

constexpr int64_t kJumpWorthIt = 1 << 14;

}  // namespace

void bernoulliMask(int64_t n, uint32_t threshold, uint32_t state[4], uint8_t* keep) {
  State s0;
  std::memcpy(s0.s, state, sizeof(s0.s));
  if (n < kJumpWorthIt) {
    serial(s0, n, threshold, keep);
    std::memcpy(state, s0.s, sizeof(s0.s));
    return;
  }
  const KernelTable& k = kernels();
  const int nt = numThreads() > 0 ? numThreads() : 1;
  // 16-lane vectors: 16 segments per thread, each a multiple of 16 draws; else four interleaved chains
  const int lanes = k.bernoulli16 ? 16 : 4;
  const int segments = lanes * nt;
  int64_t len = n / segments;
  if (k.bernoulli16) len -= len % 16;
  if (len > 0) {
    parallelRun(nt, [&](int t, int ntActual) {
      for (int g = t; g < nt; g += ntActual) {
        const int64_t base = int64_t(g) * lanes * len;
        if (k.bernoulli16) {
          uint32_t st[4][16];
          for (int q = 0; q < 16; q++) {
            const State j = jump(s0, uint64_t(base + q * len));
            for (int w = 0; w < 4; w++) st[w][q] = j.s[w];
          }
          k.bernoulli16(st, len, threshold, keep + base, len);
        } else {
          State st[4];
          for (int q = 0; q < 4; q++) st[q] = jump(s0, uint64_t(base + q * len));
          interleaved(st, len, threshold, keep + base, keep + base + len, keep + base + 2 * len, keep + base + 3 * len);
        }
      }
    });
  }
  // the remainder after the equal segments, then the state n draws ahead
  const int64_t done = int64_t(segments) * len;
  State tail = jump(s0, uint64_t(done));
  serial(tail, n - done, threshold, keep + done);
  std::memcpy(state, tail.s, sizeof(tail.s));
}

void dropoutApply(const float* x, const uint8_t* keep, float scale, float* out, int64_t n) {
  const KernelTable& k = kernels();
  if (n < (1 << 15)) {
    k.dropoutApply(x, keep, scale, out, n);
    return;
  }
  parallelFor(n, 1 << 14, [&](int64_t b, int64_t e) { k.dropoutApply(x + b, keep + b, scale, out + b, e - b); });
}

}  // namespace anneal
