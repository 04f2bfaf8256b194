// The contiguous inner loops each instruction set provides (isa_avx512.cpp, isa_avx2.cpp,
// isa_portable.cpp compile the same kernels/impl.h with different vector types). The strided,
// multi-threaded drivers in the other files call them row by row; kernels() picks the table for
// activeIsa() at every call, so setIsa takes effect at once.
#pragma once
#include <cstdint>

namespace anneal {

// The order of src/backend/backend.ts's UnaryOp and BinaryOp lists (the TS wrapper sends these codes).
enum UnaryOp : int {
  U_NEG, U_ABS, U_EXP, U_LOG, U_SQRT, U_RSQRT, U_TANH, U_SIGMOID, U_RELU, U_GELU, U_GELU_TANH, U_ERF,
  U_SIGN, U_SIN, U_COS, U_SQUARE, U_RECIPROCAL, U_COUNT
};
enum BinaryOp : int { B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAX, B_MIN, B_COUNT };

// Float32 scalars of one Adam update, computed by the caller exactly as src/backend/js/optim.ts does.
struct AdamScalars {
  float beta1, beta2, oneMinusBeta1, oneMinusBeta2, decayFactor, wd, eps;
  bool decoupled, decay, maximize;
};

struct KernelTable {
  const char* isa;
  void (*unary)(int op, const float* x, float* y, int64_t n);
  void (*unaryBackward)(int op, const float* x, const float* y, const float* gy, float* gx, int64_t n);
  // out[i] = a[i * as] op b[i * bs] with as, bs in {0, 1}
  void (*binaryRow)(int op, const float* a, int64_t as, const float* b, int64_t bs, float* out, int64_t n);
  void (*clamp)(const float* x, float lo, float hi, float* out, int64_t n);
  void (*clampBackward)(const float* x, float lo, float hi, const float* gy, float* gx, int64_t n);
  // sums in double precision
  double (*sumRow)(const float* x, int64_t n);
  void (*accumulateRow)(double* acc, const float* x, int64_t n);
  double (*sumSquaresRow)(const float* x, int64_t n);
  double (*sumAbsRow)(const float* x, int64_t n);
  // max |x| (NaN if any is NaN)
  float (*maxAbsRow)(const float* x, int64_t n);
  void (*scaleRow)(float* x, float s, int64_t n);
  void (*softmaxRow)(const float* x, float* y, int64_t n);
  void (*logSoftmaxRow)(const float* x, float* y, int64_t n);
  void (*softmaxBackwardRow)(const float* y, const float* gy, float* gx, int64_t n);
  void (*logSoftmaxBackwardRow)(const float* y, const float* gy, float* gx, int64_t n);
  void (*layerNormRow)(const float* x, const float* w, const float* b, int64_t n, float eps, float* out, float* mean, float* rstd);
  // gw, gb: this thread's accumulators (may be null)
  void (*layerNormBackwardRow)(const float* x, const float* w, float mean, float rstd, const float* gy, int64_t n,
                               float* gx, float* gw, float* gb);
  // returns the row's log-sum-exp; *loss gets -sum_c q_c log softmax(z)_c with q = base + [c == y] extra
  void (*crossEntropyRow)(const float* z, int64_t classes, int32_t y, bool ignored, double base, double extra, float* loss, float* lse);
  void (*crossEntropyBackwardRow)(const float* z, int64_t classes, int32_t y, float lse, float g, double base, double extra, float* gx);
  void (*dropoutApply)(const float* x, const uint8_t* keep, float scale, float* out, int64_t n);
  // one attention row in place: scores * scale (+ mask[j * ms]) with keys j >= visible hidden, then softmax
  void (*attentionRow)(float* row, int64_t n, float scale, const float* mask, int64_t ms, int64_t visible);
  // g <- w * (g * (keep ? ds : 1) - sum_j w_j g_j (keep ? ds : 1)): through dropout and the softmax
  void (*attentionBackwardRow)(const float* w, float* g, const uint8_t* keep, float ds, int64_t n);
  // out[i] = w[i] * (keep[i] ? ds : 0)
  void (*droppedRow)(const float* w, const uint8_t* keep, float ds, float* out, int64_t n);
  // 16 xoshiro128** streams at once (state[w][lane]), `len` draws each (a multiple of 16): lane k's
  // i-th draw decides keep[k * stride + i]. Null where the ISA has no 16-lane integer vectors.
  void (*bernoulli16)(uint32_t state[4][16], int64_t len, uint32_t threshold, uint8_t* keep, int64_t stride);
  // Adam/AdamW over one range, bit-identical on every ISA (double arithmetic, vectorised by the compiler)
  void (*adamRange)(float* param, const float* grad, float* expAvg, float* expAvgSq, float* maxExpAvgSq, int64_t n, const AdamScalars& s,
                    float stepSize, float biasCorrection2Sqrt);
};

const KernelTable& kernels();
const KernelTable* kernelsFor(int isa);

}  // namespace anneal
