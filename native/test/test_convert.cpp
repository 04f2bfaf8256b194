// The dtype conversions on every ISA path: up-conversions over all 2^16 patterns, down-conversions
// over edge values and a large random set, each bit for bit against a reference written here from
// the definition (nearest representable value, ties to even, overflow past max + half an ulp to Inf),
// and against PyTorch's results in test/fixtures/native/convert.json.
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../src/cpu.h"
#include "../src/gemm/gemm.h"
#include "check.h"

using namespace anneal;

namespace {

double bf16Value(uint16_t h) { return floatOf(uint32_t(h) << 16); }

double f16Value(uint16_t h) {
  const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
  const double s = (h & 0x8000) ? -1.0 : 1.0;
  if (e == 0x1f) return m ? NAN : s * INFINITY;
  if (e == 0) return s * std::ldexp(m, -24);
  return s * std::ldexp(1024 + m, e - 25);
}

// The documented NaN rule: sign and top payload bits kept, quiet bit set.
uint16_t nanBf16(uint32_t u) { return uint16_t((u >> 16) | 0x40); }
uint16_t nanF16(uint32_t u) { return uint16_t(((u >> 16) & 0x8000) | 0x7e00 | ((u >> 13) & 0x3ff)); }

// Nearest of the positive patterns lo < hi (values vlo <= x <= vhi), ties to the even pattern.
uint16_t nearest(double x, uint16_t lo, double vlo, uint16_t hi, double vhi) {
  const double dlo = x - vlo, dhi = vhi - x;
  if (dlo < dhi) return lo;
  if (dhi < dlo) return hi;
  return (lo & 1) ? hi : lo;
}

uint16_t refBf16(float x) {
  const uint32_t u = bitsOf(x);
  if (std::isnan(x)) return nanBf16(u);
  const uint16_t sign = uint16_t((u >> 16) & 0x8000);
  const double ax = std::fabs(double(x));
  const uint16_t lo = uint16_t((u & 0x7fffffff) >> 16);  // truncation: the largest pattern <= |x|
  if (lo == 0x7f80) return sign | lo;                     // Inf
  const uint16_t hi = lo + 1;
  const double vhi = hi == 0x7f80 ? std::ldexp(1.0, 128) : bf16Value(hi);  // Inf counts as 2^128
  return sign | nearest(ax, lo, bf16Value(lo), hi, vhi);
}

uint16_t refF16(float x) {
  const uint32_t u = bitsOf(x);
  if (std::isnan(x)) return nanF16(u);
  const uint16_t sign = uint16_t((u >> 16) & 0x8000);
  const double ax = std::fabs(double(x));
  if (std::isinf(x)) return sign | 0x7c00;
  // the largest positive finite pattern whose value is <= |x| (values grow with the pattern)
  uint16_t lo = 0;
  for (int step = 1 << 14; step; step >>= 1)
    if (lo + step <= 0x7bff && f16Value(uint16_t(lo + step)) <= ax) lo = uint16_t(lo + step);
  const uint16_t hi = lo + 1;
  const double vhi = hi == 0x7c00 ? 65536.0 : f16Value(hi);  // Inf counts as 2^16
  if (ax >= vhi) return sign | 0x7c00;
  return sign | nearest(ax, lo, f16Value(lo), hi, vhi);
}

std::vector<long long> jsonArray(const std::string& text, const std::string& key) {
  std::vector<long long> out;
  const size_t at = text.find("\"" + key + "\":[");
  if (at == std::string::npos) return out;
  std::istringstream in(text.substr(at + key.size() + 4));
  long long v;
  char sep = ',';
  while (sep == ',' && in >> v) {
    out.push_back(v);
    in >> sep;
  }
  return out;
}

std::vector<float> downInputs() {
  std::vector<uint32_t> u = {0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001,
                             0xff800001, 0x7fbfffff, 0x7fffffff, 0x7f7fffff, 0xff7fffff, 0x7f7f7fff, 0x7f7f8000,
                             0x00000001, 0x80000001, 0x007fffff, 0x00800000, 0x00008000, 0x00018000, 0x477fe000,
                             0x477ff000, 0x477fefff, 0x47800000, 0x38800000, 0x387fffff, 0x33800000, 0x33000000,
                             0x33000001, 0x33400000, 0x3f801000, 0x3f803000, 0x3f801001};
  // every rounding tie and its neighbours for both formats, over many exponents
  for (uint32_t e = 0; e < 255; e += 3)
    for (uint32_t m : {0x8000u, 0x18000u, 0x7fffu, 0x8001u, 0x1000u, 0x3000u, 0xfffu, 0x1001u})
      for (uint32_t s : {0u, 0x80000000u}) u.push_back(s | (e << 23) | m);
  std::mt19937 rng(11);
  for (int i = 0; i < 300000; i++) u.push_back(rng());
  std::uniform_real_distribution<float> big(-70000.0f, 70000.0f), unit(-1.0f, 1.0f);
  for (int i = 0; i < 100000; i++) u.push_back(bitsOf(big(rng)));
  for (int i = 0; i < 100000; i++) u.push_back(bitsOf(std::ldexp(unit(rng), -14 - int(rng() % 14))));  // fp16 subnormals
  std::vector<float> x;
  for (uint32_t v : u) x.push_back(floatOf(v));
  return x;
}

std::vector<Isa> paths() {
  std::vector<Isa> out = {Isa::Portable};
  for (Isa isa : {Isa::Avx2, Isa::Avx512}) {
    setIsa(isa);
    if (activeIsa() == isa) out.push_back(isa);
  }
  setIsa(Isa::Avx512);
  return out;
}

void upConversionsExhaustive(Isa isa) {
  std::vector<uint16_t> h(65536);
  for (int i = 0; i < 65536; i++) h[i] = uint16_t(i);
  std::vector<float> y(65536);
  bf16ToF32(h.data(), y.data(), 65536);
  int bad = 0;
  for (int i = 0; i < 65536; i++) bad += bitsOf(y[i]) != uint32_t(i) << 16;
  CHECK(bad == 0, "[%s] bf16ToF32 is the 16-bit shift for all 2^16 patterns (%d differ)", isaName(isa), bad);
  f16ToF32(h.data(), y.data(), 65536);
  bad = 0;
  for (int i = 0; i < 65536; i++) {
    const double v = f16Value(uint16_t(i));
    const uint32_t want = std::isnan(v) ? (uint32_t(i & 0x8000) << 16) | 0x7fc00000u | (uint32_t(i & 0x3ff) << 13)
                                        : bitsOf(float(v));
    if (bitsOf(y[i]) != want && bad++ < 3) std::printf("  f16 %04x -> %08x, want %08x\n", i, bitsOf(y[i]), want);
  }
  CHECK(bad == 0, "[%s] f16ToF32 is exact for all 2^16 patterns, NaNs quieted (%d differ)", isaName(isa), bad);
}

void downConversions(Isa isa, const std::vector<float>& x, const std::vector<uint16_t>& wantBf16,
                     const std::vector<uint16_t>& wantF16) {
  const int64_t n = int64_t(x.size());
  std::vector<uint16_t> y(x.size());
  f32ToBf16(x.data(), y.data(), n);
  int bad = 0;
  for (int64_t i = 0; i < n; i++)
    if (y[i] != wantBf16[i] && bad++ < 3) std::printf("  bf16 of %08x: %04x, want %04x\n", bitsOf(x[i]), y[i], wantBf16[i]);
  CHECK(bad == 0, "[%s] f32ToBf16 matches the reference on %lld values (%d differ)", isaName(isa), (long long)n, bad);
  f32ToF16(x.data(), y.data(), n);
  bad = 0;
  for (int64_t i = 0; i < n; i++)
    if (y[i] != wantF16[i] && bad++ < 3) std::printf("  f16 of %08x: %04x, want %04x\n", bitsOf(x[i]), y[i], wantF16[i]);
  CHECK(bad == 0, "[%s] f32ToF16 matches the reference on %lld values (%d differ)", isaName(isa), (long long)n, bad);
}

// Lengths 0..40 at odd offsets: the vector loops' tails and unaligned starts, nothing written past n.
void tailsAndOffsets(Isa isa) {
  std::mt19937 rng(5);
  bool ok = true;
  for (int n = 0; n <= 40; n++)
    for (int off = 0; off < 3; off++) {
      std::vector<float> x(64);
      for (float& v : x) v = floatOf(rng());
      std::vector<uint16_t> y(64, 0xabcd), z(64, 0xabcd);
      std::vector<float> f(64, 1234.5f);
      f32ToBf16(x.data() + off, y.data() + off, n);
      f32ToF16(x.data() + off, z.data() + off, n);
      for (int i = 0; i < 64; i++) {
        const bool in = i >= off && i < off + n;
        ok = ok && y[i] == (in ? refBf16(x[i]) : 0xabcd) && z[i] == (in ? refF16(x[i]) : 0xabcd);
      }
      bf16ToF32(y.data() + off, f.data() + off, n);
      for (int i = 0; i < 64; i++) ok = ok && (i >= off && i < off + n ? bitsOf(f[i]) == uint32_t(y[i]) << 16 : f[i] == 1234.5f);
    }
  CHECK(ok, "[%s] conversions of 0..40 elements at offsets 0..2 write exactly their range", isaName(isa));
}

void matchesTorch(const char* path) {
  std::ifstream in(path);
  CHECK(bool(in), "fixture %s is readable", path);
  if (!in) return;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const auto f32 = jsonArray(text, "f32"), bf = jsonArray(text, "bf16"), hf = jsonArray(text, "f16");
  CHECK(!f32.empty() && f32.size() == bf.size() && f32.size() == hf.size(), "fixture arrays have one length (%zu)", f32.size());
  if (f32.empty() || f32.size() != bf.size() || f32.size() != hf.size()) return;
  std::vector<float> x;
  for (long long v : f32) x.push_back(floatOf(uint32_t(v)));
  std::vector<uint16_t> yb(x.size()), yh(x.size());
  f32ToBf16(x.data(), yb.data(), int64_t(x.size()));
  f32ToF16(x.data(), yh.data(), int64_t(x.size()));
  int bad = 0, nans = 0;
  for (size_t i = 0; i < x.size(); i++) {
    if (std::isnan(x[i])) {
      nans++;
      bad += !std::isnan(bf16Value(yb[i])) || !std::isnan(f16Value(yh[i]));
      continue;
    }
    if ((yb[i] != bf[i] || yh[i] != hf[i]) && bad++ < 3)
      std::printf("  %08x: bf16 %04x (torch %04llx), f16 %04x (torch %04llx)\n", bitsOf(x[i]), yb[i], bf[i], yh[i], hf[i]);
  }
  CHECK(bad == 0, "conversions equal PyTorch's on %zu fixture values (%d NaNs only NaN) (%d differ)", x.size(), nans, bad);
}

}  // namespace

void testConvert(const char* fixturePath) {
  const std::vector<float> x = downInputs();
  std::vector<uint16_t> wantBf16(x.size()), wantF16(x.size());
  for (size_t i = 0; i < x.size(); i++) wantBf16[i] = refBf16(x[i]), wantF16[i] = refF16(x[i]);
  for (Isa isa : paths()) {
    setIsa(isa);
    upConversionsExhaustive(isa);
    downConversions(isa, x, wantBf16, wantF16);
    tailsAndOffsets(isa);
    matchesTorch(fixturePath);
  }
  setIsa(Isa::Avx512);
}
