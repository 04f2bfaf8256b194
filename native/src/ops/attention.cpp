// Fused attention: the scores of all B*H heads in one batched sgemm, each row scaled, masked (the
// causal part by index) and softmaxed in place by the ISA's row kernel (rows split over threads),
// dropout drawn in the JS generator's order, and the weighted sum as a second batched sgemm that
// writes the heads interleaved ([B, T, H, d]). The backward pass reuses the saved weights and keep
// flags; scratch rows live in per-thread buffers that are kept between calls.
#include <cmath>
#include <cstring>
#include <vector>

#include "../gemm/gemm.h"
#include "../kernels/table.h"
#include "../threadpool.h"
#include "ops.h"

namespace anneal {

namespace {

std::vector<float>& scratch(int slot, size_t n) {
  static thread_local std::vector<float> bufs[2];
  std::vector<float>& b = bufs[slot];
  if (b.size() < n) b.resize(n);
  return b;
}

struct Offsets {
  std::vector<int64_t> v;
  // the B*H matrices of a [B, H, L, d] operand
  static Offsets heads(const Strided4& x, int64_t B, int64_t H) {
    Offsets o;
    o.v.resize(size_t(B * H));
    for (int64_t b = 0; b < B; b++)
      for (int64_t h = 0; h < H; h++) o.v[size_t(b * H + h)] = x.offset + b * x.strides[0] + h * x.strides[1];
    return o;
  }
  // each head's block of a [B, L, H, d] contiguous output
  static Offsets interleaved(int64_t B, int64_t H, int64_t L, int64_t d) {
    Offsets o;
    o.v.resize(size_t(B * H));
    for (int64_t b = 0; b < B; b++)
      for (int64_t h = 0; h < H; h++) o.v[size_t(b * H + h)] = b * L * H * d + h * d;
    return o;
  }
  static Offsets blocks(int64_t count, int64_t size) {
    Offsets o;
    o.v.resize(size_t(count));
    for (int64_t i = 0; i < count; i++) o.v[size_t(i)] = i * size;
    return o;
  }
};

void gemm(int64_t m, int64_t n, int64_t k, int64_t batch, const float* a, const Offsets& ao, int64_t ars, int64_t acs, const float* b,
          const Offsets& bo, int64_t brs, int64_t bcs, float* c, const Offsets& co, int64_t ldc, float alpha) {
  SgemmArgs g{};
  g.m = m; g.n = n; g.k = k; g.batch = batch;
  g.a = a; g.aOffsets = ao.v.data(); g.aRowStride = ars; g.aColStride = acs;
  g.b = b; g.bOffsets = bo.v.data(); g.bRowStride = brs; g.bColStride = bcs;
  g.c = c; g.cOffsets = co.v.data(); g.ldc = ldc;
  g.alpha = alpha; g.beta = 0; g.bias = nullptr;
  sgemm(g);
}

template <class F>
void forRows(int64_t rows, int64_t rowCost, F fn) {
  if (rows < 2 || rows * rowCost < (1 << 15)) {
    if (rows > 0) fn(0, rows);
    return;
  }
  const int64_t grain = (int64_t(1) << 14) / (rowCost > 0 ? rowCost : 1);
  parallelFor(rows, grain > 0 ? grain : 1, fn);
}

}  // namespace

void attention(const AttentionDims& d, const Strided4& q, const Strided4& k, const Strided4& v, float scale, bool causal,
               const Strided4* mask, float dropoutP, uint32_t rngState[4], float* weights, uint8_t* keep, float* out) {
  const int64_t B = d.batch, H = d.heads, T = d.tgtLen, S = d.srcLen, D = d.headDim, DV = d.valueDim, N = B * H;
  if (N == 0 || T == 0) return;
  const Offsets rowsTS = Offsets::blocks(N, T * S);
  gemm(T, S, D, N, q.data, Offsets::heads(q, B, H), q.strides[2], q.strides[3], k.data, Offsets::heads(k, B, H), k.strides[3],
       k.strides[2], weights, rowsTS, S, 1.0f);
  const KernelTable& kt = kernels();
  forRows(N * T, S, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t bh = r / T, i = r % T, b = bh / H, h = bh % H;
      const float* m = mask ? mask->data + mask->offset + b * mask->strides[0] + h * mask->strides[1] + i * mask->strides[2] : nullptr;
      kt.attentionRow(weights + r * S, S, scale, m, mask ? mask->strides[3] : 0, causal ? i + 1 : S);
    }
  });
  const float* p = weights;
  if (dropoutP > 0) {
    const double keepProb = 1.0 - double(dropoutP);
    bernoulliMask(N * T * S, uint32_t(std::ceil(keepProb * 16777216.0)), rngState, keep);
    float* dropped = scratch(0, size_t(N * T * S)).data();
    const float ds = float(1.0 / keepProb);
    forRows(N * T, S, [&](int64_t r0, int64_t r1) { kt.droppedRow(weights + r0 * S, keep + r0 * S, ds, dropped + r0 * S, (r1 - r0) * S); });
    p = dropped;
  }
  gemm(T, DV, S, N, p, rowsTS, S, 1, v.data, Offsets::heads(v, B, H), v.strides[2], v.strides[3], out, Offsets::interleaved(B, H, T, DV),
       H * DV, 1.0f);
}

void attentionBackward(const AttentionDims& d, const Strided4& q, const Strided4& k, const Strided4& v, float scale, float dropoutP,
                       const float* weights, const uint8_t* keep, const Strided4& gOut, float* gq, float* gk, float* gv) {
  const int64_t B = d.batch, H = d.heads, T = d.tgtLen, S = d.srcLen, D = d.headDim, DV = d.valueDim, N = B * H;
  if (N == 0) return;
  const KernelTable& kt = kernels();
  const Offsets rowsTS = Offsets::blocks(N, T * S);
  const Offsets gOutHeads = Offsets::heads(gOut, B, H);
  const float ds = dropoutP > 0 ? float(1.0 / (1.0 - double(dropoutP))) : 1.0f;
  if (gv) {
    const float* p = weights;
    if (dropoutP > 0) {
      float* dropped = scratch(0, size_t(N * T * S)).data();
      forRows(N * T, S, [&](int64_t r0, int64_t r1) { kt.droppedRow(weights + r0 * S, keep + r0 * S, ds, dropped + r0 * S, (r1 - r0) * S); });
      p = dropped;
    }
    // gv = p^T gOut
    gemm(S, DV, T, N, p, rowsTS, 1, S, gOut.data, gOutHeads, gOut.strides[2], gOut.strides[3], gv, Offsets::interleaved(B, H, S, DV), H * DV,
         1.0f);
  }
  if (!gq && !gk) return;
  // gP = gOut v^T, then through dropout and the softmax, row by row
  float* gs = scratch(1, size_t(N * T * S)).data();
  gemm(T, S, DV, N, gOut.data, gOutHeads, gOut.strides[2], gOut.strides[3], v.data, Offsets::heads(v, B, H), v.strides[3], v.strides[2],
       gs, rowsTS, S, 1.0f);
  forRows(N * T, S, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) kt.attentionBackwardRow(weights + r * S, gs + r * S, dropoutP > 0 ? keep + r * S : nullptr, ds, S);
  });
  if (gq)
    gemm(T, D, S, N, gs, rowsTS, S, 1, k.data, Offsets::heads(k, B, H), k.strides[2], k.strides[3], gq, Offsets::interleaved(B, H, T, D), H * D,
         scale);
  if (gk)
    gemm(S, D, T, N, gs, rowsTS, 1, S, q.data, Offsets::heads(q, B, H), q.strides[2], q.strides[3], gk, Offsets::interleaved(B, H, S, D), H * D,
         scale);
}

}  // namespace anneal
