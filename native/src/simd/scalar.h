// One-lane "vectors": the portable path, the same kernel code with plain float arithmetic
// (std::fma where the vector paths fuse, so every ISA rounds alike).
#define ANNEAL_SIMD_WIDTH 1

struct V { float v; };
struct M { bool m; };
constexpr int W = 1;

static inline M vtail(int n) { return {n > 0}; }
static inline V vload(const float* p) { return {*p}; }
static inline V vloadn(const float* p, int n) { return {n > 0 ? *p : 0.0f}; }
static inline void vstore(float* p, V a) { *p = a.v; }
static inline void vstoren(float* p, V a, int n) { if (n > 0) *p = a.v; }
static inline V vset(float x) { return {x}; }
static inline V operator+(V a, V b) { return {a.v + b.v}; }
static inline V operator-(V a, V b) { return {a.v - b.v}; }
static inline V operator*(V a, V b) { return {a.v * b.v}; }
static inline V operator/(V a, V b) { return {a.v / b.v}; }
static inline V vfma(V a, V b, V c) { return {std::fma(a.v, b.v, c.v)}; }
static inline V vmaxps(V a, V b) { return {a.v > b.v ? a.v : b.v}; }
static inline V vminps(V a, V b) { return {a.v < b.v ? a.v : b.v}; }
static inline V vabs(V a) { return {std::fabs(a.v)}; }
static inline V vneg(V a) { return {-a.v}; }
static inline V vsqrt(V a) { return {std::sqrt(a.v)}; }
static inline V vcopysign(V mag, V sgn) { return {std::copysign(mag.v, sgn.v)}; }
static inline M vlt(V a, V b) { return {a.v < b.v}; }
static inline M vle(V a, V b) { return {a.v <= b.v}; }
static inline M vgt(V a, V b) { return {a.v > b.v}; }
static inline M vge(V a, V b) { return {a.v >= b.v}; }
static inline M veq(V a, V b) { return {a.v == b.v}; }
static inline M visnan(V a) { return {a.v != a.v}; }
static inline M mand(M a, M b) { return {a.m && b.m}; }
static inline M mor(M a, M b) { return {a.m || b.m}; }
static inline M mnot(M a) { return {!a.m}; }
static inline bool many(M a) { return a.m; }
static inline V vselect(M m, V a, V b) { return {m.m ? a.v : b.v}; }
static inline V vround(V a) { return {std::nearbyint(a.v)}; }
static inline V vpow2i(V n) {
  uint32_t bits = uint32_t(int32_t(n.v) + 127) << 23;
  float f;
  std::memcpy(&f, &bits, 4);
  return {f};
}
static inline V vfrexp(V x, V* e) {
  uint32_t bits;
  std::memcpy(&bits, &x.v, 4);
  *e = {float(int32_t(bits >> 23) - 127)};
  bits = (bits & 0x007fffffu) | 0x3f800000u;
  float m;
  std::memcpy(&m, &bits, 4);
  return {m};
}
static inline float vhsum(V a) { return a.v; }
static inline float vhmax(V a) { return a.v; }
static inline M vkeep(const uint8_t* p) { return {*p != 0}; }
static inline M vkeepn(const uint8_t* p, int n) { return {n > 0 && *p != 0}; }
