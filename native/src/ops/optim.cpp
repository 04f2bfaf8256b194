// Optimizer updates and gradient norms. The updates reproduce src/backend/js/optim.ts operation for
// operation: every float32 operation of PyTorch 1.13 is a double operation rounded to float (a
// product of two floats is exact in double, so "fma32" is one rounding of an exact sum, as in JS),
// and the per-tensor scalars come precomputed from JS, so both backends are bit-identical to PyTorch.
// Built with -ffp-contract=off, so the compiler fuses nothing on its own.
#include <cmath>
#include <vector>

#include "../kernels/table.h"
#include "../threadpool.h"
#include "ops.h"

namespace anneal {

namespace {

inline float fma32(float a, float b, float c) { return float(double(a) + double(b) * double(c)); }
inline float mul32(float a, float b) { return float(double(a) * double(b)); }

constexpr int64_t kChunk = 1 << 14;

template <class F>
void chunks(int64_t n, F fn) {
  if (n < 2 * kChunk) {
    if (n > 0) fn(0, n);
    return;
  }
  parallelFor(n, kChunk, fn);
}

}  // namespace

void adam(float* param, const float* grad, float* expAvg, float* expAvgSq, float* maxExpAvgSq, int64_t n, const AdamScalars& s,
          float stepSize, float biasCorrection2Sqrt) {
  const KernelTable& k = kernels();
  chunks(n, [&](int64_t b, int64_t e) {
    k.adamRange(param + b, grad + b, expAvg + b, expAvgSq + b, maxExpAvgSq ? maxExpAvgSq + b : nullptr, e - b, s, stepSize, biasCorrection2Sqrt);
  });
}

void sgd(float* param, const float* grad, float* buf, bool initialize, int64_t n, const SgdScalars& s) {
  chunks(n, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      const float p = param[i];
      float d = s.maximize ? -grad[i] : grad[i];
      if (s.decay) d = fma32(d, s.wd, p);
      if (buf) {
        const float v = initialize ? d : fma32(mul32(buf[i], s.momentum), s.oneMinusDampening, d);
        buf[i] = v;
        d = s.nesterov ? fma32(d, s.momentum, v) : v;
      }
      param[i] = fma32(p, s.negLr, d);
    }
  });
}

double sumPow(const float* x, int64_t n, double p) {
  const KernelTable& k = kernels();
  const int64_t parts = (n + kChunk - 1) / kChunk;
  std::vector<double> partial(size_t(parts > 0 ? parts : 1), 0.0);
  auto part = [&](int64_t c) {
    const int64_t b = c * kChunk, len = n - b < kChunk ? n - b : kChunk;
    if (std::isinf(p)) return double(k.maxAbsRow(x + b, len));
    if (p == 2) return k.sumSquaresRow(x + b, len);
    if (p == 1) return k.sumAbsRow(x + b, len);
    double s = 0;
    for (int64_t i = 0; i < len; i++) s += std::pow(std::fabs(double(x[b + i])), p);
    return s;
  };
  if (parts <= 2) for (int64_t c = 0; c < parts; c++) partial[size_t(c)] = part(c);
  else parallelFor(parts, 1, [&](int64_t b, int64_t e) { for (int64_t c = b; c < e; c++) partial[size_t(c)] = part(c); });
  // combined in a fixed order, so the result does not depend on the thread count
  double total = 0;
  for (double v : partial) total = std::isinf(p) ? (v != v || total != total ? NAN : (v > total ? v : total)) : total + v;
  return total;
}

void scaleInPlace(float* x, float s, int64_t n) {
  const KernelTable& k = kernels();
  chunks(n, [&](int64_t b, int64_t e) { k.scaleRow(x + b, s, e - b); });
}

}  // namespace anneal
