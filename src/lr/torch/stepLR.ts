/** PyTorch's StepLR, MultiStepLR and ExponentialLR (torch.optim.lr_scheduler), as their closed forms. */
import { ConfigError } from '../../errors.js';
import type { StepScheduleEntry } from '../entry.js';
import { integerOption, numberOption, type Schedule } from '../schedule.js';

export interface StepLROptions {
  /** Steps between decays. */
  stepSize: number;
  /** Multiplier per decay (default 0.1). */
  gamma?: number;
}

/** gamma ^ floor(step / stepSize). */
export function stepLR(options: StepLROptions): Schedule {
  const stepSize = integerOption('stepSize', options.stepSize, { min: 1 });
  const gamma = numberOption('gamma', options.gamma, { min: 0, default: 0.1 });
  return (step) => gamma ** Math.floor(step / stepSize);
}

export interface MultiStepLROptions {
  /** Steps at which the LR is multiplied by gamma; a repeated milestone applies gamma once per repeat. */
  milestones: readonly number[];
  /** Multiplier per milestone (default 0.1). */
  gamma?: number;
}

/** gamma ^ (number of milestones <= step), PyTorch's bisect_right over the sorted milestones. */
export function multiStepLR(options: MultiStepLROptions): Schedule {
  if (!Array.isArray(options.milestones)) throw new ConfigError('milestones', 'must be a list of step numbers');
  const milestones = options.milestones.map((m, i) => integerOption(`milestones[${i}]`, m)).sort((a, b) => a - b);
  const gamma = numberOption('gamma', options.gamma, { min: 0, default: 0.1 });
  return (step) => {
    let passed = 0;
    while (passed < milestones.length && milestones[passed]! <= step) passed++;
    return gamma ** passed;
  };
}

export interface ExponentialLROptions {
  /** Multiplier per step. */
  gamma: number;
}

/** gamma ^ step. */
export function exponentialLR(options: ExponentialLROptions): Schedule {
  const gamma = numberOption('gamma', options.gamma, { min: 0 });
  return (step) => gamma ** step;
}

const gammaSpec = { type: 'number', description: 'multiplier per decay (default 0.1)' } as const;

export const stepLREntry: StepScheduleEntry = {
  kind: 'step',
  name: 'StepLR',
  description: 'PyTorch StepLR: multiply by gamma every stepSize steps',
  options: { stepSize: { type: 'integer', description: 'steps between decays' }, gamma: gammaSpec },
  build: (o) => stepLR(o as unknown as StepLROptions),
};

export const multiStepLREntry: StepScheduleEntry = {
  kind: 'step',
  name: 'MultiStepLR',
  description: 'PyTorch MultiStepLR: multiply by gamma at each milestone',
  options: { milestones: { type: 'number[]', description: 'steps at which to decay (comma-separated on the command line)' }, gamma: gammaSpec },
  build: (o) => multiStepLR(o as unknown as MultiStepLROptions),
};

export const exponentialLREntry: StepScheduleEntry = {
  kind: 'step',
  name: 'ExponentialLR',
  description: 'PyTorch ExponentialLR: multiply by gamma every step',
  options: { gamma: { type: 'number', description: 'multiplier per step' } },
  build: (o) => exponentialLR(o as unknown as ExponentialLROptions),
};
