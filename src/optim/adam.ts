/**
 * Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), step for step as PyTorch 1.13's
 * _single_tensor_adam / _single_tensor_adamw. Each float32 operation of PyTorch is mirrored and
 * rounded to float32 in the same order (fused where PyTorch's kernels fuse, see float32.ts), so
 * trajectories agree to float32 precision.
 */
import { Tensor } from '../tensor/index.js';
import { f32 as f, fma32 } from './float32.js';
import { Optimizer, OptimizerError, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

export interface AdamUpdateArgs {
  param: Float32Array;
  grad: Float32Array;
  expAvg: Float32Array;
  expAvgSq: Float32Array;
  maxExpAvgSq: Float32Array | null;
  /** The step number after this update (1 for the first). */
  step: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** true: AdamW's decoupled decay (param *= 1 - lr * wd); false: Adam's L2 term added to the gradient. */
  decoupled: boolean;
  maximize: boolean;
}

/** One Adam/AdamW update of one parameter, in place. */
export function adamUpdate(a: AdamUpdateArgs): void {
  const { param, grad, expAvg, expAvgSq, maxExpAvgSq } = a;
  const n = param.length;
  const oneMinusBeta1 = f(1 - a.beta1);
  const oneMinusBeta2 = f(1 - a.beta2);
  const beta1 = f(a.beta1);
  const beta2 = f(a.beta2);
  const decayFactor = f(1 - a.lr * a.weightDecay);
  const wd = f(a.weightDecay);
  const biasCorrection1 = 1 - a.beta1 ** a.step;
  const biasCorrection2Sqrt = f(Math.sqrt(1 - a.beta2 ** a.step));
  const stepSize = f(-(a.lr / biasCorrection1));
  const eps = f(a.eps);
  for (let i = 0; i < n; i++) {
    let g = a.maximize ? -grad[i]! : grad[i]!;
    let p = param[i]!;
    if (a.decoupled) {
      if (a.weightDecay !== 0) p = f(p * decayFactor);
    } else if (a.weightDecay !== 0) {
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

function validateAdam(group: ParamGroup<AdamOptions>): void {
  const [b1, b2] = group.betas;
  if (!(group.eps >= 0)) throw new OptimizerError(`Invalid epsilon value: ${group.eps}`);
  if (!(b1 >= 0 && b1 < 1)) throw new OptimizerError(`Invalid beta parameter at index 0: ${b1}`);
  if (!(b2 >= 0 && b2 < 1)) throw new OptimizerError(`Invalid beta parameter at index 1: ${b2}`);
  if (!(group.weightDecay >= 0)) throw new OptimizerError(`Invalid weightDecay value: ${group.weightDecay}`);
}

abstract class AdamFamily extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected override validateGroup(group: ParamGroup<AdamOptions>): void {
    super.validateGroup(group);
    validateAdam(group);
  }

  protected override updateGroup(group: ParamGroup<AdamOptions>): void {
    for (const p of group.params) {
      if (!p.grad) continue;
      const state = this.stateFor(p, () => ({
        step: 0,
        expAvg: Tensor.zeros(p.shape),
        expAvgSq: Tensor.zeros(p.shape),
        ...(group.amsgrad ? { maxExpAvgSq: Tensor.zeros(p.shape) } : {}),
      }));
      const step = (state.step as number) + 1;
      state.step = step;
      if (group.amsgrad && !state.maxExpAvgSq) state.maxExpAvgSq = Tensor.zeros(p.shape);
      adamUpdate({
        param: p.storage as Float32Array,
        grad: p.grad.values() as Float32Array,
        expAvg: (state.expAvg as Tensor).storage as Float32Array,
        expAvgSq: (state.expAvgSq as Tensor).storage as Float32Array,
        maxExpAvgSq: group.amsgrad ? ((state.maxExpAvgSq as Tensor).storage as Float32Array) : null,
        step,
        lr: group.lr,
        beta1: group.betas[0],
        beta2: group.betas[1],
        eps: group.eps,
        weightDecay: group.weightDecay,
        decoupled: this.decoupled,
        maximize: group.maximize,
      });
    }
  }
}

/** Adam with L2 weight decay added to the gradient (torch.optim.Adam). */
export class Adam extends AdamFamily {
  protected readonly decoupled = false;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options });
  }
}

/** Adam with decoupled weight decay: parameters shrink by lr * weightDecay before the update (torch.optim.AdamW). */
export class AdamW extends AdamFamily {
  protected readonly decoupled = true;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...options });
  }
}
