// 8-lane float vectors on AVX2 + FMA. Included only by isa_avx2.cpp, inside a `#pragma GCC target`
// region and a namespace of its own.
#define ANNEAL_SIMD_WIDTH 8

struct V { __m256 v; };
struct M { __m256 m; };
constexpr int W = 8;

static inline __m256i tailMaskI(int n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline M vtail(int n) { return {_mm256_castsi256_ps(tailMaskI(n))}; }
static inline V vload(const float* p) { return {_mm256_loadu_ps(p)}; }
static inline V vloadn(const float* p, int n) { return {_mm256_maskload_ps(p, tailMaskI(n))}; }
static inline void vstore(float* p, V a) { _mm256_storeu_ps(p, a.v); }
static inline void vstoren(float* p, V a, int n) { _mm256_maskstore_ps(p, tailMaskI(n), a.v); }
static inline V vset(float x) { return {_mm256_set1_ps(x)}; }
static inline V operator+(V a, V b) { return {_mm256_add_ps(a.v, b.v)}; }
static inline V operator-(V a, V b) { return {_mm256_sub_ps(a.v, b.v)}; }
static inline V operator*(V a, V b) { return {_mm256_mul_ps(a.v, b.v)}; }
static inline V operator/(V a, V b) { return {_mm256_div_ps(a.v, b.v)}; }
static inline V vfma(V a, V b, V c) { return {_mm256_fmadd_ps(a.v, b.v, c.v)}; }
static inline V vmaxps(V a, V b) { return {_mm256_max_ps(a.v, b.v)}; }
static inline V vminps(V a, V b) { return {_mm256_min_ps(a.v, b.v)}; }
static inline V vabs(V a) { return {_mm256_andnot_ps(_mm256_set1_ps(-0.0f), a.v)}; }
static inline V vneg(V a) { return {_mm256_xor_ps(_mm256_set1_ps(-0.0f), a.v)}; }
static inline V vsqrt(V a) { return {_mm256_sqrt_ps(a.v)}; }
static inline V vcopysign(V mag, V sgn) {
  const __m256 s = _mm256_set1_ps(-0.0f);
  return {_mm256_or_ps(_mm256_andnot_ps(s, mag.v), _mm256_and_ps(s, sgn.v))};
}
static inline M vlt(V a, V b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_LT_OQ)}; }
static inline M vle(V a, V b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_LE_OQ)}; }
static inline M vgt(V a, V b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_GT_OQ)}; }
static inline M vge(V a, V b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_GE_OQ)}; }
static inline M veq(V a, V b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_EQ_OQ)}; }
static inline M visnan(V a) { return {_mm256_cmp_ps(a.v, a.v, _CMP_UNORD_Q)}; }
static inline M mand(M a, M b) { return {_mm256_and_ps(a.m, b.m)}; }
static inline M mor(M a, M b) { return {_mm256_or_ps(a.m, b.m)}; }
static inline M mnot(M a) { return {_mm256_xor_ps(a.m, _mm256_castsi256_ps(_mm256_set1_epi32(-1)))}; }
static inline bool many(M a) { return _mm256_movemask_ps(a.m) != 0; }
static inline V vselect(M m, V a, V b) { return {_mm256_blendv_ps(b.v, a.v, m.m)}; }
static inline V vround(V a) { return {_mm256_round_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
static inline V vpow2i(V n) {
  return {_mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n.v), _mm256_set1_epi32(127)), 23))};
}
static inline V vfrexp(V x, V* e) {
  const __m256i bits = _mm256_castps_si256(x.v);
  const __m256i ex = _mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127));
  *e = {_mm256_cvtepi32_ps(ex)};
  const __m256i mant = _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f800000));
  return {_mm256_castsi256_ps(mant)};
}
static inline float vhsum(V a) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(a.v), _mm256_extractf128_ps(a.v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
static inline float vhmax(V a) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(a.v), _mm256_extractf128_ps(a.v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
static inline M vkeep(const uint8_t* p) {
  __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
  __m256i w = _mm256_cvtepu8_epi32(b);
  return {_mm256_castsi256_ps(_mm256_xor_si256(_mm256_cmpeq_epi32(w, _mm256_setzero_si256()), _mm256_set1_epi32(-1)))};
}
static inline M vkeepn(const uint8_t* p, int n) {
  alignas(16) uint8_t tmp[16] = {0};
  for (int i = 0; i < n; i++) tmp[i] = p[i];
  return vkeep(tmp);
}
