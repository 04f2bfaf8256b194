/** Hugging Face's `linear` (get_linear_schedule_with_warmup), BERT's schedule. */
import { z } from 'zod';
import { stepSchedule, totalStepsField, warmupFields } from './entry.js';
import { linearWarmup, type Schedule } from './schedule.js';
import { warmupAndTotal } from './steps.js';

export const linearOptions = z.strictObject({ ...warmupFields, totalSteps: totalStepsField });

export type LinearOptions = z.input<typeof linearOptions>;

export const linearEntry = stepSchedule({
  name: 'linear',
  description: 'linear warmup, then linear decay to 0 at totalSteps',
  options: linearOptions,
  create: (o, context) => {
    const { warmupSteps: W, totalSteps: T } = warmupAndTotal(o, context);
    return (step) => (step < W ? linearWarmup(step, W) : Math.max(0, (T - step) / Math.max(1, T - W)));
  },
});

/** Warmup, then max(0, (T - step) / max(1, T - W)): down to 0 at T and 0 after. */
export function linear(options: LinearOptions): Schedule {
  return linearEntry.build(options);
}
