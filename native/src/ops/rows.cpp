// Row-wise drivers: reductions over the middle axis of [outer, n, inner], softmax and log-softmax,
// layer norm and cross-entropy. Rows are independent, so they split over the thread pool; layer
// norm's weight and bias gradients are summed per thread and added at the end.
#include <cmath>
#include <cstring>
#include <vector>

#include "../kernels/table.h"
#include "../threadpool.h"
#include "ops.h"

namespace anneal {

namespace {

constexpr int64_t kParallelElements = 1 << 15;

// Splits [0, rows) over threads when rows * rowCost is large enough to pay for it.
template <class F>
void forRows(int64_t rows, int64_t rowCost, F fn) {
  if (rows <= 1 || rows * rowCost < kParallelElements) {
    if (rows > 0) fn(0, rows);
    return;
  }
  const int64_t grain = rowCost >= kParallelElements / 2 ? 1 : (kParallelElements / 2) / (rowCost > 0 ? rowCost : 1);
  parallelFor(rows, grain, fn);
}

}  // namespace

void sum(const float* x, int64_t outer, int64_t n, int64_t inner, float* out) {
  const KernelTable& k = kernels();
  if (inner == 1) {
    forRows(outer, n, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; o++) out[o] = float(k.sumRow(x + o * n, n));
    });
    return;
  }
  // column sums in double: each thread takes a slice of the inner axis (no shared accumulators)
  for (int64_t o = 0; o < outer; o++) {
    const float* base = x + o * n * inner;
    forRows(inner, n, [&](int64_t b, int64_t e) {
      std::vector<double> acc(size_t(e - b), 0.0);
      for (int64_t j = 0; j < n; j++) k.accumulateRow(acc.data(), base + j * inner + b, e - b);
      for (int64_t i = b; i < e; i++) out[o * inner + i] = float(acc[size_t(i - b)]);
    });
  }
}

void max(const float* x, int64_t outer, int64_t n, int64_t inner, float* values, int32_t* indices) {
  forRows(outer * inner, n, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      const int64_t o = r / inner, i = r % inner;
      const float* base = x + o * n * inner + i;
      float best = -INFINITY;
      int32_t arg = 0;
      for (int64_t j = 0; j < n; j++) {
        const float v = base[j * inner];
        // NaN wins, like PyTorch's max
        if (v > best || v != v) {
          best = v;
          arg = int32_t(j);
          if (v != v) break;
        }
      }
      values[r] = best;
      indices[r] = arg;
    }
  });
}

void softmax(const float* x, int64_t outer, int64_t n, int64_t inner, float* out, bool log) {
  const KernelTable& k = kernels();
  if (inner == 1) {
    forRows(outer, n, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; o++) (log ? k.logSoftmaxRow : k.softmaxRow)(x + o * n, out + o * n, n);
    });
    return;
  }
  // a softmax over a non-last axis: strided rows, in double as the JS kernel
  forRows(outer * inner, n, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      const int64_t base = (r / inner) * n * inner + r % inner;
      double mx = -INFINITY;
      for (int64_t j = 0; j < n; j++) if (x[base + j * inner] > mx) mx = x[base + j * inner];
      if (mx == -INFINITY) mx = 0;
      double s = 0;
      for (int64_t j = 0; j < n; j++) s += std::exp(double(x[base + j * inner]) - mx);
      if (log) {
        const double lse = mx + std::log(s);
        for (int64_t j = 0; j < n; j++) out[base + j * inner] = float(double(x[base + j * inner]) - lse);
      } else {
        const double inv = 1 / s;
        for (int64_t j = 0; j < n; j++) out[base + j * inner] = float(std::exp(double(x[base + j * inner]) - mx) * inv);
      }
    }
  });
}

void softmaxBackward(const float* y, const float* gy, int64_t outer, int64_t n, int64_t inner, float* gx, bool log) {
  const KernelTable& k = kernels();
  if (inner == 1) {
    forRows(outer, n, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; o++) (log ? k.logSoftmaxBackwardRow : k.softmaxBackwardRow)(y + o * n, gy + o * n, gx + o * n, n);
    });
    return;
  }
  forRows(outer * inner, n, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      const int64_t base = (r / inner) * n * inner + r % inner;
      double s = 0;
      for (int64_t j = 0; j < n; j++) {
        const int64_t at = base + j * inner;
        s += log ? double(gy[at]) : double(y[at]) * double(gy[at]);
      }
      for (int64_t j = 0; j < n; j++) {
        const int64_t at = base + j * inner;
        gx[at] = log ? float(double(gy[at]) - std::exp(double(y[at])) * s) : float(double(y[at]) * (double(gy[at]) - s));
      }
    }
  });
}

void layerNorm(const float* x, const float* w, const float* b, int64_t rows, int64_t cols, float eps, float* out, float* mean, float* rstd) {
  const KernelTable& k = kernels();
  forRows(rows, cols, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) k.layerNormRow(x + r * cols, w, b, cols, eps, out + r * cols, mean + r, rstd + r);
  });
}

void layerNormBackward(const float* x, const float* w, const float* mean, const float* rstd, const float* gy, int64_t rows, int64_t cols,
                       float* gx, float* gw, float* gb) {
  const KernelTable& k = kernels();
  const int nt = rows * cols >= kParallelElements ? numThreads() : 1;
  if (nt <= 1 || rows < 2) {
    for (int64_t r = 0; r < rows; r++) k.layerNormBackwardRow(x + r * cols, w, mean[r], rstd[r], gy + r * cols, cols, gx + r * cols, gw, gb);
    return;
  }
  // per-thread partial sums of gw and gb, added into the caller's (accumulated, as the contract says)
  std::vector<float> partial(size_t(nt) * size_t(2 * cols), 0.0f);
  parallelRun(nt, [&](int t, int n) {
    const int64_t r0 = rows * t / n, r1 = rows * (t + 1) / n;
    float* pw = gw ? partial.data() + size_t(t) * size_t(2 * cols) : nullptr;
    float* pb = gb ? partial.data() + size_t(t) * size_t(2 * cols) + size_t(cols) : nullptr;
    for (int64_t r = r0; r < r1; r++) k.layerNormBackwardRow(x + r * cols, w, mean[r], rstd[r], gy + r * cols, cols, gx + r * cols, pw, pb);
  });
  for (int t = 0; t < nt; t++) {
    const float* p = partial.data() + size_t(t) * size_t(2 * cols);
    if (gw) k.binaryRow(B_ADD, gw, 1, p, 1, gw, cols);
    if (gb) k.binaryRow(B_ADD, gb, 1, p + cols, 1, gb, cols);
  }
}

void crossEntropy(const float* z, const int32_t* targets, int64_t rows, int64_t classes, int32_t ignoreIndex, double base, double extra,
                  float* losses, float* lse) {
  const KernelTable& k = kernels();
  forRows(rows, classes, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int32_t y = targets[r];
      k.crossEntropyRow(z + r * classes, classes, y, y == ignoreIndex, base, extra, losses + r, lse + r);
    }
  });
}

void crossEntropyBackward(const float* z, const int32_t* targets, const float* lse, const float* rowGrad, int64_t rows, int64_t classes,
                          int32_t ignoreIndex, double base, double extra, float* gx) {
  const KernelTable& k = kernels();
  forRows(rows, classes, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int32_t y = targets[r];
      if (y == ignoreIndex) {
        std::memset(gx + r * classes, 0, size_t(classes) * sizeof(float));
        continue;
      }
      k.crossEntropyBackwardRow(z + r * classes, classes, y, lse[r], rowGrad[r], base, extra, gx + r * classes);
    }
  });
}

}  // namespace anneal
