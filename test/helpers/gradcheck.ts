/**
 * Finite-difference gradient checking for the autograd engine.
 *
 * For out = fn(...inputs) we fix random weights w of out's shape and check the gradient of the
 * scalar L = sum(out * w): the analytic one from `out.mul(w).sum().backward()`, the numeric one by
 * central differences on each element of each input that requires grad. L is evaluated in float64
 * from the float32 outputs, and each difference divides by the perturbation actually applied
 * (x + eps and x - eps rounded to float32), so float32 rounding of the inputs adds no error.
 */
import assert from 'node:assert/strict';
import { noGrad, Tensor } from '../../src/tensor/index.js';
import { mulberry32 } from './random.js';

export interface GradcheckOptions {
  /** Half-width of the central difference (default 1e-3). */
  eps?: number;
  /** Absolute tolerance (default 5e-3). */
  atol?: number;
  /** Relative tolerance, against the numeric gradient (default 1e-2). */
  rtol?: number;
  /** Seed of the weights w (default 1). */
  seed?: number;
  message?: string;
}

export interface GradcheckResult {
  /** Per input: the analytic gradient (null for inputs that do not require grad). */
  analytic: (Float64Array | null)[];
  /** Per input: the numeric gradient (null for inputs that do not require grad). */
  numeric: (Float64Array | null)[];
}

/** Weights with magnitude in [0.5, 1.5] and a random sign, so no output is weighted near zero. */
function weightsFor(shape: readonly number[], seed: number): Tensor {
  const n = shape.reduce((p, s) => p * s, 1);
  const rnd = mulberry32(seed);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = (rnd() < 0.5 ? -1 : 1) * (0.5 + rnd());
  return new Tensor(w, shape);
}

function multiIndex(flat: number, shape: readonly number[]): string {
  const idx = new Array<number>(shape.length);
  let r = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = r % shape[d]!;
    r = Math.floor(r / shape[d]!);
  }
  return `[${idx.join(', ')}]`;
}

/**
 * Checks every input's gradient against central differences; fails naming the worst element.
 * Inputs that require grad must be contiguous float32 leaves (their storage is perturbed in place).
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const eps = options.eps ?? 1e-3;
  const atol = options.atol ?? 5e-3;
  const rtol = options.rtol ?? 1e-2;
  const label = options.message ? `${options.message}: ` : '';
  for (const [k, x] of inputs.entries()) {
    if (!x.requiresGrad) continue;
    assert.ok(x.isLeaf, `${label}input ${k} must be a leaf`);
    assert.equal(x.dtype, 'float32', `${label}input ${k} must be float32`);
    assert.ok(x.isContiguous() && x.offset === 0 && x.storage.length === x.numel(), `${label}input ${k} must own a contiguous storage`);
    x.grad = null;
  }

  const out = fn(...inputs);
  assert.equal(out.dtype, 'float32', `${label}fn must return a float32 tensor`);
  assert.ok(out.requiresGrad, `${label}the output does not require grad`);
  const w = weightsFor(out.shape, options.seed ?? 1);
  const wv = w.values() as Float32Array;
  out.mul(w).sum().backward();

  const loss = (): number => {
    const o = noGrad(() => fn(...inputs));
    assert.deepEqual([...o.shape], [...out.shape], `${label}fn changed its output shape between calls`);
    const v = o.values();
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * wv[i]!;
    return s;
  };

  const analytic: (Float64Array | null)[] = [];
  const numeric: (Float64Array | null)[] = [];
  let worst: { excess: number; text: string } | null = null;
  for (const [k, x] of inputs.entries()) {
    if (!x.requiresGrad) { analytic.push(null); numeric.push(null); continue; }
    const n = x.numel();
    const a = new Float64Array(n);
    if (x.grad !== null) {
      assert.deepEqual([...x.grad.shape], [...x.shape], `${label}gradient of input ${k} has the wrong shape`);
      a.set(x.grad.values());
    }
    const num = new Float64Array(n);
    const data = x.storage as Float32Array;
    for (let i = 0; i < n; i++) {
      const orig = data[i]!;
      const up = Math.fround(orig + eps);
      const down = Math.fround(orig - eps);
      data[i] = up;
      const lp = loss();
      data[i] = down;
      const lm = loss();
      data[i] = orig;
      num[i] = (lp - lm) / (up - down);
      const diff = Math.abs(a[i]! - num[i]!);
      const excess = diff - (atol + rtol * Math.abs(num[i]!));
      if (!(excess <= 0) && (worst === null || !(excess <= worst.excess))) {
        worst = {
          excess: Number.isNaN(excess) ? Infinity : excess,
          text: `input ${k} ${multiIndex(i, x.shape)} (shape [${x.shape.join(', ')}]): analytic ${a[i]}, numeric ${num[i]}`,
        };
      }
    }
    analytic.push(a);
    numeric.push(num);
  }
  if (worst !== null) assert.fail(`${label}gradient mismatch, worst at ${worst.text} (atol ${atol}, rtol ${rtol}, eps ${eps})`);
  return { analytic, numeric };
}

/** A leaf float32 tensor requiring grad with values uniform in [lo, hi), from a seeded generator. */
export function param(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  const n = shape.reduce((p, s) => p * s, 1);
  const rnd = mulberry32(seed * 7919 + 17);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * rnd();
  return new Tensor(v, shape).requiresGrad_();
}

/**
 * Like param, but every value keeps at least `gap` away from each point in `avoid` (kinks such as
 * 0 for relu/abs) and the values are pairwise at least `gap` apart (ties for max/min).
 */
export function paramAway(shape: readonly number[], seed: number, options: { lo?: number; hi?: number; avoid?: readonly number[]; gap?: number } = {}): Tensor {
  const lo = options.lo ?? -1, hi = options.hi ?? 1, gap = options.gap ?? 0.02;
  const avoid = options.avoid ?? [];
  const n = shape.reduce((p, s) => p * s, 1);
  const rnd = mulberry32(seed * 104729 + 3);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 10000) throw new Error(`paramAway: cannot place ${n} values ${gap} apart in [${lo}, ${hi})`);
      const x = Math.fround(lo + (hi - lo) * rnd());
      if (avoid.some((p) => Math.abs(x - p) < gap)) continue;
      let clash = false;
      for (let j = 0; j < i; j++) if (Math.abs(v[j]! - x) < gap) { clash = true; break; }
      if (!clash) { v[i] = x; break; }
    }
  }
  return new Tensor(v, shape).requiresGrad_();
}
