/** PyTorch's StepLR, MultiStepLR and ExponentialLR (torch.optim.lr_scheduler), as their closed forms. */
import { z } from 'zod';
import { stepSchedule } from '../entry.js';
import type { Schedule } from '../schedule.js';

const gamma = z.number().min(0).default(0.1).describe('multiplier per decay');

export const stepLROptions = z.strictObject({
  stepSize: z.int().min(1).describe('steps between decays'),
  gamma,
});

export type StepLROptions = z.input<typeof stepLROptions>;

export const stepLREntry = stepSchedule({
  name: 'StepLR',
  description: 'PyTorch StepLR: multiply by gamma every stepSize steps',
  options: stepLROptions,
  create: (o) => (step) => o.gamma ** Math.floor(step / o.stepSize),
});

/** gamma ^ floor(step / stepSize). */
export function stepLR(options: StepLROptions): Schedule {
  return stepLREntry.build(options);
}

export const multiStepLROptions = z.strictObject({
  milestones: z
    .array(z.int().min(0))
    .readonly()
    .describe('steps at which to multiply by gamma, a repeated one once per repeat (comma-separated on the command line)'),
  gamma,
});

export type MultiStepLROptions = z.input<typeof multiStepLROptions>;

export const multiStepLREntry = stepSchedule({
  name: 'MultiStepLR',
  description: 'PyTorch MultiStepLR: multiply by gamma at each milestone',
  options: multiStepLROptions,
  create: (o) => {
    const milestones = [...o.milestones].sort((a, b) => a - b);
    return (step) => {
      let passed = 0;
      while (passed < milestones.length && milestones[passed]! <= step) passed++;
      return o.gamma ** passed;
    };
  },
});

/** gamma ^ (number of milestones <= step), PyTorch's bisect_right over the sorted milestones. */
export function multiStepLR(options: MultiStepLROptions): Schedule {
  return multiStepLREntry.build(options);
}

export const exponentialLROptions = z.strictObject({
  gamma: z.number().min(0).describe('multiplier per step'),
});

export type ExponentialLROptions = z.input<typeof exponentialLROptions>;

export const exponentialLREntry = stepSchedule({
  name: 'ExponentialLR',
  description: 'PyTorch ExponentialLR: multiply by gamma every step',
  options: exponentialLROptions,
  create: (o) => (step) => o.gamma ** step,
});

/** gamma ^ step. */
export function exponentialLR(options: ExponentialLROptions): Schedule {
  return exponentialLREntry.build(options);
}
