/** PyTorch's LinearLR and ConstantLR (torch.optim.lr_scheduler), as their closed forms. */
import type { StepScheduleEntry } from '../entry.js';
import { integerOption, numberOption, type Schedule } from '../schedule.js';

export interface LinearLROptions {
  /** Factor of the first step (default 1/3). */
  startFactor?: number;
  /** Factor from totalIters on (default 1). */
  endFactor?: number;
  /** Steps of the linear change (default 5). */
  totalIters?: number;
}

/**
 * startFactor + (endFactor - startFactor) * min(totalIters, step) / totalIters. PyTorch 1.13 computes
 * this recursively from the previous LR, which divides by zero for startFactor = 0; the closed form
 * gives the values the recursion means.
 */
export function linearLR(options: LinearLROptions = {}): Schedule {
  const start = numberOption('startFactor', options.startFactor, { min: 0, max: 1, default: 1 / 3 });
  const end = numberOption('endFactor', options.endFactor, { min: 0, max: 1, default: 1 });
  const totalIters = integerOption('totalIters', options.totalIters, { min: 1, default: 5 });
  return (step) => start + ((end - start) * Math.min(totalIters, step)) / totalIters;
}

export interface ConstantLROptions {
  /** Factor before totalIters (default 1/3). */
  factor?: number;
  /** Steps at the reduced LR (default 5). */
  totalIters?: number;
}

/** factor for step < totalIters, then 1. */
export function constantLR(options: ConstantLROptions = {}): Schedule {
  const factor = numberOption('factor', options.factor, { min: 0, max: 1, default: 1 / 3 });
  // PyTorch 1.13 with total_iters = 0 never leaves `factor` (its recursion skips the restore); require >= 1.
  const totalIters = integerOption('totalIters', options.totalIters, { min: 1, default: 5 });
  return (step) => (step < totalIters ? factor : 1);
}

export const linearLREntry: StepScheduleEntry = {
  kind: 'step',
  name: 'LinearLR',
  description: 'PyTorch LinearLR: factor moves linearly from startFactor to endFactor over totalIters steps',
  options: {
    startFactor: { type: 'number', description: 'factor at step 0 (default 1/3)' },
    endFactor: { type: 'number', description: 'factor from totalIters on (default 1)' },
    totalIters: { type: 'integer', description: 'steps of the change (default 5)' },
  },
  build: (o) => linearLR(o as LinearLROptions),
};

export const constantLREntry: StepScheduleEntry = {
  kind: 'step',
  name: 'ConstantLR',
  description: 'PyTorch ConstantLR: factor for totalIters steps, then 1',
  options: {
    factor: { type: 'number', description: 'factor before totalIters (default 1/3)' },
    totalIters: { type: 'integer', description: 'steps at the reduced LR (default 5)' },
  },
  build: (o) => constantLR(o as ConstantLROptions),
};
