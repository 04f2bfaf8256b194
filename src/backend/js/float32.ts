/**
 * Float32 arithmetic as PyTorch's CPU kernels do it, so that optimizer trajectories agree to the
 * last bit or two. JS numbers are float64: every float32 op is a float64 op rounded with
 * Math.fround. PyTorch's vectorised (AVX2) kernels compute `a.add(b, alpha=s)` and
 * `a.addcmul(b, c, value=s)` with a fused multiply-add (one rounding, not two), which fma32
 * reproduces: a float32 product is exact in float64, so only the final sum is rounded (twice, to
 * float64 then float32, which differs from a true FMA only in rare halfway cases).
 */

export const f32 = Math.fround;

/** float32 fma(b, c, a) = round(a + b * c): PyTorch's add(alpha=) and addcmul on CPU. */
export function fma32(a: number, b: number, c: number): number {
  return Math.fround(a + b * c);
}
