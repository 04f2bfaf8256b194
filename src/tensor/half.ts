/**
 * 16-bit storage for autocast: float32 data to bf16 / fp16 bit patterns and back through the
 * backend's conversion kernels, or the TypeScript reference where a backend has none.
 * The 16-bit buffers are plain Uint16Arrays (the pool holds only tensor dtypes); `halfBytes`
 * counts what autocast made, so a benchmark can add it to the pool's figures.
 */
import { getBackend } from '../backend/index.js';
import * as ref from '../backend/js/half.js';
import type { HalfDtype } from './autocast.js';

let made = 0;

/** Bytes of 16-bit buffers made so far (a running total, never decreased). */
export function halfBytes(): number {
  return made;
}

/** x rounded to the half format, as bit patterns. */
export function toHalf(dtype: HalfDtype, x: Float32Array): Uint16Array {
  const out = new Uint16Array(x.length);
  made += 2 * x.length;
  const b = getBackend();
  if (dtype === 'bf16') (b.toBf16 ?? ref.toBf16)(x, out);
  else (b.toFp16 ?? ref.toFp16)(x, out);
  return out;
}

/** Bit patterns of the half format back to float32 (exact), into out. */
export function fromHalf(dtype: HalfDtype, h: Uint16Array, out: Float32Array): Float32Array {
  const b = getBackend();
  if (dtype === 'bf16') (b.fromBf16 ?? ref.fromBf16)(h, out);
  else (b.fromFp16 ?? ref.fromFp16)(h, out);
  return out;
}

// roundHalf's bit patterns are dead once widened back: one buffer, grown as needed, serves every call
let scratch = new Uint16Array(0);

/** Rounds x to the half format in place (the values stay float32). */
export function roundHalf(dtype: HalfDtype, x: Float32Array): Float32Array {
  if (scratch.length < x.length) scratch = new Uint16Array(Math.max(x.length, 2 * scratch.length));
  const h = scratch.subarray(0, x.length);
  const b = getBackend();
  if (dtype === 'bf16') (b.toBf16 ?? ref.toBf16)(x, h);
  else (b.toFp16 ?? ref.toFp16)(x, h);
  return fromHalf(dtype, h, x);
}
