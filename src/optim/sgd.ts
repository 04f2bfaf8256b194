/**
 * Stochastic gradient descent with momentum (Polyak 1964; Sutskever et al. 2013 for Nesterov), step
 * for step as PyTorch 1.13's _single_tensor_sgd: the velocity form v = mu * v + (1 - dampening) * g,
 * p -= lr * v, whose first step sets v to the gradient itself (no dampening on it). Each float32
 * operation of PyTorch is rounded to float32 in the same order (fused where PyTorch fuses, see
 * float32.ts).
 */
import { Tensor } from '../tensor/index.js';
import { f32 as f, fma32 } from './float32.js';
import { Optimizer, OptimizerError, type ParamGroup, type ParamsInput } from './optimizer.js';

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

/** One SGD update of one parameter, in place. */
export function sgdUpdate(a: SGDUpdateArgs): void {
  const { param, grad, momentumBuffer: buf } = a;
  const wd = f(a.weightDecay);
  const momentum = f(a.momentum);
  const oneMinusDampening = f(1 - a.dampening);
  const negLr = f(-a.lr);
  for (let i = 0; i < param.length; i++) {
    const p = param[i]!;
    let d = a.maximize ? -grad[i]! : grad[i]!;
    if (a.weightDecay !== 0) d = fma32(d, wd, p);
    if (buf) {
      const v = a.initializeBuffer ? d : fma32(f(buf[i]! * momentum), oneMinusDampening, d);
      buf[i] = v;
      d = a.nesterov ? fma32(d, momentum, v) : v;
    }
    param[i] = fma32(p, negLr, d);
  }
}

/** SGD with optional (Nesterov) momentum, dampening, L2 weight decay and maximize (torch.optim.SGD). */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    // lr has no default, as in PyTorch: the constructor or every group must give one
    super(params, { lr: NaN, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options });
  }

  protected override validateGroup(group: ParamGroup<SGDOptions>): void {
    if (Number.isNaN(group.lr)) throw new OptimizerError("parameter group didn't specify a value of required optimization parameter lr");
    super.validateGroup(group);
    if (!(group.momentum >= 0)) throw new OptimizerError(`Invalid momentum value: ${group.momentum}`);
    if (!(group.weightDecay >= 0)) throw new OptimizerError(`Invalid weightDecay value: ${group.weightDecay}`);
    // Nesterov's look-ahead needs a velocity, and PyTorch's form of it assumes undamped momentum
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new OptimizerError('Nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected override updateGroup(group: ParamGroup<SGDOptions>): void {
    for (const p of group.params) {
      if (!p.grad) continue;
      // PyTorch records momentumBuffer (None without momentum) once a parameter has had a step
      const state = this.stateFor(p, () => ({ momentumBuffer: null }));
      let buffer = state.momentumBuffer as Tensor | null;
      const initializeBuffer = group.momentum !== 0 && buffer === null;
      if (initializeBuffer) buffer = Tensor.zeros(p.shape);
      sgdUpdate({
        ...group,
        param: p.storage as Float32Array,
        grad: p.grad.values() as Float32Array,
        momentumBuffer: group.momentum !== 0 ? (buffer!.storage as Float32Array) : null,
        initializeBuffer,
      });
      if (group.momentum !== 0) state.momentumBuffer = buffer;
    }
  }
}
