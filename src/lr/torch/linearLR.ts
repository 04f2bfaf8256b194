/** PyTorch's LinearLR and ConstantLR (torch.optim.lr_scheduler), as their closed forms. */
import { z } from 'zod';
import { stepSchedule } from '../entry.js';
import type { Schedule } from '../schedule.js';

export const linearLROptions = z.strictObject({
  startFactor: z.number().min(0).max(1).default(1 / 3).describe('factor at step 0'),
  endFactor: z.number().min(0).max(1).default(1).describe('factor from totalIters on'),
  totalIters: z.int().min(1).default(5).describe('steps of the linear change'),
});

export type LinearLROptions = z.input<typeof linearLROptions>;

export const linearLREntry = stepSchedule({
  name: 'LinearLR',
  description: 'PyTorch LinearLR: factor moves linearly from startFactor to endFactor over totalIters steps',
  options: linearLROptions,
  create: ({ startFactor: start, endFactor: end, totalIters }) => (step) => start + ((end - start) * Math.min(totalIters, step)) / totalIters,
});

/**
 * startFactor + (endFactor - startFactor) * min(totalIters, step) / totalIters. PyTorch 1.13 computes
 * this recursively from the previous LR, which divides by zero for startFactor = 0; the closed form
 * gives the values the recursion means.
 */
export function linearLR(options: LinearLROptions = {}): Schedule {
  return linearLREntry.build(options);
}

export const constantLROptions = z.strictObject({
  factor: z.number().min(0).max(1).default(1 / 3).describe('factor before totalIters'),
  // PyTorch 1.13 with total_iters = 0 never leaves `factor` (its recursion skips the restore); require >= 1.
  totalIters: z.int().min(1).default(5).describe('steps at the reduced LR'),
});

export type ConstantLROptions = z.input<typeof constantLROptions>;

export const constantLREntry = stepSchedule({
  name: 'ConstantLR',
  description: 'PyTorch ConstantLR: factor for totalIters steps, then 1',
  options: constantLROptions,
  create: ({ factor, totalIters }) => (step) => (step < totalIters ? factor : 1),
});

/** factor for step < totalIters, then 1. */
export function constantLR(options: ConstantLROptions = {}): Schedule {
  return constantLREntry.build(options);
}
