/**
 * Multi-tensor optimizer updates, step for step as PyTorch 1.13's _single_tensor_adam(w) and
 * _single_tensor_sgd. Each float32 operation of PyTorch is mirrored and rounded to float32 in the same
 * order (fused where PyTorch's kernels fuse, see float32.ts), so trajectories are bit-identical to
 * PyTorch's; the native backend follows the same formulas operation for operation.
 */
import type { AdamArgs, SgdArgs } from '../backend.js';
import { f32 as f, fma32 } from './float32.js';

export function adam(a: AdamArgs): void {
  for (let t = 0; t < a.params.length; t++) {
    adamOne(a, a.params[t]!, a.grads[t]!, a.expAvg[t]!, a.expAvgSq[t]!, a.maxExpAvgSq ? a.maxExpAvgSq[t]! : null, a.steps[t]!);
  }
}

function adamOne(
  a: AdamArgs, param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array, maxExpAvgSq: Float32Array | null, step: number,
): void {
  const n = param.length;
  const oneMinusBeta1 = f(1 - a.beta1);
  const oneMinusBeta2 = f(1 - a.beta2);
  const beta1 = f(a.beta1);
  const beta2 = f(a.beta2);
  const decayFactor = f(1 - a.lr * a.weightDecay);
  const wd = f(a.weightDecay);
  const biasCorrection1 = 1 - a.beta1 ** step;
  const biasCorrection2Sqrt = f(Math.sqrt(1 - a.beta2 ** step));
  const stepSize = f(-(a.lr / biasCorrection1));
  const eps = f(a.eps);
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

export function sgd(a: SgdArgs): void {
  const wd = f(a.weightDecay);
  const momentum = f(a.momentum);
  const oneMinusDampening = f(1 - a.dampening);
  const negLr = f(-a.lr);
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
