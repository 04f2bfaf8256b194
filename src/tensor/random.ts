/**
 * Seeded random numbers: xoshiro128** (Blackman & Vigna), a small, fast generator with a 128-bit
 * state that JS can step with 32-bit integer ops. One default generator drives init, dropout and
 * shuffling unless a caller passes its own, so one seed reproduces a run; its state is a plain
 * JSON object that checkpoints save and restore exactly.
 */
import { ArgumentError } from '../errors.js';

export interface GeneratorState {
  algorithm: 'xoshiro128**';
  seed: number;
  state: [number, number, number, number];
  /** The second normal of the last Box-Muller pair, not yet returned. */
  spareNormal: number | null;
}

const TWO_POW_32 = 4294967296;

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private seed = 0;
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Re-seeds; any non-negative integer up to 2^53 (the high and low words both feed the state). */
  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new ArgumentError(`manualSeed: seed must be a non-negative integer, got ${seed}`);
    this.seed = seed;
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    const mix = splitmix32(low ^ Math.imul(high, 0x27d4eb2d));
    this.s0 = mix(); this.s1 = mix(); this.s2 = mix(); this.s3 = mix();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spareNormal = null;
    return this;
  }

  initialSeed(): number {
    return this.seed;
  }

  getState(): GeneratorState {
    return {
      algorithm: 'xoshiro128**',
      seed: this.seed,
      state: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      spareNormal: this.spareNormal,
    };
  }

  setState(state: GeneratorState): this {
    if (state?.algorithm !== 'xoshiro128**' || !Array.isArray(state.state) || state.state.length !== 4) {
      throw new ArgumentError('setState: expected a state from Generator.getState()');
    }
    [this.s0, this.s1, this.s2, this.s3] = state.state.map((v) => v >>> 0) as [number, number, number, number];
    this.seed = state.seed;
    this.spareNormal = state.spareNormal ?? null;
    return this;
  }

  /** The 128-bit state as four words, for a kernel that draws in bulk (see setStateWords). */
  stateWords(): Uint32Array {
    const w = new Uint32Array(4);
    w[0] = this.s0; w[1] = this.s1; w[2] = this.s2; w[3] = this.s3;
    return w;
  }

  /** Takes back the state a kernel advanced (the pending normal of normal() is unaffected, as by uniform()). */
  setStateWords(w: Uint32Array): this {
    this.s0 = w[0]! | 0; this.s1 = w[1]! | 0; this.s2 = w[2]! | 0; this.s3 = w[3]! | 0;
    return this;
  }

  /** Next raw 32-bit value. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 random bits, so the value is exact in float32 and never rounds up to 1. */
  uniform(): number {
    return (this.nextUint32() >>> 8) * 5.9604644775390625e-8;
  }

  /** Uniform in [0, 1) with 53 random bits, for choices made in double precision. */
  uniform53(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal by the Box-Muller transform; the pair's second value is kept for the next call. */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    const u1 = 1 - this.uniform53(); // (0, 1], so the log is finite
    const u2 = this.uniform53();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [low, high), without modulo bias. */
  integer(low: number, high: number): number {
    const range = high - low;
    if (!(range >= 1) || !Number.isSafeInteger(range)) throw new ArgumentError(`randint: need low < high, got [${low}, ${high})`);
    if (range <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % range);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return low + (x % range);
    }
    return low + Math.floor(this.uniform53() * range);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The generator every random op uses unless given another. */
export const defaultGenerator = new Generator(0);

/** Seeds the default generator (PyTorch's torch.manual_seed). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** The default generator's state, to save in a checkpoint (torch.get_rng_state). */
export function getRngState(): GeneratorState {
  return defaultGenerator.getState();
}

/** Restores the default generator's state (torch.set_rng_state). */
export function setRngState(state: GeneratorState): void {
  defaultGenerator.setState(state);
}

/** Fisher-Yates shuffle of 0..n-1 (torch.randperm). */
export function randperm(n: number, generator: Generator = defaultGenerator): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = generator.integer(0, i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
