/** Hugging Face's `constant` and `constant_with_warmup` (get_constant_schedule[_with_warmup]). */
import { z } from 'zod';
import { stepSchedule, totalStepsForRatioField, warmupFields } from './entry.js';
import { linearWarmup, type Schedule } from './schedule.js';
import { warmupStepsOf } from './steps.js';

export const constantEntry = stepSchedule({
  name: 'constant',
  description: 'the base LR throughout',
  options: z.strictObject({}),
  create: () => () => 1,
});

/** The base LR throughout. */
export function constant(): Schedule {
  return constantEntry.build({});
}

export const constantWithWarmupOptions = z.strictObject({ ...warmupFields, totalSteps: totalStepsForRatioField });

export type ConstantWithWarmupOptions = z.input<typeof constantWithWarmupOptions>;

export const constantWithWarmupEntry = stepSchedule({
  name: 'constant_with_warmup',
  description: 'linear warmup, then the base LR',
  options: constantWithWarmupOptions,
  create: (o, context) => {
    const warmupSteps = warmupStepsOf(o, context);
    return (step) => (step < warmupSteps ? linearWarmup(step, warmupSteps) : 1);
  },
});

/** step / max(1, W) during warmup, then 1. */
export function constantWithWarmup(options: ConstantWithWarmupOptions = {}): Schedule {
  return constantWithWarmupEntry.build(options);
}
