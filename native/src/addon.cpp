// The Node-API surface of the native backend (src/backend/native/ is its TypeScript side).
//
// A call passes its buffers as typed arrays and its sizes, strides and scalars through one shared
// Float64Array (argBlock), so a kernel call costs one N-API crossing plus one typed-array lookup
// per buffer. Every buffer is bounds-checked against the elements the kernel will touch before it
// runs: a bug in the layer above becomes a JS exception, never a stray write.
#define NAPI_VERSION 8
#include <napi.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cpu.h"
#include "gemm/gemm.h"
#include "kernels/table.h"
#include "ops/ops.h"
#include "threadpool.h"

namespace anneal {
namespace {

// The argument block of the calling JS thread (each worker thread that loads the addon gets its own).
constexpr size_t kArgSlots = 1 << 14;
thread_local double* gArgs = nullptr;

struct Arr {
  void* data = nullptr;
  int64_t length = 0;  // elements
  napi_typedarray_type type = napi_float32_array;
  bool present = false;
};

class Failure {
 public:
  std::string message;
};

void fail(const std::string& m) { throw Failure{m}; }

Arr arr(napi_env env, napi_value v, const char* what, bool optional = false) {
  Arr a;
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_null || t == napi_undefined) {
    if (!optional) fail(std::string(what) + ": missing buffer");
    return a;
  }
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) fail(std::string(what) + ": expected a typed array");
  size_t len;
  napi_value ab;
  size_t byteOffset;
  napi_get_typedarray_info(env, v, &a.type, &len, &a.data, &ab, &byteOffset);
  a.length = int64_t(len);
  a.present = true;
  return a;
}

int dtypeOf(const Arr& a) {
  switch (a.type) {
    case napi_float32_array: return F32;
    case napi_int32_array: return I32;
    case napi_uint8_array: return U8;
    default: fail("unsupported typed array type"); return F32;
  }
}

Arr typed(napi_env env, napi_value v, const char* what, int dtype, bool optional = false) {
  Arr a = arr(env, v, what, optional);
  if (a.present && dtypeOf(a) != dtype) fail(std::string(what) + ": wrong element type");
  return a;
}

void need(const Arr& a, int64_t n, const char* what) {
  if (n < 0 || (n > 0 && (!a.present || a.length < n))) fail(std::string(what) + ": buffer too small");
}

int64_t I(int i) { return int64_t(gArgs[i]); }

// Reads [offset, strides...] of a strided operand from the arg block and checks it fits in `a`.
struct Cursor {
  int at;
  explicit Cursor(int start) : at(start) {}
  double next() { return gArgs[at++]; }
};

void readShape(Cursor& c, int* rank, int64_t* shape) {
  *rank = int(c.next());
  if (*rank < 0 || *rank > kMaxRank) fail("rank out of range");
  for (int d = 0; d < *rank; d++) {
    shape[d] = int64_t(c.next());
    if (shape[d] < 0) fail("negative size");
  }
}

// Negative strides are allowed here (the Strided contract has them); the view's lowest and highest
// element must both lie inside the buffer.
Operand readOperand(Cursor& c, const Arr& a, int rank, const int64_t* shape, const char* what) {
  Operand o;
  o.data = a.data;
  o.dtype = a.present ? dtypeOf(a) : F32;
  o.offset = int64_t(c.next());
  int64_t lo = o.offset, hi = o.offset;
  bool empty = false;
  for (int d = 0; d < rank; d++) {
    o.strides[d] = int64_t(c.next());
    if (shape[d] == 0) empty = true;
    const int64_t reach = (shape[d] - 1) * o.strides[d];
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  if (!empty && (lo < 0 || !a.present || hi >= a.length)) fail(std::string(what) + ": view exceeds its buffer");
  return o;
}

Strided4 readStrided4(Cursor& c, const Arr& a, const int64_t* shape, const char* what) {
  Operand o = readOperand(c, a, 4, shape, what);
  Strided4 s;
  s.data = static_cast<const float*>(a.data);
  s.offset = o.offset;
  for (int d = 0; d < 4; d++) {
    if (o.strides[d] < 0) fail(std::string(what) + ": negative stride");
    s.strides[d] = o.strides[d];
  }
  return s;
}

int64_t numel(int rank, const int64_t* shape) {
  int64_t n = 1;
  for (int d = 0; d < rank; d++) n *= shape[d];
  return n;
}


// Wraps a kernel so a Failure becomes a JS Error.
template <class F>
Napi::Value guarded(const Napi::CallbackInfo& info, F fn) {
  try {
    if (!gArgs) fail("argBlock() was not called on this thread");
    return fn(info.Env());
  } catch (const Failure& f) {
    Napi::Error::New(info.Env(), "anneal native backend: " + f.message).ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
}

#define KERNEL(name) Napi::Value name(const Napi::CallbackInfo& info) { return guarded(info, [&](Napi::Env env) -> Napi::Value {
#define END return env.Undefined(); }); }

// ---- memory and configuration ----

KERNEL(AlignOffset)
  void* data;
  size_t length;
  if (napi_get_arraybuffer_info(env, info[0], &data, &length) != napi_ok) fail("alignOffset: expected an ArrayBuffer");
  const int64_t align = int64_t(info[1].As<Napi::Number>().DoubleValue());
  if (align <= 0 || (align & (align - 1)) != 0) fail("alignOffset: alignment must be a power of two");
  const int64_t off = (align - int64_t(reinterpret_cast<uintptr_t>(data) % uintptr_t(align))) % align;
  return Napi::Number::New(env, double(off));
}); }

Napi::Value ArgBlock(const Napi::CallbackInfo& info) {
  // one per thread for its lifetime, like the thread's JS environment
  if (!gArgs) gArgs = new double[kArgSlots]();
  napi_value ab, view;
  napi_create_external_arraybuffer(info.Env(), gArgs, kArgSlots * sizeof(double), nullptr, nullptr, &ab);
  napi_create_typedarray(info.Env(), napi_float64_array, kArgSlots, ab, 0, &view);
  return Napi::Value(info.Env(), view);
}

KERNEL(Info)
  Napi::Object o = Napi::Object::New(env);
  o.Set("isa", isaName(activeIsa()));
  o.Set("threads", numThreads());
  o.Set("sgemm", sgemmKernelName());
  o.Set("bf16", bf16GemmKernelName());
  const CpuFeatures& f = cpuFeatures();
  Napi::Object cpu = Napi::Object::New(env);
  cpu.Set("avx2", f.avx2 && f.fma);
  cpu.Set("avx512", f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq);
  cpu.Set("avx512bf16", f.avx512bf16);
  cpu.Set("amx", f.amxTile && f.amxBf16);
  o.Set("cpu", cpu);
  return o;
}); }

KERNEL(SetThreads)
  setNumThreads(int(info[0].As<Napi::Number>().Int32Value()));
  return Napi::Number::New(env, numThreads());
}); }

KERNEL(SetIsa)
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  if (name == "portable") setIsa(Isa::Portable);
  else if (name == "avx2") setIsa(Isa::Avx2);
  else if (name == "avx512") setIsa(Isa::Avx512);
  else fail("setIsa: expected portable, avx2 or avx512");
  return Napi::String::New(env, isaName(activeIsa()));
}); }

// ---- elementwise ----

KERNEL(Unary)
  const int op = int(I(0));
  const int64_t n = I(1);
  if (op < 0 || op >= U_COUNT) fail("unary: unknown op");
  Arr x = typed(env, info[0], "unary x", F32), y = typed(env, info[1], "unary out", F32);
  need(x, n, "unary x");
  need(y, n, "unary out");
  unary(op, static_cast<float*>(x.data), static_cast<float*>(y.data), n);
END

KERNEL(UnaryBackward)
  const int op = int(I(0));
  const int64_t n = I(1);
  if (op < 0 || op >= U_COUNT) fail("unaryBackward: unknown op");
  Arr x = typed(env, info[0], "x", F32), y = typed(env, info[1], "y", F32), gy = typed(env, info[2], "gy", F32), gx = typed(env, info[3], "gx", F32);
  need(x, n, "x"); need(y, n, "y"); need(gy, n, "gy"); need(gx, n, "gx");
  unaryBackward(op, static_cast<float*>(x.data), static_cast<float*>(y.data), static_cast<float*>(gy.data), static_cast<float*>(gx.data), n);
END

KERNEL(Binary)
  const int op = int(I(0));
  if (op < 0 || op >= B_COUNT) fail("binary: unknown op");
  Cursor c(1);
  int rank;
  int64_t shape[kMaxRank];
  readShape(c, &rank, shape);
  Arr a = typed(env, info[0], "binary a", F32), b = typed(env, info[1], "binary b", F32), out = typed(env, info[2], "binary out", F32);
  Operand oa = readOperand(c, a, rank, shape, "binary a"), ob = readOperand(c, b, rank, shape, "binary b");
  need(out, numel(rank, shape), "binary out");
  binary(op, oa, ob, static_cast<float*>(out.data), rank, shape);
END

KERNEL(Compare)
  const int op = int(I(0));
  if (op < 0 || op > 5) fail("compare: unknown op");
  Cursor c(1);
  int rank;
  int64_t shape[kMaxRank];
  readShape(c, &rank, shape);
  Arr a = arr(env, info[0], "compare a"), b = arr(env, info[1], "compare b"), out = typed(env, info[2], "compare out", U8);
  Operand oa = readOperand(c, a, rank, shape, "compare a"), ob = readOperand(c, b, rank, shape, "compare b");
  need(out, numel(rank, shape), "compare out");
  compare(op, oa, ob, static_cast<uint8_t*>(out.data), rank, shape);
END

KERNEL(Where)
  Cursor c(0);
  int rank;
  int64_t shape[kMaxRank];
  readShape(c, &rank, shape);
  Arr cond = arr(env, info[0], "where cond"), a = arr(env, info[1], "where a"), b = arr(env, info[2], "where b"), out = arr(env, info[3], "where out");
  if (dtypeOf(a) != dtypeOf(out) || dtypeOf(b) != dtypeOf(out)) fail("where: operands must have the output's dtype");
  Operand oc = readOperand(c, cond, rank, shape, "where cond"), oa = readOperand(c, a, rank, shape, "where a"), ob = readOperand(c, b, rank, shape, "where b");
  need(out, numel(rank, shape), "where out");
  where(oc, oa, ob, out.data, dtypeSize(dtypeOf(out)), rank, shape);
END

KERNEL(Clamp)
  const int64_t n = I(2);
  Arr x = typed(env, info[0], "clamp x", F32), out = typed(env, info[1], "clamp out", F32);
  need(x, n, "clamp x"); need(out, n, "clamp out");
  clamp(static_cast<float*>(x.data), float(gArgs[0]), float(gArgs[1]), static_cast<float*>(out.data), n);
END

KERNEL(ClampBackward)
  const int64_t n = I(2);
  Arr x = typed(env, info[0], "x", F32), gy = typed(env, info[1], "gy", F32), gx = typed(env, info[2], "gx", F32);
  need(x, n, "x"); need(gy, n, "gy"); need(gx, n, "gx");
  clampBackward(static_cast<float*>(x.data), float(gArgs[0]), float(gArgs[1]), static_cast<float*>(gy.data), static_cast<float*>(gx.data), n);
END

KERNEL(Accumulate)
  Cursor c(0);
  int rank;
  int64_t shape[kMaxRank];
  readShape(c, &rank, shape);
  Arr dst = typed(env, info[0], "accumulate dst", F32), src = typed(env, info[1], "accumulate src", F32);
  Operand od = readOperand(c, dst, rank, shape, "accumulate dst"), os = readOperand(c, src, rank, shape, "accumulate src");
  accumulate(od, os, rank, shape);
END

KERNEL(Copy)
  Cursor c(0);
  int rank;
  int64_t shape[kMaxRank];
  readShape(c, &rank, shape);
  Arr src = arr(env, info[0], "copy src"), dst = arr(env, info[1], "copy dst");
  if (dtypeOf(src) != dtypeOf(dst)) fail("copy: dtypes differ");
  Operand os = readOperand(c, src, rank, shape, "copy src"), od = readOperand(c, dst, rank, shape, "copy dst");
  copy(os, od, dtypeSize(dtypeOf(src)), rank, shape);
END

KERNEL(Cast)
  const int64_t n = I(0);
  Arr src = arr(env, info[0], "cast src"), out = arr(env, info[1], "cast out");
  need(src, n, "cast src"); need(out, n, "cast out");
  cast(src.data, dtypeOf(src), out.data, dtypeOf(out), n);
END

// ---- reductions, softmax, layer norm, cross-entropy ----

KERNEL(Sum)
  const int64_t outer = I(0), n = I(1), inner = I(2);
  Arr x = typed(env, info[0], "sum x", F32), out = typed(env, info[1], "sum out", F32);
  need(x, outer * n * inner, "sum x"); need(out, outer * inner, "sum out");
  sum(static_cast<float*>(x.data), outer, n, inner, static_cast<float*>(out.data));
END

KERNEL(Max)
  const int64_t outer = I(0), n = I(1), inner = I(2);
  Arr x = typed(env, info[0], "max x", F32), v = typed(env, info[1], "max values", F32), ix = typed(env, info[2], "max indices", I32);
  need(x, outer * n * inner, "max x"); need(v, outer * inner, "max values"); need(ix, outer * inner, "max indices");
  max(static_cast<float*>(x.data), outer, n, inner, static_cast<float*>(v.data), static_cast<int32_t*>(ix.data));
END

KERNEL(Softmax)
  const int64_t outer = I(0), n = I(1), inner = I(2);
  Arr x = typed(env, info[0], "softmax x", F32), out = typed(env, info[1], "softmax out", F32);
  need(x, outer * n * inner, "softmax x"); need(out, outer * n * inner, "softmax out");
  softmax(static_cast<float*>(x.data), outer, n, inner, static_cast<float*>(out.data), gArgs[3] != 0);
END

KERNEL(SoftmaxBackward)
  const int64_t outer = I(0), n = I(1), inner = I(2), total = outer * n * inner;
  Arr y = typed(env, info[0], "y", F32), gy = typed(env, info[1], "gy", F32), gx = typed(env, info[2], "gx", F32);
  need(y, total, "y"); need(gy, total, "gy"); need(gx, total, "gx");
  softmaxBackward(static_cast<float*>(y.data), static_cast<float*>(gy.data), outer, n, inner, static_cast<float*>(gx.data), gArgs[3] != 0);
END

KERNEL(LayerNorm)
  const int64_t rows = I(0), cols = I(1);
  Arr x = typed(env, info[0], "x", F32), w = typed(env, info[1], "weight", F32, true), b = typed(env, info[2], "bias", F32, true);
  Arr out = typed(env, info[3], "out", F32), mean = typed(env, info[4], "mean", F32), rstd = typed(env, info[5], "rstd", F32);
  need(x, rows * cols, "x"); need(out, rows * cols, "out"); need(mean, rows, "mean"); need(rstd, rows, "rstd");
  if (w.present) need(w, cols, "weight");
  if (b.present) need(b, cols, "bias");
  layerNorm(static_cast<float*>(x.data), static_cast<float*>(w.data), static_cast<float*>(b.data), rows, cols, float(gArgs[2]),
            static_cast<float*>(out.data), static_cast<float*>(mean.data), static_cast<float*>(rstd.data));
END

KERNEL(LayerNormBackward)
  const int64_t rows = I(0), cols = I(1);
  Arr x = typed(env, info[0], "x", F32), w = typed(env, info[1], "weight", F32, true), mean = typed(env, info[2], "mean", F32);
  Arr rstd = typed(env, info[3], "rstd", F32), gy = typed(env, info[4], "gy", F32), gx = typed(env, info[5], "gx", F32);
  Arr gw = typed(env, info[6], "gw", F32, true), gb = typed(env, info[7], "gb", F32, true);
  need(x, rows * cols, "x"); need(gy, rows * cols, "gy"); need(gx, rows * cols, "gx"); need(mean, rows, "mean"); need(rstd, rows, "rstd");
  if (w.present) need(w, cols, "weight");
  if (gw.present) need(gw, cols, "gw");
  if (gb.present) need(gb, cols, "gb");
  layerNormBackward(static_cast<float*>(x.data), static_cast<float*>(w.data), static_cast<float*>(mean.data), static_cast<float*>(rstd.data),
                    static_cast<float*>(gy.data), rows, cols, static_cast<float*>(gx.data), static_cast<float*>(gw.data), static_cast<float*>(gb.data));
END

void checkTargets(const Arr& t, int64_t rows, int64_t classes, int32_t ignore) {
  const int32_t* y = static_cast<const int32_t*>(t.data);
  for (int64_t r = 0; r < rows; r++)
    if (y[r] != ignore && (y[r] < 0 || y[r] >= classes)) fail("crossEntropy: target out of range");
}

KERNEL(CrossEntropy)
  const int64_t rows = I(0), classes = I(1);
  const int32_t ignore = int32_t(I(2));
  Arr z = typed(env, info[0], "logits", F32), t = typed(env, info[1], "targets", I32), l = typed(env, info[2], "losses", F32), s = typed(env, info[3], "lse", F32);
  need(z, rows * classes, "logits"); need(t, rows, "targets"); need(l, rows, "losses"); need(s, rows, "lse");
  checkTargets(t, rows, classes, ignore);
  crossEntropy(static_cast<float*>(z.data), static_cast<int32_t*>(t.data), rows, classes, ignore, gArgs[3], gArgs[4], static_cast<float*>(l.data),
               static_cast<float*>(s.data));
END

KERNEL(CrossEntropyBackward)
  const int64_t rows = I(0), classes = I(1);
  const int32_t ignore = int32_t(I(2));
  Arr z = typed(env, info[0], "logits", F32), t = typed(env, info[1], "targets", I32), s = typed(env, info[2], "lse", F32);
  Arr g = typed(env, info[3], "rowGrad", F32), gx = typed(env, info[4], "gx", F32);
  need(z, rows * classes, "logits"); need(t, rows, "targets"); need(s, rows, "lse"); need(g, rows, "rowGrad"); need(gx, rows * classes, "gx");
  checkTargets(t, rows, classes, ignore);
  crossEntropyBackward(static_cast<float*>(z.data), static_cast<int32_t*>(t.data), static_cast<float*>(s.data), static_cast<float*>(g.data), rows,
                       classes, ignore, gArgs[3], gArgs[4], static_cast<float*>(gx.data));
END

// ---- indexing ----

void checkIndex(const Arr& ix, int64_t count, int64_t n) {
  const int32_t* p = static_cast<const int32_t*>(ix.data);
  for (int64_t i = 0; i < count; i++)
    if (p[i] < 0 || p[i] >= n) fail("index out of range");
}

KERNEL(IndexSelect)
  const int64_t outer = I(0), n = I(1), inner = I(2);
  Arr src = arr(env, info[0], "src"), ix = typed(env, info[1], "index", I32), out = arr(env, info[2], "out");
  if (dtypeOf(src) != dtypeOf(out)) fail("indexSelect: dtypes differ");
  const int64_t m = ix.length;
  need(src, outer * n * inner, "src"); need(out, outer * m * inner, "out");
  checkIndex(ix, m, n);
  indexSelect(src.data, dtypeSize(dtypeOf(src)), outer, n, inner, static_cast<int32_t*>(ix.data), m, out.data);
END

KERNEL(IndexAdd)
  const int64_t outer = I(0), n = I(1), inner = I(2);
  Arr gy = typed(env, info[0], "gy", F32), ix = typed(env, info[1], "index", I32), gx = typed(env, info[2], "gx", F32);
  const int64_t m = ix.length;
  need(gy, outer * m * inner, "gy"); need(gx, outer * n * inner, "gx");
  checkIndex(ix, m, n);
  indexAdd(static_cast<float*>(gy.data), outer, n, inner, static_cast<int32_t*>(ix.data), m, static_cast<float*>(gx.data));
END

KERNEL(Gather)
  const int64_t outer = I(0), n = I(1), inner = I(2), m = I(3);
  Arr src = arr(env, info[0], "src"), ix = typed(env, info[1], "index", I32), out = arr(env, info[2], "out");
  if (dtypeOf(src) != dtypeOf(out)) fail("gather: dtypes differ");
  need(src, outer * n * inner, "src"); need(ix, outer * m * inner, "index"); need(out, outer * m * inner, "out");
  checkIndex(ix, outer * m * inner, n);
  gather(src.data, dtypeSize(dtypeOf(src)), outer, n, inner, static_cast<int32_t*>(ix.data), m, out.data);
END

KERNEL(ScatterAdd)
  const int64_t outer = I(0), n = I(1), inner = I(2), m = I(3);
  Arr gy = typed(env, info[0], "gy", F32), ix = typed(env, info[1], "index", I32), gx = typed(env, info[2], "gx", F32);
  need(gy, outer * m * inner, "gy"); need(ix, outer * m * inner, "index"); need(gx, outer * n * inner, "gx");
  checkIndex(ix, outer * m * inner, n);
  scatterAdd(static_cast<float*>(gy.data), outer, n, inner, static_cast<int32_t*>(ix.data), m, static_cast<float*>(gx.data));
END

// ---- dropout ----

KERNEL(BernoulliMask)
  const int64_t n = I(0);
  const double threshold = gArgs[1];
  Arr state = arr(env, info[0], "rng state"), keep = typed(env, info[1], "keep", U8);
  if (state.type != napi_uint32_array || state.length < 4) fail("bernoulliMask: state must be a Uint32Array(4)");
  need(keep, n, "keep");
  bernoulliMask(n, uint32_t(threshold < 0 ? 0 : threshold > 16777216 ? 16777216 : threshold), static_cast<uint32_t*>(state.data),
                static_cast<uint8_t*>(keep.data));
END

KERNEL(DropoutApply)
  const int64_t n = I(1);
  Arr x = typed(env, info[0], "x", F32), keep = typed(env, info[1], "keep", U8), out = typed(env, info[2], "out", F32);
  need(x, n, "x"); need(keep, n, "keep"); need(out, n, "out");
  dropoutApply(static_cast<float*>(x.data), static_cast<uint8_t*>(keep.data), float(gArgs[0]), static_cast<float*>(out.data), n);
END

// ---- optimizers and norms ----

std::vector<Arr> list(napi_env env, napi_value v, const char* what, bool optional = false) {
  std::vector<Arr> out;
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (optional && (t == napi_null || t == napi_undefined)) return out;
  bool isArray = false;
  napi_is_array(env, v, &isArray);
  if (!isArray) fail(std::string(what) + ": expected an array of typed arrays");
  uint32_t n;
  napi_get_array_length(env, v, &n);
  out.reserve(n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    napi_get_element(env, v, i, &e);
    out.push_back(typed(env, e, what, F32, true));
  }
  return out;
}

KERNEL(Adam)
  std::vector<Arr> p = list(env, info[0], "params"), g = list(env, info[1], "grads"), m = list(env, info[2], "expAvg"), v = list(env, info[3], "expAvgSq");
  std::vector<Arr> mx = list(env, info[4], "maxExpAvgSq", true);
  const size_t count = size_t(I(0));
  if (p.size() != count || g.size() != count || m.size() != count || v.size() != count || (!mx.empty() && mx.size() != count)) fail("adam: list lengths differ");
  AdamScalars s{float(gArgs[1]), float(gArgs[2]), float(gArgs[3]), float(gArgs[4]), float(gArgs[5]), float(gArgs[6]), float(gArgs[7]),
                gArgs[8] != 0, gArgs[9] != 0, gArgs[10] != 0};
  for (size_t t = 0; t < count; t++) {
    const int64_t n = p[t].length;
    need(g[t], n, "grad"); need(m[t], n, "expAvg"); need(v[t], n, "expAvgSq");
    if (!mx.empty()) need(mx[t], n, "maxExpAvgSq");
    adam(static_cast<float*>(p[t].data), static_cast<float*>(g[t].data), static_cast<float*>(m[t].data), static_cast<float*>(v[t].data),
         mx.empty() ? nullptr : static_cast<float*>(mx[t].data), n, s, float(gArgs[11 + 2 * t]), float(gArgs[12 + 2 * t]));
  }
END

KERNEL(Sgd)
  std::vector<Arr> p = list(env, info[0], "params"), g = list(env, info[1], "grads"), b = list(env, info[2], "momentumBuffers", true);
  const size_t count = size_t(I(0));
  if (p.size() != count || g.size() != count || (!b.empty() && b.size() != count)) fail("sgd: list lengths differ");
  SgdScalars s{float(gArgs[1]), float(gArgs[2]), float(gArgs[3]), float(gArgs[4]), gArgs[5] != 0, gArgs[6] != 0, gArgs[7] != 0};
  for (size_t t = 0; t < count; t++) {
    const int64_t n = p[t].length;
    need(g[t], n, "grad");
    float* buf = nullptr;
    if (!b.empty() && b[t].present) {
      need(b[t], n, "momentumBuffer");
      buf = static_cast<float*>(b[t].data);
    }
    sgd(static_cast<float*>(p[t].data), static_cast<float*>(g[t].data), buf, gArgs[8 + t] != 0, n, s);
  }
END

KERNEL(SumPow)
  std::vector<Arr> xs = list(env, info[0], "tensors");
  Arr out = arr(env, info[1], "out");
  if (out.type != napi_float64_array || out.length < int64_t(xs.size())) fail("sumPow: out must be a Float64Array per tensor");
  double* o = static_cast<double*>(out.data);
  for (size_t t = 0; t < xs.size(); t++) o[t] = sumPow(static_cast<float*>(xs[t].data), xs[t].length, gArgs[0]);
END

KERNEL(ScaleInPlace)
  std::vector<Arr> xs = list(env, info[0], "tensors");
  for (const Arr& x : xs) scaleInPlace(static_cast<float*>(x.data), float(gArgs[0]), x.length);
END

// ---- gemm ----

template <class T, class Args>
void readGemm(napi_env env, const Napi::CallbackInfo& info, Args& g, std::vector<int64_t>& offs, int aType) {
  g.m = I(0); g.n = I(1); g.k = I(2); g.batch = I(3);
  g.aRowStride = I(4); g.aColStride = I(5); g.bRowStride = I(6); g.bColStride = I(7); g.ldc = I(8);
  g.alpha = float(gArgs[9]); g.beta = float(gArgs[10]);
  const bool hasC = gArgs[11] != 0;
  if (g.m < 0 || g.n < 0 || g.k < 0 || g.batch < 0 || g.ldc < g.n) fail("gemm: bad sizes");
  if (g.aRowStride < 0 || g.aColStride < 0 || g.bRowStride < 0 || g.bColStride < 0) fail("gemm: negative stride");
  Arr a = typed(env, info[0], "gemm a", aType), b = typed(env, info[1], "gemm b", aType), c = typed(env, info[2], "gemm c", F32);
  Arr bias = typed(env, info[3], "gemm bias", F32, true);
  if (bias.present) need(bias, g.n, "gemm bias");
  offs.resize(size_t(3 * g.batch));
  for (int64_t i = 0; i < g.batch; i++) {
    offs[size_t(i)] = int64_t(gArgs[12 + i]);
    offs[size_t(g.batch + i)] = int64_t(gArgs[12 + g.batch + i]);
    offs[size_t(2 * g.batch + i)] = hasC ? int64_t(gArgs[12 + 2 * g.batch + i]) : i * g.m * g.n;
  }
  if (g.m > 0 && g.n > 0) {
    for (int64_t i = 0; i < g.batch; i++) {
      const int64_t ao = offs[size_t(i)], bo = offs[size_t(g.batch + i)], co = offs[size_t(2 * g.batch + i)];
      if (g.k > 0 && (ao < 0 || ao + (g.m - 1) * g.aRowStride + (g.k - 1) * g.aColStride >= a.length)) fail("gemm: A exceeds its buffer");
      if (g.k > 0 && (bo < 0 || bo + (g.k - 1) * g.bRowStride + (g.n - 1) * g.bColStride >= b.length)) fail("gemm: B exceeds its buffer");
      if (co < 0 || co + (g.m - 1) * g.ldc + g.n > c.length) fail("gemm: C exceeds its buffer");
    }
  }
  g.a = static_cast<const T*>(a.data);
  g.b = static_cast<const T*>(b.data);
  g.c = static_cast<float*>(c.data);
  g.aOffsets = offs.data();
  g.bOffsets = offs.data() + g.batch;
  g.cOffsets = offs.data() + 2 * g.batch;
  g.bias = static_cast<const float*>(bias.data);
}

KERNEL(Gemm)
  SgemmArgs g{};
  std::vector<int64_t> offs;
  readGemm<float>(env, info, g, offs, F32);
  if (g.m == 0 || g.n == 0 || g.batch == 0) return env.Undefined();
  sgemm(g);
END

KERNEL(GemmBf16)
  Bf16GemmArgs g{};
  std::vector<int64_t> offs;
  Arr a = arr(env, info[0], "a"), b = arr(env, info[1], "b");
  if (a.type != napi_uint16_array || b.type != napi_uint16_array) fail("gemmBf16: operands must be Uint16Arrays of bf16 bits");
  // reuse the f32 reader's checks with the bf16 element type
  g.m = I(0); g.n = I(1); g.k = I(2); g.batch = I(3);
  g.aRowStride = I(4); g.aColStride = I(5); g.bRowStride = I(6); g.bColStride = I(7); g.ldc = I(8);
  g.alpha = float(gArgs[9]); g.beta = float(gArgs[10]);
  const bool hasC = gArgs[11] != 0;
  Arr c = typed(env, info[2], "c", F32), bias = typed(env, info[3], "bias", F32, true);
  if (g.m < 0 || g.n < 0 || g.k < 0 || g.batch < 0 || g.ldc < g.n) fail("gemmBf16: bad sizes");
  offs.resize(size_t(3 * g.batch));
  for (int64_t i = 0; i < g.batch; i++) {
    offs[size_t(i)] = int64_t(gArgs[12 + i]);
    offs[size_t(g.batch + i)] = int64_t(gArgs[12 + g.batch + i]);
    offs[size_t(2 * g.batch + i)] = hasC ? int64_t(gArgs[12 + 2 * g.batch + i]) : i * g.m * g.n;
    const int64_t ao = offs[size_t(i)], bo = offs[size_t(g.batch + i)], co = offs[size_t(2 * g.batch + i)];
    if (g.m > 0 && g.n > 0 && g.k > 0) {
      if (ao < 0 || ao + (g.m - 1) * g.aRowStride + (g.k - 1) * g.aColStride >= a.length) fail("gemmBf16: A exceeds its buffer");
      if (bo < 0 || bo + (g.k - 1) * g.bRowStride + (g.n - 1) * g.bColStride >= b.length) fail("gemmBf16: B exceeds its buffer");
    }
    if (g.m > 0 && g.n > 0 && (co < 0 || co + (g.m - 1) * g.ldc + g.n > c.length)) fail("gemmBf16: C exceeds its buffer");
  }
  if (bias.present) need(bias, g.n, "bias");
  g.a = static_cast<const uint16_t*>(a.data); g.b = static_cast<const uint16_t*>(b.data); g.c = static_cast<float*>(c.data);
  g.aOffsets = offs.data(); g.bOffsets = offs.data() + g.batch; g.cOffsets = offs.data() + 2 * g.batch;
  g.bias = static_cast<const float*>(bias.data);
  if (g.m == 0 || g.n == 0 || g.batch == 0) return env.Undefined();
  gemmBf16(g);
END

KERNEL(ToBf16)
  const int64_t n = I(0);
  Arr x = typed(env, info[0], "x", F32), out = arr(env, info[1], "out");
  if (out.type != napi_uint16_array) fail("toBf16: out must be a Uint16Array");
  need(x, n, "x"); need(out, n, "out");
  f32ToBf16(static_cast<float*>(x.data), static_cast<uint16_t*>(out.data), n);
END

KERNEL(ToFp16)
  const int64_t n = I(0);
  Arr x = typed(env, info[0], "x", F32), out = arr(env, info[1], "out");
  if (out.type != napi_uint16_array) fail("toFp16: out must be a Uint16Array");
  need(x, n, "x"); need(out, n, "out");
  f32ToF16(static_cast<float*>(x.data), static_cast<uint16_t*>(out.data), n);
END

KERNEL(FromBf16)
  const int64_t n = I(0);
  Arr x = arr(env, info[0], "x"), out = typed(env, info[1], "out", F32);
  if (x.type != napi_uint16_array) fail("fromBf16: x must be a Uint16Array");
  need(x, n, "x"); need(out, n, "out");
  bf16ToF32(static_cast<uint16_t*>(x.data), static_cast<float*>(out.data), n);
END

KERNEL(FromFp16)
  const int64_t n = I(0);
  Arr x = arr(env, info[0], "x"), out = typed(env, info[1], "out", F32);
  if (x.type != napi_uint16_array) fail("fromFp16: x must be a Uint16Array");
  need(x, n, "x"); need(out, n, "out");
  f16ToF32(static_cast<uint16_t*>(x.data), static_cast<float*>(out.data), n);
END

// ---- attention ----

AttentionDims readDims(Cursor& c) {
  AttentionDims d;
  d.batch = int64_t(c.next()); d.heads = int64_t(c.next()); d.tgtLen = int64_t(c.next());
  d.srcLen = int64_t(c.next()); d.headDim = int64_t(c.next()); d.valueDim = int64_t(c.next());
  if (d.batch < 0 || d.heads < 0 || d.tgtLen < 0 || d.srcLen < 0 || d.headDim < 0 || d.valueDim < 0) fail("attention: bad sizes");
  return d;
}

KERNEL(Attention)
  Cursor c(0);
  const AttentionDims d = readDims(c);
  Arr q = typed(env, info[0], "q", F32), k = typed(env, info[1], "k", F32), v = typed(env, info[2], "v", F32);
  Arr mask = typed(env, info[3], "mask", F32, true), state = arr(env, info[4], "rng state", true);
  Arr w = typed(env, info[5], "weights", F32), keep = typed(env, info[6], "keep", U8, true), out = typed(env, info[7], "out", F32);
  const int64_t qs[4] = {d.batch, d.heads, d.tgtLen, d.headDim}, ks[4] = {d.batch, d.heads, d.srcLen, d.headDim};
  const int64_t vs[4] = {d.batch, d.heads, d.srcLen, d.valueDim}, ms[4] = {d.batch, d.heads, d.tgtLen, d.srcLen};
  const Strided4 sq = readStrided4(c, q, qs, "q"), sk = readStrided4(c, k, ks, "k"), sv = readStrided4(c, v, vs, "v");
  Strided4 sm{};
  if (mask.present) sm = readStrided4(c, mask, ms, "mask");
  else c.at += 5;
  const float scale = float(c.next());
  const bool causal = c.next() != 0;
  const float p = float(c.next());
  const int64_t total = d.batch * d.heads * d.tgtLen * d.srcLen;
  need(w, total, "weights");
  need(out, d.batch * d.tgtLen * d.heads * d.valueDim, "out");
  if (p > 0) {
    need(keep, total, "keep");
    if (!state.present || state.type != napi_uint32_array || state.length < 4) fail("attention: dropout needs the rng state (Uint32Array(4))");
  }
  attention(d, sq, sk, sv, scale, causal, mask.present ? &sm : nullptr, p, p > 0 ? static_cast<uint32_t*>(state.data) : nullptr,
            static_cast<float*>(w.data), static_cast<uint8_t*>(keep.data), static_cast<float*>(out.data));
END

KERNEL(AttentionBackward)
  Cursor c(0);
  const AttentionDims d = readDims(c);
  Arr q = typed(env, info[0], "q", F32), k = typed(env, info[1], "k", F32), v = typed(env, info[2], "v", F32);
  Arr w = typed(env, info[3], "weights", F32), keep = typed(env, info[4], "keep", U8, true), g = typed(env, info[5], "gOut", F32);
  Arr gq = typed(env, info[6], "gq", F32, true), gk = typed(env, info[7], "gk", F32, true), gv = typed(env, info[8], "gv", F32, true);
  const int64_t qs[4] = {d.batch, d.heads, d.tgtLen, d.headDim}, ks[4] = {d.batch, d.heads, d.srcLen, d.headDim};
  const int64_t vs[4] = {d.batch, d.heads, d.srcLen, d.valueDim}, gs[4] = {d.batch, d.heads, d.tgtLen, d.valueDim};
  const Strided4 sq = readStrided4(c, q, qs, "q"), sk = readStrided4(c, k, ks, "k"), sv = readStrided4(c, v, vs, "v");
  const Strided4 sg = readStrided4(c, g, gs, "gOut");
  const float scale = float(c.next());
  const float p = float(c.next());
  const int64_t total = d.batch * d.heads * d.tgtLen * d.srcLen;
  need(w, total, "weights");
  if (p > 0) need(keep, total, "keep");
  if (gq.present) need(gq, d.batch * d.tgtLen * d.heads * d.headDim, "gq");
  if (gk.present) need(gk, d.batch * d.srcLen * d.heads * d.headDim, "gk");
  if (gv.present) need(gv, d.batch * d.srcLen * d.heads * d.valueDim, "gv");
  attentionBackward(d, sq, sk, sv, scale, p, static_cast<float*>(w.data), static_cast<uint8_t*>(keep.data), sg, static_cast<float*>(gq.data),
                    static_cast<float*>(gk.data), static_cast<float*>(gv.data));
END

Napi::Object Init(Napi::Env env, Napi::Object exports) {
#define EXPORT(js, fn) exports.Set(js, Napi::Function::New(env, fn, js))
  EXPORT("alignOffset", AlignOffset); EXPORT("argBlock", ArgBlock); EXPORT("info", Info); EXPORT("setThreads", SetThreads); EXPORT("setIsa", SetIsa);
  EXPORT("unary", Unary); EXPORT("unaryBackward", UnaryBackward); EXPORT("binary", Binary); EXPORT("compare", Compare); EXPORT("where", Where);
  EXPORT("clamp", Clamp); EXPORT("clampBackward", ClampBackward); EXPORT("accumulate", Accumulate); EXPORT("copy", Copy); EXPORT("cast", Cast);
  EXPORT("sum", Sum); EXPORT("max", Max); EXPORT("softmax", Softmax); EXPORT("softmaxBackward", SoftmaxBackward);
  EXPORT("layerNorm", LayerNorm); EXPORT("layerNormBackward", LayerNormBackward);
  EXPORT("crossEntropy", CrossEntropy); EXPORT("crossEntropyBackward", CrossEntropyBackward);
  EXPORT("indexSelect", IndexSelect); EXPORT("indexAdd", IndexAdd); EXPORT("gather", Gather); EXPORT("scatterAdd", ScatterAdd);
  EXPORT("bernoulliMask", BernoulliMask); EXPORT("dropoutApply", DropoutApply);
  EXPORT("adam", Adam); EXPORT("sgd", Sgd); EXPORT("sumPow", SumPow); EXPORT("scaleInPlace", ScaleInPlace);
  EXPORT("gemm", Gemm); EXPORT("gemmBf16", GemmBf16); EXPORT("toBf16", ToBf16);
  EXPORT("toFp16", ToFp16); EXPORT("fromBf16", FromBf16); EXPORT("fromFp16", FromFp16);
  EXPORT("attention", Attention); EXPORT("attentionBackward", AttentionBackward);
#undef EXPORT
  return exports;
}

}  // namespace

Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return Init(env, exports); }

}  // namespace anneal

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return anneal::InitAddon(env, exports); }

NODE_API_MODULE(anneal, InitModule)
