/** Hugging Face's `inverse_sqrt` (get_inverse_sqrt_schedule, after big_vision), the T5 / fairseq inverse square root. */
import { warmupOptionSpecs, type StepScheduleEntry } from './entry.js';
import { linearWarmup, numberOption, type Schedule } from './schedule.js';
import { resolveWarmupSteps, type WarmupOptions } from './steps.js';

export interface InverseSqrtOptions extends WarmupOptions {
  /** The decay's timescale: the factor is 1/sqrt(2) at step W + timescale (default W, or 10000 when W = 0). */
  timescale?: number;
  totalSteps?: number;
}

/**
 * Warmup, then 1 / sqrt((step + timescale - W) / timescale): continuous at W, and with timescale = W
 * it is base_lr * sqrt(W / step), the decay of Vaswani et al.
 */
export function inverseSqrt(options: InverseSqrtOptions = {}): Schedule {
  const W = resolveWarmupSteps(options);
  const timescale = numberOption('timescale', options.timescale, { min: 0, minExclusive: true, default: W || 10_000 });
  return (step) => (step < W ? linearWarmup(step, W) : 1 / Math.sqrt((step + timescale - W) / timescale));
}

export const inverseSqrtEntry: StepScheduleEntry = {
  kind: 'step',
  name: 'inverse_sqrt',
  description: 'linear warmup, then decay with the inverse square root of the step',
  options: {
    ...warmupOptionSpecs,
    totalSteps: { type: 'integer', description: 'T, only for warmupRatio' },
    timescale: { type: 'number', description: 'decay timescale (default warmupSteps, or 10000 without warmup)' },
  },
  build: (o) => inverseSqrt(o as InverseSqrtOptions),
};
