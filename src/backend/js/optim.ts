/**
 * Multi-tensor optimizer updates, step for step as PyTorch 1.13's _single_tensor_adam(w) and
 * _single_tensor_sgd. Each float32 operation of PyTorch is mirrored and rounded to float32 in the same
 * order (fused where PyTorch's kernels fuse, see float32.ts), so trajectories are bit-identical to
 * PyTorch's; the native backend follows the same formulas operation for operation.
 */
import type { AdamArgs, SgdArgs } from '../backend.js';
import { f32 as f, fma32 } from './float32.js';

/** The float32 scalars of one Adam group, as PyTorch forms them (the native kernel takes these from here). */
export function adamScalars(a: AdamArgs): { oneMinusBeta1: number; oneMinusBeta2: number; beta1: number; beta2: number; decayFactor: number; wd: number; eps: number } {
  return {
    oneMinusBeta1: f(1 - a.beta1), oneMinusBeta2: f(1 - a.beta2), beta1: f(a.beta1), beta2: f(a.beta2),
    decayFactor: f(1 - a.lr * a.weightDecay), wd: f(a.weightDecay), eps: f(a.eps),
  };
}

/** The per-tensor scalars of its step number: the step size and the square root of the second bias correction. */
export function adamStepScalars(a: AdamArgs, step: number): { stepSize: number; biasCorrection2Sqrt: number } {
  const biasCorrection1 = 1 - a.beta1 ** step;
  return { stepSize: f(-(a.lr / biasCorrection1)), biasCorrection2Sqrt: f(Math.sqrt(1 - a.beta2 ** step)) };
}

export function adam(a: AdamArgs): void {
  const s = adamScalars(a);
  for (let t = 0; t < a.params.length; t++) {
    adamOne(a, s, a.params[t]!, a.grads[t]!, a.expAvg[t]!, a.expAvgSq[t]!, a.maxExpAvgSq ? a.maxExpAvgSq[t]! : null, a.steps[t]!);
  }
}

function adamOne(
  a: AdamArgs, s: ReturnType<typeof adamScalars>, param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array,
  maxExpAvgSq: Float32Array | null, step: number,
): void {
  const n = param.length;
  const { oneMinusBeta1, oneMinusBeta2, beta1, beta2, decayFactor, wd, eps } = s;
  const { stepSize, biasCorrection2Sqrt } = adamStepScalars(a, step);
  const decay = a.weightDecay !== 0;
  for (let i = 0; i < n; i++) {
    let g = a.maximize ? -grad[i]! : grad[i]!;
    let p = param[i]!;
    if (a.decoupled) {
      if (decay) p = f(p * decayFactor);
    } else if (decay) {
      g = fma32(g, wd, p);
    }
    const m = fma32(f(expAvg[i]! * beta1), oneMinusBeta1, g);
    const v = fma32(f(expAvgSq[i]! * beta2), f(oneMinusBeta2 * g), g);
    expAvg[i] = m;
    expAvgSq[i] = v;
    let second = v;
    if (maxExpAvgSq) {
      second = Math.max(maxExpAvgSq[i]!, v);
      maxExpAvgSq[i] = second;
    }
    const denom = f(f(f(Math.sqrt(second)) / biasCorrection2Sqrt) + eps);
    param[i] = f(p + f(f(stepSize * m) / denom));
  }
}

/** The float32 scalars of one SGD group (shared with the native kernel). */
export function sgdScalars(a: SgdArgs): { wd: number; momentum: number; oneMinusDampening: number; negLr: number } {
  return { wd: f(a.weightDecay), momentum: f(a.momentum), oneMinusDampening: f(1 - a.dampening), negLr: f(-a.lr) };
}

export function sgd(a: SgdArgs): void {
  const { wd, momentum, oneMinusDampening, negLr } = sgdScalars(a);
  for (let t = 0; t < a.params.length; t++) {
    const param = a.params[t]!, grad = a.grads[t]!;
    const buf = a.momentumBuffers ? a.momentumBuffers[t]! : null;
    const init = a.initializeBuffers[t]!;
    for (let i = 0; i < param.length; i++) {
      const p = param[i]!;
      let d = a.maximize ? -grad[i]! : grad[i]!;
      if (a.weightDecay !== 0) d = fma32(d, wd, p);
      if (buf) {
        const v = init ? d : fma32(f(buf[i]! * momentum), oneMinusDampening, d);
        buf[i] = v;
        d = a.nesterov ? fma32(d, momentum, v) : v;
      }
      param[i] = fma32(p, negLr, d);
    }
  }
}

export function sumPow(tensors: readonly Float32Array[], p: number, out: Float64Array): void {
  for (let t = 0; t < tensors.length; t++) {
    const v = tensors[t]!;
    let s = 0;
    if (p === Infinity) {
      // Math.max propagates NaN like torch.max
      for (let i = 0; i < v.length; i++) s = Math.max(s, Math.abs(v[i]!));
    } else if (p === 2) {
      for (let i = 0; i < v.length; i++) { const x = v[i]!; s += x * x; }
    } else if (p === 1) {
      for (let i = 0; i < v.length; i++) s += Math.abs(v[i]!);
    } else {
      for (let i = 0; i < v.length; i++) s += Math.abs(v[i]!) ** p;
    }
    out[t] = s;
  }
}

export function scaleInPlace(tensors: readonly Float32Array[], factor: number): void {
  const s = f(factor);
  for (const v of tensors) for (let i = 0; i < v.length; i++) v[i] = v[i]! * s;
}
