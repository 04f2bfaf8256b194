// 16-lane float vectors on AVX-512F (+DQ/BW/VL). Included only by isa_avx512.cpp, inside a
// `#pragma GCC target` region and a namespace of its own, so nothing here leaks into baseline code.
#define ANNEAL_SIMD_WIDTH 16

struct V { __m512 v; };
struct M { __mmask16 m; };
constexpr int W = 16;

static inline M tailMask(int n) { return {static_cast<__mmask16>((1u << n) - 1u)}; }
static inline M vtail(int n) { return tailMask(n); }
static inline V vload(const float* p) { return {_mm512_loadu_ps(p)}; }
static inline V vloadn(const float* p, int n) { return {_mm512_maskz_loadu_ps(tailMask(n).m, p)}; }
static inline void vstore(float* p, V a) { _mm512_storeu_ps(p, a.v); }
static inline void vstoren(float* p, V a, int n) { _mm512_mask_storeu_ps(p, tailMask(n).m, a.v); }
static inline V vset(float x) { return {_mm512_set1_ps(x)}; }
static inline V operator+(V a, V b) { return {_mm512_add_ps(a.v, b.v)}; }
static inline V operator-(V a, V b) { return {_mm512_sub_ps(a.v, b.v)}; }
static inline V operator*(V a, V b) { return {_mm512_mul_ps(a.v, b.v)}; }
static inline V operator/(V a, V b) { return {_mm512_div_ps(a.v, b.v)}; }
static inline V vfma(V a, V b, V c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }
// max/min as x86 defines them: the second operand when either is NaN
static inline V vmaxps(V a, V b) { return {_mm512_max_ps(a.v, b.v)}; }
static inline V vminps(V a, V b) { return {_mm512_min_ps(a.v, b.v)}; }
static inline V vabs(V a) { return {_mm512_abs_ps(a.v)}; }
static inline V vneg(V a) { return {_mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a.v), _mm512_set1_epi32(int(0x80000000u))))}; }
static inline V vsqrt(V a) { return {_mm512_sqrt_ps(a.v)}; }
static inline V vcopysign(V mag, V sgn) {
  const __m512i s = _mm512_set1_epi32(int(0x80000000u));
  return {_mm512_castsi512_ps(_mm512_ternarylogic_epi32(_mm512_castps_si512(mag.v), _mm512_castps_si512(sgn.v), s, 0xd8))};
}
static inline M vlt(V a, V b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_LT_OQ)}; }
static inline M vle(V a, V b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_LE_OQ)}; }
static inline M vgt(V a, V b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_GT_OQ)}; }
static inline M vge(V a, V b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_GE_OQ)}; }
static inline M veq(V a, V b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_EQ_OQ)}; }
static inline M visnan(V a) { return {_mm512_cmp_ps_mask(a.v, a.v, _CMP_UNORD_Q)}; }
static inline M mand(M a, M b) { return {static_cast<__mmask16>(a.m & b.m)}; }
static inline M mor(M a, M b) { return {static_cast<__mmask16>(a.m | b.m)}; }
static inline M mnot(M a) { return {static_cast<__mmask16>(~a.m)}; }
static inline bool many(M a) { return a.m != 0; }
// m ? a : b
static inline V vselect(M m, V a, V b) { return {_mm512_mask_blend_ps(m.m, b.v, a.v)}; }
static inline V vround(V a) { return {_mm512_roundscale_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
// 2^n for integral n in [-126, 127]
static inline V vpow2i(V n) {
  return {_mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n.v), _mm512_set1_epi32(127)), 23))};
}
// x = m * 2^e with m in [1, 2) (x positive, normal): returns m, sets e
static inline V vfrexp(V x, V* e) {
  *e = {_mm512_getexp_ps(x.v)};
  return {_mm512_getmant_ps(x.v, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero)};
}
static inline float vhsum(V a) {
  __m256 h = _mm256_add_ps(_mm512_extractf32x8_ps(a.v, 0), _mm512_extractf32x8_ps(a.v, 1));
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
static inline float vhmax(V a) {
  __m256 h = _mm256_max_ps(_mm512_extractf32x8_ps(a.v, 0), _mm512_extractf32x8_ps(a.v, 1));
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
// keep flags (bytes, non-zero = kept) as a mask
static inline M vkeep(const uint8_t* p) {
  return {_mm_cmpneq_epi8_mask(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), _mm_setzero_si128())};
}
static inline M vkeepn(const uint8_t* p, int n) {
  return {_mm_mask_cmpneq_epi8_mask(tailMask(n).m, _mm_maskz_loadu_epi8(tailMask(n).m, p), _mm_setzero_si128())};
}
