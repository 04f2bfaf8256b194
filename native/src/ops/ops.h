// The kernels the addon exposes, one per Backend method (src/backend/backend.ts has the contracts).
// These drivers handle strides, dtypes and threads, and call the contiguous per-ISA kernels of
// kernels/table.h row by row. Sizes and strides are in elements; strides are never negative.
#pragma once
#include <cstdint>

#include "../kernels/table.h"

namespace anneal {

enum DType : int { F32 = 0, I32 = 1, U8 = 2 };
inline int dtypeSize(int dt) { return dt == U8 ? 1 : 4; }

constexpr int kMaxRank = 16;

// A strided operand: element at multi-index i is data[offset + sum(i_d * strides[d])].
struct Operand {
  void* data;
  int dtype;
  int64_t offset;
  int64_t strides[kMaxRank];
};

// ---- elementwise (ops/elementwise.cpp) ----
void unary(int op, const float* x, float* y, int64_t n);
void unaryBackward(int op, const float* x, const float* y, const float* gy, float* gx, int64_t n);
// out contiguous, shape `shape`; float32 (int32 arithmetic stays in the JS wrapper)
void binary(int op, const Operand& a, const Operand& b, float* out, int rank, const int64_t* shape);
void compare(int op, const Operand& a, const Operand& b, uint8_t* out, int rank, const int64_t* shape);
// out has a's and b's dtype (elements are copied bit for bit)
void where(const Operand& cond, const Operand& a, const Operand& b, void* out, int esize, int rank, const int64_t* shape);
void clamp(const float* x, float lo, float hi, float* out, int64_t n);
void clampBackward(const float* x, float lo, float hi, const float* gy, float* gx, int64_t n);
void accumulate(const Operand& dst, const Operand& src, int rank, const int64_t* shape);
void copy(const Operand& src, const Operand& dst, int esize, int rank, const int64_t* shape);
void cast(const void* src, int srcType, void* out, int outType, int64_t n);

// ---- reductions and rows (ops/rows.cpp) ----
void sum(const float* x, int64_t outer, int64_t n, int64_t inner, float* out);
void max(const float* x, int64_t outer, int64_t n, int64_t inner, float* values, int32_t* indices);
void softmax(const float* x, int64_t outer, int64_t n, int64_t inner, float* out, bool log);
void softmaxBackward(const float* y, const float* gy, int64_t outer, int64_t n, int64_t inner, float* gx, bool log);
void layerNorm(const float* x, const float* w, const float* b, int64_t rows, int64_t cols, float eps, float* out, float* mean, float* rstd);
void layerNormBackward(const float* x, const float* w, const float* mean, const float* rstd, const float* gy, int64_t rows, int64_t cols,
                       float* gx, float* gw, float* gb);
void crossEntropy(const float* z, const int32_t* targets, int64_t rows, int64_t classes, int32_t ignoreIndex, double base, double extra,
                  float* losses, float* lse);
void crossEntropyBackward(const float* z, const int32_t* targets, const float* lse, const float* rowGrad, int64_t rows, int64_t classes,
                          int32_t ignoreIndex, double base, double extra, float* gx);

// ---- indexing (ops/indexing.cpp) ----
void indexSelect(const void* src, int esize, int64_t outer, int64_t n, int64_t inner, const int32_t* index, int64_t m, void* out);
void indexAdd(const float* gy, int64_t outer, int64_t n, int64_t inner, const int32_t* index, int64_t m, float* gx);
void gather(const void* src, int esize, int64_t outer, int64_t n, int64_t inner, const int32_t* index, int64_t m, void* out);
void scatterAdd(const float* gy, int64_t outer, int64_t n, int64_t inner, const int32_t* index, int64_t m, float* gx);

// ---- random and dropout (ops/random.cpp) ----
// keep[i] = (i-th draw >> 8) < threshold, i.e. uniform_i < keepProb; state advanced by n draws
void bernoulliMask(int64_t n, uint32_t threshold, uint32_t state[4], uint8_t* keep);
void dropoutApply(const float* x, const uint8_t* keep, float scale, float* out, int64_t n);

// ---- optimizers and norms (ops/optim.cpp) ----
// AdamScalars (kernels/table.h): per-group float32 scalars computed as src/backend/js/optim.ts does.
void adam(float* param, const float* grad, float* expAvg, float* expAvgSq, float* maxExpAvgSq, int64_t n, const AdamScalars& s,
          float stepSize, float biasCorrection2Sqrt);
struct SgdScalars {
  float wd, momentum, oneMinusDampening, negLr;
  bool decay, nesterov, maximize;
};
void sgd(float* param, const float* grad, float* buf, bool initialize, int64_t n, const SgdScalars& s);
double sumPow(const float* x, int64_t n, double p);
void scaleInPlace(float* x, float s, int64_t n);

// ---- attention (ops/attention.cpp) ----
struct Strided4 {
  const float* data;
  int64_t offset;
  int64_t strides[4];
};
struct AttentionDims {
  int64_t batch, heads, tgtLen, srcLen, headDim, valueDim;
};
void attention(const AttentionDims& d, const Strided4& q, const Strided4& k, const Strided4& v, float scale, bool causal,
               const Strided4* mask, float dropoutP, uint32_t rngState[4], float* weights, uint8_t* keep, float* out);
void attentionBackward(const AttentionDims& d, const Strided4& q, const Strided4& k, const Strided4& v, float scale, float dropoutP,
                       const float* weights, const uint8_t* keep, const Strided4& gOut, float* gq, float* gk, float* gv);

}  // namespace anneal
