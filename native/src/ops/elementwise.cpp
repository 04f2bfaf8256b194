// Elementwise drivers: a strided walker that merges dims the operands traverse alike, splits the
// rows over the thread pool when there are enough elements, and hands each row to the contiguous
// kernels of the active ISA (gathering rows whose innermost stride is neither 0 nor 1 first).
#include <cmath>
#include <cstring>

#include "../kernels/table.h"
#include "../threadpool.h"
#include "ops.h"

namespace anneal {

namespace {

constexpr int64_t kParallelElements = 1 << 15;

// A walk over `shape` with up to 4 operands (element strides), dims merged where all operands allow.
struct Walk {
  int rank = 0;
  int64_t shape[kMaxRank];
  int nops = 0;
  int64_t strides[4][kMaxRank];
  int64_t base[4];

  Walk(int r, const int64_t* s, std::initializer_list<const Operand*> ops, const int64_t* contiguousOut) {
    int64_t outStrides[kMaxRank];
    if (contiguousOut) {
      int64_t acc = 1;
      for (int d = r - 1; d >= 0; d--) { outStrides[d] = acc; acc *= s[d]; }
    }
    // drop size-1 dims, then merge d into d+1 when every operand steps over d as over d+1 * shape
    int64_t sh[kMaxRank];
    int64_t st[4][kMaxRank];
    int n = 0;
    nops = 0;
    for (const Operand* o : ops) base[nops++] = o ? o->offset : 0;
    if (contiguousOut) base[nops++] = 0;
    for (int d = 0; d < r; d++) {
      if (s[d] == 1) continue;
      sh[n] = s[d];
      int k = 0;
      for (const Operand* o : ops) st[k++][n] = o ? o->strides[d] : 0;
      if (contiguousOut) st[k++][n] = outStrides[d];
      n++;
    }
    rank = 0;
    for (int d = 0; d < n; d++) {
      if (rank > 0) {
        bool mergeable = true;
        for (int k = 0; k < nops; k++) if (strides[k][rank - 1] != st[k][d] * sh[d]) mergeable = false;
        if (mergeable) {
          shape[rank - 1] *= sh[d];
          for (int k = 0; k < nops; k++) strides[k][rank - 1] = st[k][d];
          continue;
        }
      }
      shape[rank] = sh[d];
      for (int k = 0; k < nops; k++) strides[k][rank] = st[k][d];
      rank++;
    }
    if (rank == 0) {
      rank = 1;
      shape[0] = 1;
      for (int k = 0; k < nops; k++) strides[k][0] = 0;
    }
  }

  int64_t inner() const { return shape[rank - 1]; }
  int64_t rows() const {
    int64_t r = 1;
    for (int d = 0; d < rank - 1; d++) r *= shape[d];
    return r;
  }
  int64_t numel() const { return rows() * inner(); }

  // fn(offsets[nops], innerStrides[nops], len) for rows [r0, r1)
  template <class F>
  void forRows(int64_t r0, int64_t r1, F fn) const {
    if (r0 >= r1 || inner() == 0) return;
    int64_t idx[kMaxRank] = {0};
    int64_t off[4];
    for (int k = 0; k < nops; k++) off[k] = base[k];
    int64_t rem = r0;
    for (int d = rank - 2; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
      for (int k = 0; k < nops; k++) off[k] += idx[d] * strides[k][d];
    }
    int64_t is[4];
    for (int k = 0; k < nops; k++) is[k] = strides[k][rank - 1];
    for (int64_t r = r0; r < r1; r++) {
      fn(off, is, inner());
      for (int d = rank - 2; d >= 0; d--) {
        idx[d]++;
        for (int k = 0; k < nops; k++) off[k] += strides[k][d];
        if (idx[d] < shape[d]) break;
        for (int k = 0; k < nops; k++) off[k] -= strides[k][d] * shape[d];
        idx[d] = 0;
      }
    }
  }

  template <class F>
  void run(F fn) const {
    const int64_t rs = rows();
    if (numel() < kParallelElements || rs < 2) {
      forRows(0, rs, fn);
      return;
    }
    const int64_t grain = inner() >= kParallelElements / 2 ? 1 : (kParallelElements / 2) / inner();
    parallelFor(rs, grain, [&](int64_t b, int64_t e) { forRows(b, e, fn); });
  }
};

// Runs a contiguous range kernel over [0, n), split over threads when n is large.
template <class F>
void chunks(int64_t n, F fn) {
  if (n < kParallelElements) {
    if (n > 0) fn(0, n);
    return;
  }
  parallelFor(n, kParallelElements / 2, fn);
}

template <class T>
inline double loadAs(const void* p, int64_t i) {
  return double(static_cast<const T*>(p)[i]);
}

double load(const Operand& o, int64_t i) {
  switch (o.dtype) {
    case F32: return loadAs<float>(o.data, i);
    case I32: return loadAs<int32_t>(o.data, i);
    default: return loadAs<uint8_t>(o.data, i);
  }
}

}  // namespace

void unary(int op, const float* x, float* y, int64_t n) {
  const KernelTable& k = kernels();
  chunks(n, [&](int64_t b, int64_t e) { k.unary(op, x + b, y + b, e - b); });
}

void unaryBackward(int op, const float* x, const float* y, const float* gy, float* gx, int64_t n) {
  const KernelTable& k = kernels();
  chunks(n, [&](int64_t b, int64_t e) { k.unaryBackward(op, x + b, y + b, gy + b, gx + b, e - b); });
}

void clamp(const float* x, float lo, float hi, float* out, int64_t n) {
  const KernelTable& k = kernels();
  chunks(n, [&](int64_t b, int64_t e) { k.clamp(x + b, lo, hi, out + b, e - b); });
}

void clampBackward(const float* x, float lo, float hi, const float* gy, float* gx, int64_t n) {
  const KernelTable& k = kernels();
  chunks(n, [&](int64_t b, int64_t e) { k.clampBackward(x + b, lo, hi, gy + b, gx + b, e - b); });
}

void binary(int op, const Operand& a, const Operand& b, float* out, int rank, const int64_t* shape) {
  const KernelTable& k = kernels();
  const int64_t zero[1] = {0};
  Walk w(rank, shape, {&a, &b}, zero);
  const float* A = static_cast<const float*>(a.data);
  const float* B = static_cast<const float*>(b.data);
  w.run([&](const int64_t* off, const int64_t* is, int64_t len) {
    const float* pa = A + off[0];
    const float* pb = B + off[1];
    float* po = out + off[2];
    const bool aOk = is[0] == 0 || is[0] == 1, bOk = is[1] == 0 || is[1] == 1;
    if (aOk && bOk) {
      k.binaryRow(op, pa, is[0], pb, is[1], po, len);
      return;
    }
    // gather the strided operand(s) a chunk at a time
    float ta[512], tb[512];
    for (int64_t s = 0; s < len; s += 512) {
      const int64_t c = len - s < 512 ? len - s : 512;
      const float* ra = pa + s * is[0];
      const float* rb = pb + s * is[1];
      int64_t sa = is[0], sb = is[1];
      if (!aOk) { for (int64_t j = 0; j < c; j++) ta[j] = ra[j * is[0]]; ra = ta; sa = 1; }
      if (!bOk) { for (int64_t j = 0; j < c; j++) tb[j] = rb[j * is[1]]; rb = tb; sb = 1; }
      k.binaryRow(op, ra, sa, rb, sb, po + s, c);
    }
  });
}

void compare(int op, const Operand& a, const Operand& b, uint8_t* out, int rank, const int64_t* shape) {
  const int64_t zero[1] = {0};
  Walk w(rank, shape, {&a, &b}, zero);
  w.run([&](const int64_t* off, const int64_t* is, int64_t len) {
    for (int64_t j = 0; j < len; j++) {
      const double x = load(a, off[0] + j * is[0]), y = load(b, off[1] + j * is[1]);
      bool r = false;
      switch (op) {
        case 0: r = x == y; break;
        case 1: r = x != y; break;
        case 2: r = x < y; break;
        case 3: r = x <= y; break;
        case 4: r = x > y; break;
        case 5: r = x >= y; break;
      }
      out[off[2] + j] = r ? 1 : 0;
    }
  });
}

void where(const Operand& cond, const Operand& a, const Operand& b, void* out, int esize, int rank, const int64_t* shape) {
  const int64_t zero[1] = {0};
  Walk w(rank, shape, {&cond, &a, &b}, zero);
  w.run([&](const int64_t* off, const int64_t* is, int64_t len) {
    for (int64_t j = 0; j < len; j++) {
      const double c = load(cond, off[0] + j * is[0]);
      // JS truthiness: 0 and NaN are false
      const bool t = c != 0 && c == c;
      const Operand& src = t ? a : b;
      const int64_t at = t ? off[1] + j * is[1] : off[2] + j * is[2];
      std::memcpy(static_cast<char*>(out) + (off[3] + j) * esize, static_cast<const char*>(src.data) + at * esize, size_t(esize));
    }
  });
}

void accumulate(const Operand& dst, const Operand& src, int rank, const int64_t* shape) {
  const KernelTable& k = kernels();
  Walk w(rank, shape, {&dst, &src}, nullptr);
  float* D = static_cast<float*>(dst.data);
  const float* S = static_cast<const float*>(src.data);
  w.run([&](const int64_t* off, const int64_t* is, int64_t len) {
    float* pd = D + off[0];
    const float* ps = S + off[1];
    if (is[0] == 1 && (is[1] == 1 || is[1] == 0)) k.binaryRow(B_ADD, pd, 1, ps, is[1], pd, len);
    else for (int64_t j = 0; j < len; j++) pd[j * is[0]] += ps[j * is[1]];
  });
}

void copy(const Operand& src, const Operand& dst, int esize, int rank, const int64_t* shape) {
  Walk w(rank, shape, {&src, &dst}, nullptr);
  const char* S = static_cast<const char*>(src.data);
  char* D = static_cast<char*>(dst.data);
  w.run([&](const int64_t* off, const int64_t* is, int64_t len) {
    const char* ps = S + off[0] * esize;
    char* pd = D + off[1] * esize;
    if (is[0] == 1 && is[1] == 1) {
      std::memcpy(pd, ps, size_t(len * esize));
    } else if (esize == 4) {
      const uint32_t* s4 = reinterpret_cast<const uint32_t*>(ps);
      uint32_t* d4 = reinterpret_cast<uint32_t*>(pd);
      for (int64_t j = 0; j < len; j++) d4[j * is[1]] = s4[j * is[0]];
    } else {
      for (int64_t j = 0; j < len; j++) pd[j * is[1]] = ps[j * is[0]];
    }
  });
}

namespace {

// JS's ToInt32 (an Int32Array store): NaN and infinities become 0, others truncate, then wrap mod 2^32
int32_t toInt32(double x) {
  if (!std::isfinite(x)) return 0;
  double t = std::trunc(x);
  if (t >= -2147483648.0 && t <= 2147483647.0) return int32_t(t);
  double m = std::fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return m >= 2147483648.0 ? int32_t(int64_t(m) - 4294967296LL) : int32_t(int64_t(m));
}

template <class S>
void castFrom(const S* src, void* out, int outType, int64_t n) {
  switch (outType) {
    case F32: { float* o = static_cast<float*>(out); for (int64_t i = 0; i < n; i++) o[i] = float(src[i]); return; }
    case I32: { int32_t* o = static_cast<int32_t*>(out); for (int64_t i = 0; i < n; i++) o[i] = toInt32(double(src[i])); return; }
    // non-zero is true, NaN included (as PyTorch)
    default: { uint8_t* o = static_cast<uint8_t*>(out); for (int64_t i = 0; i < n; i++) o[i] = src[i] != 0 || src[i] != src[i] ? 1 : 0; return; }
  }
}

}  // namespace

void cast(const void* src, int srcType, void* out, int outType, int64_t n) {
  switch (srcType) {
    case F32: castFrom(static_cast<const float*>(src), out, outType, n); return;
    case I32: castFrom(static_cast<const int32_t*>(src), out, outType, n); return;
    default: castFrom(static_cast<const uint8_t*>(src), out, outType, n); return;
  }
}

}  // namespace anneal
