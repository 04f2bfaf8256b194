/**
 * Dropout's kernels. The mask comes from the caller's xoshiro128** state (tensor/random.ts): the same
 * 24-bit uniforms Generator.uniform() returns, one per element in order, so a seed gives the same
 * masks on every backend and the generator's state afterwards is the same as n uniform() calls.
 */

export function bernoulliMask(n: number, keepProb: number, state: Uint32Array, keep: Uint8Array): void {
  let s0 = state[0]! | 0, s1 = state[1]! | 0, s2 = state[2]! | 0, s3 = state[3]! | 0;
  // uniform = (r >>> 8) * 2^-24 < keepProb  <=>  (r >>> 8) < ceil(keepProb * 2^24): exact in doubles
  const threshold = Math.ceil(keepProb * 16777216);
  for (let i = 0; i < n; i++) {
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    keep[i] = r >>> 8 < threshold ? 1 : 0;
  }
  state[0] = s0; state[1] = s1; state[2] = s2; state[3] = s3;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export function dropoutApply(x: Float32Array, keep: Uint8Array, scale: number, out: Float32Array): void {
  const s = Math.fround(scale);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * (keep[i] ? s : 0);
}
