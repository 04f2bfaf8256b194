/**
 * The learning-rate range test (Smith 2017, "Cyclical Learning Rates for Training Neural Networks";
 * fastai's lr_find): train for K steps while the learning rate grows exponentially from minLr to
 * maxLr, record the loss smoothed by a bias-corrected moving average, stop once the smoothed loss
 * exceeds divergeFactor x its best, and then put the model, the optimizer, the random generator and
 * any other state (the loader's position) back exactly as they were. Two suggestions from the
 * curve, as fastai computes them: the learning rate where the smoothed loss falls fastest against
 * log(lr) ("steep"), and a tenth of the learning rate of its minimum ("minimum").
 */
import type { Module } from '../nn/index.js';
import { utils } from '../nn/index.js';
import type { Optimizer, OptimizerStateDict } from '../optim/index.js';
import { getRngState, noGrad, setRngState, Tensor } from '../tensor/index.js';
import { ConfigError } from '../errors.js';

export interface RangeTestOptions {
  /** The first learning rate (fastai: 1e-7). */
  minLr?: number;
  /** The last learning rate, reached at the last step (fastai: 10). */
  maxLr?: number;
  /** Steps of the test (fastai: 100). */
  steps?: number;
  /** Smoothing of the loss: avg = beta * avg + (1 - beta) * loss, bias-corrected (fastai: 0.98). */
  beta?: number;
  /** Stop once the smoothed loss exceeds this multiple of its best (fastai: 4). */
  divergeFactor?: number;
  /** Called after each step. */
  onStep?: (step: number, lr: number, loss: number, smoothed: number) => void;
}

/** What the test trains and then restores. */
export interface RangeTestTarget {
  model: Module;
  optimizer: Optimizer<{ lr: number | null }>;
  /**
   * One optimizer step's forward and backward pass on the next training batch: leaves the
   * gradients in the parameters and returns the loss (its value before the update).
   */
  lossAndBackward: () => number;
  /** Max global gradient norm, as in training; null for none. */
  clipGradNorm?: number | null;
  /** Other state to restore afterwards, such as a data loader's position. */
  extraState?: { save(): unknown; load(state: unknown): void }[];
}

export interface LrSuggestions {
  /** Where the smoothed loss falls fastest against log(lr); null when the curve is too short. */
  steep: number | null;
  /** A tenth of the learning rate at the smoothed loss's minimum. */
  minimum: number | null;
  /** The learning rate at the minimum itself (the edge of stability, too high to train at). */
  lrAtMinimum: number | null;
}

export interface RangeTestResult {
  minLr: number;
  maxLr: number;
  /** Steps planned; lrs.length were taken. */
  steps: number;
  beta: number;
  divergeFactor: number;
  lrs: number[];
  /** The raw loss of each step (before its update). */
  losses: number[];
  smoothed: number[];
  /** Why the test ended: 'completed', or what diverged. */
  stopReason: string;
  suggestions: LrSuggestions;
}

function positive(v: number, field: string): number {
  if (!(Number.isFinite(v) && v > 0)) throw new ConfigError(field, `must be a positive number, got ${v}`);
  return v;
}

/** The learning rate of step i of n: minLr * (maxLr / minLr)^(i / (n - 1)), so the last step runs at maxLr. */
export function rangeTestLr(i: number, n: number, minLr: number, maxLr: number): number {
  return n <= 1 ? minLr : minLr * (maxLr / minLr) ** (i / (n - 1));
}

/**
 * fastai's suggestions from a recorded curve. As fastai does, the first tenth of the steps (where
 * the average is still settling) and the last five (the blow-up) are left out, unless that leaves
 * fewer than three points.
 */
export function suggestLr(lrs: readonly number[], smoothed: readonly number[], plannedSteps = lrs.length): LrSuggestions {
  let from = Math.floor(plannedSteps / 10);
  let to = lrs.length - 5;
  if (to - from < 3) {
    from = 0;
    to = lrs.length;
  }
  const l = lrs.slice(from, to);
  const s = smoothed.slice(from, to);
  if (l.length < 2) return { steep: null, minimum: null, lrAtMinimum: l[0] ?? null };
  let argMin = 0;
  for (let i = 1; i < s.length; i++) if (s[i]! < s[argMin]!) argMin = i;
  let steepest = -1;
  let slope = Infinity;
  for (let i = 0; i + 1 < s.length; i++) {
    const g = (s[i + 1]! - s[i]!) / (Math.log(l[i + 1]!) - Math.log(l[i]!));
    if (g < slope) {
      slope = g;
      steepest = i;
    }
  }
  return { steep: steepest >= 0 && slope < 0 ? l[steepest]! : null, minimum: l[argMin]! / 10, lrAtMinimum: l[argMin]! };
}

function cloneTensor(t: Tensor): Tensor {
  return new Tensor(t.toTypedArray().slice(), t.shape);
}

function cloneOptimizerState(sd: OptimizerStateDict<Record<string, unknown>>): OptimizerStateDict<Record<string, unknown>> {
  const state: OptimizerStateDict<Record<string, unknown>>['state'] = {};
  for (const [k, s] of Object.entries(sd.state)) {
    state[Number(k)] = Object.fromEntries(Object.entries(s).map(([name, v]) => [name, v instanceof Tensor ? cloneTensor(v) : v]));
  }
  return { state, paramGroups: structuredClone(sd.paramGroups) };
}

/** Runs the range test on `target` and restores it; see the file comment. */
export function lrRangeTest(target: RangeTestTarget, options: RangeTestOptions = {}): RangeTestResult {
  const minLr = positive(options.minLr ?? 1e-7, 'minLr');
  const maxLr = positive(options.maxLr ?? 10, 'maxLr');
  if (!(minLr < maxLr)) throw new ConfigError('minLr', `must be below maxLr (${maxLr}), got ${minLr}`);
  const steps = options.steps ?? 100;
  if (!(Number.isInteger(steps) && steps >= 2)) throw new ConfigError('steps', `must be an integer >= 2, got ${steps}`);
  const beta = options.beta ?? 0.98;
  if (!(beta >= 0 && beta < 1)) throw new ConfigError('beta', `must be in [0, 1), got ${beta}`);
  const divergeFactor = options.divergeFactor ?? 4;
  if (!(divergeFactor > 1)) throw new ConfigError('divergeFactor', `must be above 1, got ${divergeFactor}`);
  const { model, optimizer } = target;
  const params = model.parameters();

  // ---- everything the test changes, saved --------------------------------------------------
  const weights = Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, cloneTensor(v)]));
  const optimizerState = cloneOptimizerState(optimizer.stateDict() as OptimizerStateDict<Record<string, unknown>>);
  const grads = params.map((p) => (p.grad ? cloneTensor(p.grad) : null));
  const rng = getRngState();
  const modes = model.modules().map((m) => m.training);
  const extra = (target.extraState ?? []).map((s) => structuredClone(s.save()));

  const lrs: number[] = [];
  const losses: number[] = [];
  const smoothed: number[] = [];
  let avg = 0;
  let best = Infinity;
  let stopReason = 'completed';
  try {
    model.train();
    for (let i = 0; i < steps; i++) {
      const lr = rangeTestLr(i, steps, minLr, maxLr);
      for (const g of optimizer.paramGroups) g.lr = lr;
      optimizer.zeroGrad();
      const loss = target.lossAndBackward();
      if (!Number.isFinite(loss)) {
        stopReason = `the loss became ${loss} at lr ${lr.toExponential(2)}`;
        break;
      }
      avg = beta * avg + (1 - beta) * loss;
      const smooth = avg / (1 - beta ** (i + 1));
      lrs.push(lr);
      losses.push(loss);
      smoothed.push(smooth);
      options.onStep?.(i, lr, loss, smooth);
      // fastai's stop rule, on the smoothed loss
      if (smooth > divergeFactor * best) {
        stopReason = `the smoothed loss exceeded ${divergeFactor}x its best at lr ${lr.toExponential(2)}`;
        break;
      }
      if (smooth < best) best = smooth;
      const norm = target.clipGradNorm != null ? utils.clipGradNorm(params, target.clipGradNorm) : 0;
      if (!Number.isFinite(norm)) {
        stopReason = `the gradient norm became ${norm} at lr ${lr.toExponential(2)}`;
        break;
      }
      optimizer.step();
    }
  } finally {
    // ---- and put back exactly --------------------------------------------------------------
    noGrad(() => model.loadStateDict(weights));
    optimizer.loadStateDict(optimizerState as never);
    params.forEach((p, i) => {
      p.grad = grads[i] ? cloneTensor(grads[i]!) : null;
    });
    setRngState(rng);
    model.modules().forEach((m, i) => {
      m.training = modes[i]!;
    });
    (target.extraState ?? []).forEach((s, i) => s.load(extra[i]));
  }
  return { minLr, maxLr, steps, beta, divergeFactor, lrs, losses, smoothed, stopReason, suggestions: suggestLr(lrs, smoothed, steps) };
}
