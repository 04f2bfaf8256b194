/**
 * Adafactor (Shazeer & Stern 2018) with the semantics and defaults of Hugging Face's
 * transformers.optimization.Adafactor (itself fairseq's): the second moment of a tensor with two or
 * more dims is kept as row and column means of g^2 over its last two dims (O(n + m) memory for an
 * n x m matrix), vectors keep a full one; beta2 grows as 1 - t^decayRate; updates are clipped to RMS
 * clipThreshold; the step size is relative (min(1e-2, 1/sqrt(t))) and scaled by the parameter's RMS
 * unless a fixed lr is given. State and arithmetic are float32 as in HF, rounded op by op (fused
 * where PyTorch's kernels fuse, see float32.ts).
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { fieldPath } from '../options.js';
import { Tensor } from '../tensor/index.js';
import { f32 as f, fma32 } from './float32.js';
import { checkOptimizerOptions, Optimizer, type OptimizerSpec, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface AdafactorOptions {
  /** External learning rate; must be null (the default) with relativeStep. */
  lr: number | null;
  /** [eps1 added to g^2, eps2: the least parameter scale]. */
  eps: readonly [number, number];
  /** The RMS an update may reach before it is scaled down. */
  clipThreshold: number;
  /** beta2 at step t is 1 - t^decayRate. */
  decayRate: number;
  /** First-moment coefficient; null keeps no first moment (the memory-saving default). */
  beta1: number | null;
  weightDecay: number;
  /** Multiply the step size by max(eps2, RMS(param)). */
  scaleParameter: boolean;
  /** Step size min(1e-2, 1/sqrt(t)) instead of lr. */
  relativeStep: boolean;
  /** With relativeStep: min(1e-6 * t, 1/sqrt(t)), a linear warmup. */
  warmupInit: boolean;
}

/** The float32 root mean square of a tensor's values: norm(x) / sqrt(numel), HF's _rms. */
function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return f(f(Math.sqrt(s)) / f(Math.sqrt(x.length)));
}

/**
 * The step size HF's Adafactor._get_lr gives: relative or external, times the parameter scale.
 * Where the scale is the parameter's RMS (a float32 tensor in HF) the product is float32.
 */
export function adafactorLr(options: Pick<AdafactorOptions, 'lr' | 'eps' | 'scaleParameter' | 'relativeStep' | 'warmupInit'>, step: number, paramRms: number): number {
  let rel = options.lr ?? NaN;
  if (options.relativeStep) {
    const minStep = options.warmupInit ? 1e-6 * step : 1e-2;
    rel = Math.min(minStep, 1 / Math.sqrt(step));
  }
  if (!options.scaleParameter) return rel;
  // Python's max(eps2, rms) keeps eps2 unless the float32 RMS is strictly larger
  return paramRms > f(options.eps[1]) ? f(paramRms * f(rel)) : options.eps[1] * rel;
}

export interface AdafactorUpdateArgs {
  param: Float32Array;
  grad: Float32Array;
  /** The parameter's shape: two or more dims take the factored second moment. */
  shape: readonly number[];
  /** First moment (beta1 set), else null. */
  expAvg: Float32Array | null;
  /** Full second moment of a vector, else null. */
  expAvgSq: Float32Array | null;
  /** Factored second moment: means over the last dim (shape[:-1]) and over the second-to-last (shape[:-2] + shape[-1:]). */
  expAvgSqRow: Float32Array | null;
  expAvgSqCol: Float32Array | null;
  /** The step number after this update (1 for the first). */
  step: number;
  options: AdafactorOptions;
}

/** One Adafactor update of one parameter, in place. Returns the parameter's RMS before the update (HF's state['RMS']). */
export function adafactorUpdate(a: AdafactorUpdateArgs): number {
  const { param, grad, shape, options: o } = a;
  const n = param.length;
  const paramRms = rms(param);
  const lr = adafactorLr(o, a.step, paramRms);
  const beta2t = 1 - a.step ** o.decayRate;
  const beta2 = f(beta2t);
  const oneMinusBeta2 = f(1 - beta2t);
  const eps1 = f(o.eps[0]);
  const update = new Float32Array(n);
  for (let i = 0; i < n; i++) update[i] = f(f(grad[i]! * grad[i]!) + eps1);

  if (shape.length >= 2) {
    const cols = shape[shape.length - 1]!;
    const rows = shape[shape.length - 2]!;
    const batch = n / (rows * cols);
    const row = a.expAvgSqRow!;
    const col = a.expAvgSqCol!;
    for (let b = 0; b < batch; b++) {
      const base = b * rows * cols;
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += update[base + r * cols + c]!;
        const k = b * rows + r;
        row[k] = fma32(f(row[k]! * beta2), oneMinusBeta2, f(f(s) / cols));
      }
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += update[base + r * cols + c]!;
        const k = b * cols + c;
        col[k] = fma32(f(col[k]! * beta2), oneMinusBeta2, f(f(s) / rows));
      }
      // HF's _approx_sq_grad: rsqrt(row / mean(row)) outer rsqrt(col), i.e. 1/sqrt(row col / sum(row)) (Shazeer & Stern eq. 4)
      let rowSum = 0;
      for (let r = 0; r < rows; r++) rowSum += row[b * rows + r]!;
      const rowMean = f(f(rowSum) / rows);
      for (let r = 0; r < rows; r++) {
        const rFactor = f(1 / f(Math.sqrt(f(row[b * rows + r]! / rowMean))));
        for (let c = 0; c < cols; c++) {
          const cFactor = f(1 / f(Math.sqrt(col[b * cols + c]!)));
          const i = base + r * cols + c;
          update[i] = f(f(rFactor * cFactor) * grad[i]!);
        }
      }
    }
  } else {
    const v = a.expAvgSq!;
    for (let i = 0; i < n; i++) {
      v[i] = fma32(f(v[i]! * beta2), oneMinusBeta2, update[i]!);
      update[i] = f(f(1 / f(Math.sqrt(v[i]!))) * grad[i]!);
    }
  }

  // update clipping (Shazeer & Stern sec. 5): scale down when RMS(update) exceeds the threshold
  const clipDenominator = Math.max(f(rms(update) / f(o.clipThreshold)), 1);
  const lrF = f(lr);
  for (let i = 0; i < n; i++) update[i] = f(f(update[i]! / clipDenominator) * lrF);

  if (o.beta1 !== null) {
    const m = a.expAvg!;
    const beta1 = f(o.beta1);
    const oneMinusBeta1 = f(1 - o.beta1);
    for (let i = 0; i < n; i++) {
      m[i] = fma32(f(m[i]! * beta1), oneMinusBeta1, update[i]!);
      update[i] = m[i]!;
    }
  }
  // HF decays after the update is formed, by wd * (the scaled step size), as in fairseq
  const decay = o.weightDecay !== 0 ? f(-o.weightDecay * lr) : 0;
  for (let i = 0; i < n; i++) {
    let p = param[i]!;
    if (decay !== 0) p = fma32(p, decay, p);
    param[i] = f(p - update[i]!);
  }
  return paramRms;
}

/** Adafactor's option object: Hugging Face's names in camelCase, with its defaults. */
export const adafactorOptions = z.strictObject({
  lr: z.number().positive().nullable().optional().describe('external learning rate; null (the default) with relativeStep, required without it'),
  eps: z.tuple([z.number().min(0), z.number().min(0)]).readonly().optional().describe('[eps1 added to g^2, eps2 the least parameter scale] (default [1e-30, 1e-3])'),
  clipThreshold: z.number().positive().optional().describe('the RMS an update may reach before it is scaled down (default 1)'),
  decayRate: z.number().optional().describe('beta2 at step t is 1 - t^decayRate (default -0.8)'),
  beta1: z.number().min(0).lt(1).nullable().optional().describe('first-moment coefficient; null keeps no first moment (default null)'),
  weightDecay: z.number().min(0).optional().describe('decay by weightDecay times the step size, after the update is formed (default 0)'),
  scaleParameter: z.boolean().optional().describe("multiply the step size by max(eps2, RMS(param)) (default true)"),
  relativeStep: z.boolean().optional().describe('step size min(1e-2, 1/sqrt(t)) instead of lr (default true)'),
  warmupInit: z.boolean().optional().describe('with relativeStep: min(1e-6 * t, 1/sqrt(t)), a linear warmup (default false)'),
});

const spec: OptimizerSpec = {
  name: 'Adafactor', schema: adafactorOptions,
  aliases: { clip_threshold: 'clipThreshold', decay_rate: 'decayRate', scale_parameter: 'scaleParameter', relative_step: 'relativeStep', warmup_init: 'warmupInit' },
};

/** Adafactor with Hugging Face's options and defaults (transformers.optimization.Adafactor). */
export class Adafactor extends Optimizer<AdafactorOptions> {
  constructor(params: ParamsInput<AdafactorOptions>, options: Partial<AdafactorOptions> = {}) {
    super(params, {
      lr: null, eps: [1e-30, 1e-3], clipThreshold: 1, decayRate: -0.8, beta1: null, weightDecay: 0,
      scaleParameter: true, relativeStep: true, warmupInit: false, ...checkOptimizerOptions(spec, options),
    }, spec);
  }

  protected override validateGroup(group: ParamGroup<AdafactorOptions>, path: string): void {
    super.validateGroup(group, path);
    if (group.lr !== null && group.relativeStep) throw new ConfigError(fieldPath(path, 'lr'), 'cannot combine a manual lr with relativeStep: true (pass relativeStep: false, or leave lr out)');
    if (group.lr === null && !group.relativeStep) throw new ConfigError(fieldPath(path, 'lr'), 'is required when relativeStep is false');
    if (group.warmupInit && !group.relativeStep) throw new ConfigError(fieldPath(path, 'warmupInit'), 'true requires relativeStep: true');
  }

  protected override updateGroup(group: ParamGroup<AdafactorOptions>): void {
    for (const p of group.params) {
      if (!p.grad) continue;
      const shape = p.shape;
      const factored = shape.length >= 2;
      const state = this.stateFor(p, () => ({
        step: 0,
        ...(group.beta1 !== null ? { expAvg: Tensor.zeros(shape) } : {}),
        ...(factored
          ? { expAvgSqRow: Tensor.zeros(shape.slice(0, -1)), expAvgSqCol: Tensor.zeros([...shape.slice(0, -2), shape[shape.length - 1]!]) }
          : { expAvgSq: Tensor.zeros(shape) }),
        rms: 0,
      }));
      if (group.beta1 !== null && !state.expAvg) state.expAvg = Tensor.zeros(shape);
      const step = (state.step as number) + 1;
      state.step = step;
      const data = (name: string) => (state[name] ? ((state[name] as Tensor).storage as Float32Array) : null);
      state.rms = adafactorUpdate({
        param: p.storage as Float32Array,
        grad: p.grad.values() as Float32Array,
        shape,
        expAvg: group.beta1 !== null ? data('expAvg') : null,
        expAvgSq: data('expAvgSq'),
        expAvgSqRow: data('expAvgSqRow'),
        expAvgSqCol: data('expAvgSqCol'),
        step,
        options: group,
      });
    }
  }
}
