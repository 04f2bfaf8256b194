/**
 * fp32 <-> bf16 / fp16 conversions in TypeScript, the reference the native kernels are tested
 * against (native/src/gemm/convert.cpp gives the same bits). Rounding is to nearest even, as
 * PyTorch's float -> bfloat16 / half casts; subnormals are kept (no flush to zero); fp16 values
 * of magnitude >= 65520 round to Inf. NaN stays NaN with its sign and top payload bits and the
 * quiet bit set (what vcvtneps2bf16 / vcvtps2ph produce). Up-conversions are exact.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function bitsOf(x: number): number {
  f32[0] = x;
  return u32[0]!;
}

function floatOf(u: number): number {
  u32[0] = u >>> 0;
  return f32[0]!;
}

/** The bf16 bit pattern nearest to float32 x (ties to even). */
export function bf16Bits(x: number): number {
  const u = bitsOf(x);
  if ((u & 0x7fffffff) >>> 0 > 0x7f800000) return ((u >>> 16) | 0x40) & 0xffff;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The float32 value of a bf16 bit pattern. */
export function bf16Value(h: number): number {
  return floatOf((h & 0xffff) << 16);
}

/** The fp16 bit pattern nearest to float32 x (ties to even, overflow to Inf, subnormals kept). */
export function fp16Bits(x: number): number {
  const u = bitsOf(x);
  const sign = (u >>> 16) & 0x8000;
  const a = (u & 0x7fffffff) >>> 0;
  if (a > 0x7f800000) return sign | 0x7e00 | ((a >>> 13) & 0x3ff);
  if (a >= 0x477ff000) return sign | 0x7c00;
  if (a < 0x38800000) {
    // below 2^-14: an fp16 subnormal (units of 2^-24) or zero
    const e = a >>> 23;
    const shift = 126 - e;
    if (e === 0 || shift > 24) return sign;
    const m = (a & 0x7fffff) | 0x800000;
    let r = m >>> shift;
    const rem = m & ((1 << shift) - 1), half = 1 << (shift - 1);
    if (rem > half || (rem === half && (r & 1))) r++;
    return sign | r;
  }
  return sign | (((a - (112 << 23) + 0xfff + ((a >>> 13) & 1)) >>> 13) & 0xffff);
}

/** The float32 value of an fp16 bit pattern. */
export function fp16Value(h: number): number {
  const sign = (h & 0x8000) << 16, e = (h >>> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0x1f) return floatOf(sign | 0x7f800000 | (m ? 0x400000 | (m << 13) : 0));
  if (e === 0) return (sign ? -1 : 1) * m * 2 ** -24;
  return floatOf(sign | ((e + 112) << 23) | (m << 13));
}

export function toBf16(x: Float32Array, out: Uint16Array): void {
  for (let i = 0; i < x.length; i++) out[i] = bf16Bits(x[i]!);
}

export function fromBf16(x: Uint16Array, out: Float32Array): void {
  // through the bits: a signalling NaN read as a JS number would come back quiet
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < x.length; i++) bits[i] = x[i]! << 16;
}

export function toFp16(x: Float32Array, out: Uint16Array): void {
  for (let i = 0; i < x.length; i++) out[i] = fp16Bits(x[i]!);
}

export function fromFp16(x: Uint16Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = fp16Value(x[i]!);
}
