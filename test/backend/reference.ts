/**
 * Shared pieces of the backend kernel tests: a seeded value generator, random strided views that
 * follow the Strided contract literally (element i at data[offset + sum(i_d * strides[d])]), and
 * exact comparisons. References in the tests are naive float64 loops over these helpers.
 */
import assert from 'node:assert/strict';
import fc from '../helpers/fc.js';
import type { Storage, Strided } from '../../src/backend/index.js';
import { mulberry32 } from '../helpers/random.js';

export type Rng = () => number;

/** mulberry32: small, seeded, independent of the library's generator. */
export const rng = (seed: number): Rng => mulberry32(seed);

export function randInt(r: Rng, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** Float32 values uniform in [lo, hi); with `specials`, about 1 in 8 is 0, -0, NaN, +-Infinity or a repeat. */
export function floats(n: number, r: Rng, lo = -4, hi = 4, specials = false): Float32Array {
  const out = new Float32Array(n);
  const special = [0, -0, NaN, Infinity, -Infinity, 1, -1];
  for (let i = 0; i < n; i++) {
    if (specials && r() < 0.125) out[i] = i > 0 && r() < 0.3 ? out[randInt(r, 0, i - 1)]! : special[randInt(r, 0, special.length - 1)]!;
    else out[i] = lo + (hi - lo) * r();
  }
  return out;
}

export function ints(n: number, r: Rng, lo: number, hi: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = randInt(r, lo, hi);
  return out;
}

export function bools(n: number, r: Rng): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r() < 0.5 ? 1 : 0;
  return out;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((p, s) => p * s, 1);
}

/** Calls fn with every multi-index of shape in row-major order and its flat position. */
export function forEachIndex(shape: readonly number[], fn: (idx: number[], flat: number) => void): void {
  const n = numel(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    fn(idx, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** The element of a strided view at a multi-index, straight from the definition. */
export function at(v: Strided, idx: readonly number[]): number {
  let p = v.offset;
  for (let d = 0; d < idx.length; d++) p += idx[d]! * v.strides[d]!;
  return v.data[p]!;
}

export function position(v: Strided, idx: readonly number[]): number {
  let p = v.offset;
  for (let d = 0; d < idx.length; d++) p += idx[d]! * v.strides[d]!;
  return p;
}

/**
 * How a view lays out its elements: contiguous (after a random offset), permuted dims, padded rows,
 * some dims reversed (negative strides), some dims broadcast (stride 0), or all stride 0.
 */
export type LayoutKind = 'contiguous' | 'permuted' | 'padded' | 'negative' | 'broadcast' | 'scalar';
export const layoutKinds: readonly LayoutKind[] = ['contiguous', 'permuted', 'padded', 'negative', 'broadcast', 'scalar'];
/** Layouts in which no two indices share an element (valid destinations). */
export const distinctLayoutKinds: readonly LayoutKind[] = ['contiguous', 'permuted', 'padded', 'negative'];

/** Strides and offset for `shape` under a layout, and the buffer length they need. */
export function layout(shape: readonly number[], kind: LayoutKind, r: Rng): { strides: number[]; offset: number; length: number } {
  const rank = shape.length;
  const order = [...Array(rank).keys()];
  if (kind === 'permuted') {
    for (let i = rank - 1; i > 0; i--) { const j = randInt(r, 0, i); [order[i], order[j]] = [order[j]!, order[i]!]; }
  }
  const strides = new Array<number>(rank).fill(0);
  let running = 1;
  for (let k = rank - 1; k >= 0; k--) {
    const d = order[k]!;
    strides[d] = running;
    running = running * Math.max(shape[d]!, 1) + (kind === 'padded' || kind === 'negative' ? randInt(r, 0, 2) : 0);
  }
  if (kind === 'padded' && rank > 0) {
    // a non-unit innermost stride too, now and then
    const m = randInt(r, 1, 2);
    for (let d = 0; d < rank; d++) strides[d]! *= m;
  }
  if (kind === 'negative') for (let d = 0; d < rank; d++) if (r() < 0.5) strides[d] = -strides[d]!;
  if (kind === 'broadcast') for (let d = 0; d < rank; d++) if (r() < 0.5) strides[d] = 0;
  if (kind === 'scalar') strides.fill(0);
  let lo = 0, hi = 0;
  for (let d = 0; d < rank; d++) {
    const reach = (shape[d]! - 1) * strides[d]!;
    if (shape[d]! === 0) continue;
    if (reach < 0) lo += reach; else hi += reach;
  }
  const offset = -lo + randInt(r, 0, 3);
  return { strides, offset, length: offset + hi + 1 + randInt(r, 0, 2) };
}

/** A strided view of `shape` over a fresh buffer filled by `fill`. */
export function view<T extends Storage>(shape: readonly number[], kind: LayoutKind, r: Rng, fill: (n: number) => T): Strided<T> {
  const l = layout(shape, kind, r);
  return { data: fill(l.length), offset: l.offset, strides: l.strides };
}

export function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let run = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = run; run *= shape[d]!; }
  return s;
}

/** fast-check shapes: rank 0..maxRank, each dim 0..maxDim (0 rarely). */
export function shapeArb(maxRank = 4, maxDim = 5): fc.Arbitrary<number[]> {
  return fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: maxDim }) }, { weight: 1, arbitrary: fc.constant(0) }), { minLength: 0, maxLength: maxRank });
}

export const seedArb = fc.integer({ min: 0, max: 0x7fffffff });

/** Element-by-element equality where NaN equals NaN (and -0 equals 0). */
export function assertSameValues(actual: ArrayLike<number>, expected: ArrayLike<number>, message = ''): void {
  assert.equal(actual.length, expected.length, `${message}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a !== e) assert.fail(`${message}: element ${i} is ${a}, expected ${e}`);
  }
}

/** Elementwise |a - e| <= atol + rtol |e|, NaN matching NaN and infinities matching exactly. */
export function assertNear(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, message = ''): void {
  assert.equal(actual.length, expected.length, `${message}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
      assert.fail(`${message}: element ${i} is ${a}, expected ${e}`);
    }
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(`${message}: element ${i} is ${a}, expected ${e} (diff ${Math.abs(a - e)}, rtol ${rtol}, atol ${atol})`);
    }
  }
}

