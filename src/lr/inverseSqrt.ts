/** Hugging Face's `inverse_sqrt` (get_inverse_sqrt_schedule, after big_vision), the T5 / fairseq inverse square root. */
import { z } from 'zod';
import { stepSchedule, totalStepsForRatioField, warmupFields } from './entry.js';
import { linearWarmup, type Schedule } from './schedule.js';
import { warmupStepsOf } from './steps.js';

export const inverseSqrtOptions = z.strictObject({
  ...warmupFields,
  totalSteps: totalStepsForRatioField,
  timescale: z.number().positive().optional().describe('decay timescale: the factor is 1/sqrt(2) at step W + timescale (default W, or 10000 without warmup)'),
});

export type InverseSqrtOptions = z.input<typeof inverseSqrtOptions>;

export const inverseSqrtEntry = stepSchedule({
  name: 'inverse_sqrt',
  description: 'linear warmup, then decay with the inverse square root of the step',
  options: inverseSqrtOptions,
  create: (o, context) => {
    const W = warmupStepsOf(o, context);
    const timescale = o.timescale ?? (W || 10_000);
    return (step) => (step < W ? linearWarmup(step, W) : 1 / Math.sqrt((step + timescale - W) / timescale));
  },
});

/**
 * Warmup, then 1 / sqrt((step + timescale - W) / timescale): continuous at W, and with timescale = W
 * it is base_lr * sqrt(W / step), the decay of Vaswani et al.
 */
export function inverseSqrt(options: InverseSqrtOptions = {}): Schedule {
  return inverseSqrtEntry.build(options);
}
