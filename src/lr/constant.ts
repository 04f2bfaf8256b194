/** Hugging Face's `constant` and `constant_with_warmup` (get_constant_schedule[_with_warmup]). */
import { warmupOptionSpecs, type StepScheduleEntry } from './entry.js';
import { linearWarmup, type Schedule } from './schedule.js';
import { resolveWarmupSteps, type WarmupOptions } from './steps.js';

/** The base LR throughout. */
export function constant(): Schedule {
  return () => 1;
}

export type ConstantWithWarmupOptions = WarmupOptions & { totalSteps?: number };

/** step / max(1, W) during warmup, then 1. */
export function constantWithWarmup(options: ConstantWithWarmupOptions = {}): Schedule {
  const warmupSteps = resolveWarmupSteps(options);
  return (step) => (step < warmupSteps ? linearWarmup(step, warmupSteps) : 1);
}

export const constantEntry: StepScheduleEntry = {
  kind: 'step',
  name: 'constant',
  description: 'the base LR throughout',
  options: {},
  build: () => constant(),
};

export const constantWithWarmupEntry: StepScheduleEntry = {
  kind: 'step',
  name: 'constant_with_warmup',
  description: 'linear warmup, then the base LR',
  options: { ...warmupOptionSpecs, totalSteps: { type: 'integer', description: 'T, only for warmupRatio' } },
  build: (o) => constantWithWarmup(o as ConstantWithWarmupOptions),
};
