/**
 * Stochastic gradient descent with momentum (Polyak 1964; Sutskever et al. 2013 for Nesterov), step
 * for step as PyTorch 1.13's _single_tensor_sgd: the velocity form v = mu * v + (1 - dampening) * g,
 * p -= lr * v, whose first step sets v to the gradient itself (no dampening on it). Each float32
 * operation of PyTorch is rounded to float32 in the same order (fused where PyTorch fuses, see
 * float32.ts).
 */
import { z } from 'zod';
import { getBackend } from '../backend/index.js';
import { ConfigError } from '../errors.js';
import { fieldPath } from '../options.js';
import { keep, Tensor } from '../tensor/index.js';
import { floatData } from '../tensor/tensor.js';
import { checkOptimizerOptions, Optimizer, type OptimizerSpec, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export interface SGDUpdateArgs extends SGDOptions {
  param: Float32Array;
  grad: Float32Array;
  /** The velocity, updated in place; null when momentum is 0. */
  momentumBuffer: Float32Array | null;
  /** true on the buffer's first use: PyTorch then copies the (decayed) gradient into it. */
  initializeBuffer: boolean;
}

/** One SGD update of one parameter, in place (the backend's multi-tensor kernel with one tensor). */
export function sgdUpdate(a: SGDUpdateArgs): void {
  getBackend().sgd({
    params: [a.param], grads: [a.grad], momentumBuffers: a.momentumBuffer ? [a.momentumBuffer] : null, initializeBuffers: [a.initializeBuffer],
    lr: a.lr, momentum: a.momentum, dampening: a.dampening, weightDecay: a.weightDecay, nesterov: a.nesterov, maximize: a.maximize,
  });
}

/** SGD's option object, PyTorch's names in camelCase; every field optional but lr (in the options or each group). */
export const sgdOptions = z.strictObject({
  lr: z.number().min(0).optional().describe('learning rate; no default, as in PyTorch: give it here or in every parameter group'),
  momentum: z.number().min(0).optional().describe('momentum factor mu of the velocity v = mu * v + (1 - dampening) * g (default 0)'),
  dampening: z.number().optional().describe('dampening of the gradient added to the velocity (default 0)'),
  weightDecay: z.number().min(0).optional().describe('L2 penalty: weightDecay * param added to the gradient (default 0)'),
  nesterov: z.boolean().optional().describe("Nesterov's momentum (Sutskever et al. 2013); needs momentum > 0 and dampening 0 (default false)"),
  maximize: z.boolean().optional().describe('maximise the objective instead of minimising it (default false)'),
});

const spec: OptimizerSpec = { name: 'SGD', schema: sgdOptions };

/** SGD with optional (Nesterov) momentum, dampening, L2 weight decay and maximize (torch.optim.SGD). */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    // lr has no default, as in PyTorch: the constructor or every group must give one
    super(params, { lr: NaN, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...checkOptimizerOptions(spec, options) }, spec);
  }

  protected override validateGroup(group: ParamGroup<SGDOptions>, path: string): void {
    if (Number.isNaN(group.lr)) throw new ConfigError(fieldPath(path, 'lr'), "is required: SGD has no default learning rate (give lr in the options or in every parameter group)");
    super.validateGroup(group, path);
    // Nesterov's look-ahead needs a velocity, and PyTorch's form of it assumes undamped momentum
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new ConfigError(fieldPath(path, 'nesterov'), `Nesterov momentum requires a momentum and zero dampening (momentum ${group.momentum}, dampening ${group.dampening})`);
    }
  }

  /** One multi-tensor backend call for every parameter of the group that has a gradient. */
  protected override updateGroup(group: ParamGroup<SGDOptions>): void {
    const params: Float32Array[] = [], grads: Float32Array[] = [], buffers: (Float32Array | null)[] = [], init: boolean[] = [];
    for (const p of group.params) {
      if (!p.grad) continue;
      // PyTorch records momentumBuffer (None without momentum) once a parameter has had a step
      const state = this.stateFor(p, () => ({ momentumBuffer: null }));
      let buffer = state.momentumBuffer as Tensor | null;
      const initializeBuffer = group.momentum !== 0 && buffer === null;
      if (initializeBuffer) buffer = keep(Tensor.zeros(p.shape));
      if (group.momentum !== 0) state.momentumBuffer = buffer;
      params.push(p.storage as Float32Array);
      grads.push(floatData(p.grad));
      buffers.push(group.momentum !== 0 ? (buffer!.storage as Float32Array) : null);
      init.push(initializeBuffer);
    }
    if (params.length === 0) return;
    getBackend().sgd({
      params, grads, momentumBuffers: group.momentum !== 0 ? buffers : null, initializeBuffers: init,
      lr: group.lr, momentum: group.momentum, dampening: group.dampening, weightDecay: group.weightDecay,
      nesterov: group.nesterov, maximize: group.maximize,
    });
  }
}
