// Batched GEMM: C[b] = alpha * A[b] B[b] + beta * C[b] (+ bias[j] on every row when bias is set).
// A[b] element (i, p) is a[aOffsets[b] + i * aRowStride + p * aColStride]; B[b] element (p, j) is
// b[bOffsets[b] + p * bRowStride + j * bColStride]; C[b] element (i, j) is c[cOffsets[b] + i * ldc + j].
// Strides describe transposed operands without copies (matmul's backward needs A^T B and A B^T).
// beta == 0 never reads C, so C may be uninitialised (NaN included), as BLAS specifies.
#pragma once
#include <cstdint>

namespace anneal {

struct SgemmArgs {
  int64_t m, n, k, batch;
  const float* a;
  const int64_t* aOffsets;
  int64_t aRowStride, aColStride;
  const float* b;
  const int64_t* bOffsets;
  int64_t bRowStride, bColStride;
  float* c;
  const int64_t* cOffsets;
  int64_t ldc;
  float alpha, beta;
  const float* bias;  // length n, or nullptr
};

void sgemm(const SgemmArgs& args);

// The same contract with bf16 operands (uint16 bit patterns) and fp32 accumulation and output.
struct Bf16GemmArgs {
  int64_t m, n, k, batch;
  const uint16_t* a;
  const int64_t* aOffsets;
  int64_t aRowStride, aColStride;
  const uint16_t* b;
  const int64_t* bOffsets;
  int64_t bRowStride, bColStride;
  float* c;
  const int64_t* cOffsets;
  int64_t ldc;
  float alpha, beta;
  const float* bias;
};

void gemmBf16(const Bf16GemmArgs& args);

// Round to nearest even (PyTorch's float -> bfloat16 / half conversion); NaN stays NaN.
void f32ToBf16(const float* x, uint16_t* y, int64_t n);
void bf16ToF32(const uint16_t* x, float* y, int64_t n);
void f32ToF16(const float* x, uint16_t* y, int64_t n);
void f16ToF32(const uint16_t* x, float* y, int64_t n);

// Which kernels run ("avx512", "avx2", "portable"; bf16: "avx512bf16", "amx", "convert").
const char* sgemmKernelName();
const char* bf16GemmKernelName();

}  // namespace anneal
