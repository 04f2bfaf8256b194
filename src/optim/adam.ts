/**
 * Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), step for step as PyTorch 1.13's
 * _single_tensor_adam / _single_tensor_adamw. Each float32 operation of PyTorch is mirrored and
 * rounded to float32 in the same order (fused where PyTorch's kernels fuse, see
 * backend/js/float32.ts), so trajectories agree to the bit; the update itself is the backend's
 * multi-tensor kernel (backend/js/optim.ts is the reference), one call per parameter group.
 */
import { z } from 'zod';
import { getBackend } from '../backend/index.js';
import { keep, Tensor } from '../tensor/index.js';
import { floatData } from '../tensor/tensor.js';
import { checkOptimizerOptions, Optimizer, type OptimizerSpec, type ParamGroup, type ParamsInput } from './optimizer.js';

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

/** One Adam/AdamW update of one parameter, in place (the backend's multi-tensor kernel with one tensor). */
export function adamUpdate(a: AdamUpdateArgs): void {
  getBackend().adam({
    params: [a.param], grads: [a.grad], expAvg: [a.expAvg], expAvgSq: [a.expAvgSq], maxExpAvgSq: a.maxExpAvgSq ? [a.maxExpAvgSq] : null,
    steps: [a.step], lr: a.lr, beta1: a.beta1, beta2: a.beta2, eps: a.eps, weightDecay: a.weightDecay, decoupled: a.decoupled, maximize: a.maximize,
  });
}

const beta = () => z.number().min(0).lt(1);

/** The option object of Adam and AdamW, PyTorch's names in camelCase. */
export const adamOptions = z.strictObject({
  lr: z.number().min(0).optional().describe('learning rate (default 1e-3)'),
  betas: z.tuple([beta(), beta()]).readonly().optional().describe('coefficients of the running averages of the gradient and of its square, each in [0, 1) (default [0.9, 0.999])'),
  eps: z.number().min(0).optional().describe('added to the denominator for numerical stability (default 1e-8)'),
  weightDecay: z.number().min(0).optional().describe("Adam: L2 penalty added to the gradient (default 0); AdamW: decoupled decay, param *= 1 - lr * weightDecay (default 1e-2)"),
  amsgrad: z.boolean().optional().describe('use the running maximum of the second moment (Reddi et al. 2018; default false)'),
  maximize: z.boolean().optional().describe('maximise the objective instead of minimising it (default false)'),
});

const aliases = { beta1: 'betas', beta2: 'betas', beta_1: 'betas', beta_2: 'betas', amsGrad: 'amsgrad' };
const adamSpec: OptimizerSpec = { name: 'Adam', schema: adamOptions, aliases };
const adamWSpec: OptimizerSpec = { name: 'AdamW', schema: adamOptions, aliases };

abstract class AdamFamily extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  /** One multi-tensor backend call for every parameter of the group that has a gradient. */
  protected override updateGroup(group: ParamGroup<AdamOptions>): void {
    const params: Float32Array[] = [], grads: Float32Array[] = [], expAvg: Float32Array[] = [], expAvgSq: Float32Array[] = [];
    const maxExpAvgSq: Float32Array[] = [], steps: number[] = [];
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
      if (group.amsgrad && !state.maxExpAvgSq) state.maxExpAvgSq = keep(Tensor.zeros(p.shape));
      params.push(p.storage as Float32Array);
      grads.push(floatData(p.grad));
      expAvg.push((state.expAvg as Tensor).storage as Float32Array);
      expAvgSq.push((state.expAvgSq as Tensor).storage as Float32Array);
      if (group.amsgrad) maxExpAvgSq.push((state.maxExpAvgSq as Tensor).storage as Float32Array);
      steps.push(step);
    }
    if (params.length === 0) return;
    getBackend().adam({
      params, grads, expAvg, expAvgSq, maxExpAvgSq: group.amsgrad ? maxExpAvgSq : null, steps,
      lr: group.lr, beta1: group.betas[0], beta2: group.betas[1], eps: group.eps, weightDecay: group.weightDecay,
      decoupled: this.decoupled, maximize: group.maximize,
    });
  }
}

/** Adam with L2 weight decay added to the gradient (torch.optim.Adam). */
export class Adam extends AdamFamily {
  protected readonly decoupled = false;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...checkOptimizerOptions(adamSpec, options) }, adamSpec);
  }
}

/** Adam with decoupled weight decay: parameters shrink by lr * weightDecay before the update (torch.optim.AdamW). */
export class AdamW extends AdamFamily {
  protected readonly decoupled = true;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...checkOptimizerOptions(adamWSpec, options) }, adamWSpec);
  }
}
