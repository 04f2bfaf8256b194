/** The Transformer's schedule (Vaswani et al. 2017, section 5.3), `rate` in the Annotated Transformer. */
import { z } from 'zod';
import { stepSchedule, totalStepsForRatioField, warmupFields } from './entry.js';
import type { Schedule } from './schedule.js';
import { warmupStepsOf } from './steps.js';

export const noamOptions = z.strictObject({
  ...warmupFields,
  totalSteps: totalStepsForRatioField,
  dModel: z.int().min(1).describe('model width d_model; the peak LR scales with dModel^-0.5'),
  factor: z.number().positive().default(1).describe('overall scale'),
});

export type NoamOptions = z.input<typeof noamOptions>;

export const noamEntry = stepSchedule({
  name: 'noam',
  description: 'the Transformer paper: factor * dModel^-0.5 * min(step^-0.5, step * W^-1.5), with base LR 1',
  options: noamOptions,
  create: (o, context) => {
    const W = warmupStepsOf(o, context);
    const scale = o.factor * o.dModel ** -0.5;
    const warm = W ** -1.5; // Infinity when W = 0: no warmup term
    return (step) => {
      const s = Math.max(step, 1);
      return scale * Math.min(s ** -0.5, s * warm);
    };
  },
});

/**
 * factor * dModel^-0.5 * min(s^-0.5, s * W^-1.5) with s = max(step, 1): the factor is itself the LR,
 * meant with base LR 1. The paper counts steps from 1; the Annotated Transformer maps step 0 to 1, so
 * the first update runs at the second update's LR.
 */
export function noam(options: NoamOptions): Schedule {
  return noamEntry.build(options);
}
