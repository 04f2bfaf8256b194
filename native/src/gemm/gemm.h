// Batched GEMM: C[b] = alpha * A[b] B[b] + beta * C[b] (+ bias[j] on every row when bias is set).
// A[b] element (i, p) is a[aOffsets[b] + i * aRowStride + p * aColStride]; B[b] element (p, j) is
// b[bOffsets[b] + p * bRowStride + j * bColStride]; C[b] element (i, j) is c[cOffsets[b] + i * ldc + j].
// Strides describe transposed operands without copies (matmul's backward needs A^T B and A B^T);
// any strides work (0 broadcasts; general strides are gathered while packing). A null offsets array
// means offset 0 for every batch. beta == 0 never reads C, so C may be uninitialised (NaN included),
// as BLAS specifies. k == 0 gives C = beta C (+ bias). m, n or batch <= 0 touches nothing.
// Every function here is pure apart from the thread pool and the ISA caps: the same arguments give
// the same result on a given path and thread count (the reduction order depends only on the shape).
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
// The vdpbf16ps and AMX kernels (bf16GemmKernelName() "avx512bf16", "amx") treat denormal inputs
// and results of their multiply-adds as zero, as those instructions do; the "convert" kernels keep them.
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

// Round to nearest even (PyTorch's float -> bfloat16 / half conversion), subnormals kept (no
// flush to zero), fp16 overflow to +-Inf. NaN stays NaN: the sign and the top payload bits are
// kept and the quiet bit set (what vcvtneps2bf16 / vcvtps2ph produce; PyTorch writes a canonical
// NaN instead, whose bits differ). Up-conversions are exact. Every path gives the same bits.
void f32ToBf16(const float* x, uint16_t* y, int64_t n);
void bf16ToF32(const uint16_t* x, float* y, int64_t n);
void f32ToF16(const float* x, uint16_t* y, int64_t n);
void f16ToF32(const uint16_t* x, float* y, int64_t n);

// Which kernels run ("avx512", "avx2", "portable"; bf16: "avx512bf16", "amx", "convert").
const char* sgemmKernelName();
const char* bf16GemmKernelName();

// Caps the bf16 kernel family like setIsa caps the fp32 one (tests force every path on one machine):
// Convert runs the fp32 kernels of activeIsa() on panels converted while packing; Avx512Bf16 uses
// vdpbf16ps where the CPU has it (and activeIsa() is Avx512); Amx uses AMX tiles (tdpbf16ps) where
// the CPU has AMX-BF16, Linux granted the tile state and activeIsa() is Avx512. ANNEAL_BF16=convert|avx512bf16|amx sets the initial cap
// (default: the best there is). A level the CPU lacks falls back to the next one down.
enum class Bf16Kernel { Convert = 0, Avx512Bf16 = 1, Amx = 2 };
void setBf16Kernel(Bf16Kernel cap);

}  // namespace anneal
