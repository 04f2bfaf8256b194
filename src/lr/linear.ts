/** Hugging Face's `linear` (get_linear_schedule_with_warmup), BERT's schedule. */
import { totalStepsSpec, warmupOptionSpecs, type StepScheduleEntry } from './entry.js';
import { linearWarmup, type Schedule } from './schedule.js';
import { warmupAndTotal, type WarmupOptions } from './steps.js';

export interface LinearOptions extends WarmupOptions {
  totalSteps: number;
}

/** Warmup, then max(0, (T - step) / max(1, T - W)): down to 0 at T and 0 after. */
export function linear(options: LinearOptions): Schedule {
  const { warmupSteps: W, totalSteps: T } = warmupAndTotal(options);
  return (step) => (step < W ? linearWarmup(step, W) : Math.max(0, (T - step) / Math.max(1, T - W)));
}

export const linearEntry: StepScheduleEntry = {
  kind: 'step',
  name: 'linear',
  description: 'linear warmup, then linear decay to 0 at totalSteps',
  options: { ...warmupOptionSpecs, totalSteps: totalStepsSpec },
  build: (o) => linear(o as unknown as LinearOptions),
};
