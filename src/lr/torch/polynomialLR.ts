/** PyTorch's PolynomialLR (torch.optim.lr_scheduler, new in 1.13), as its closed form. */
import { z } from 'zod';
import { stepSchedule } from '../entry.js';
import type { Schedule } from '../schedule.js';

export const polynomialLROptions = z.strictObject({
  totalIters: z.int().min(1).default(5).describe('steps of the decay to 0'),
  power: z.number().min(0).default(1).describe('power of the decay'),
});

export type PolynomialLROptions = z.input<typeof polynomialLROptions>;

export const polynomialLREntry = stepSchedule({
  name: 'PolynomialLR',
  description: 'PyTorch PolynomialLR: polynomial decay to 0 over totalIters steps',
  options: polynomialLROptions,
  create: ({ totalIters, power }) => (step) => (1 - Math.min(totalIters, step) / totalIters) ** power,
});

/** (1 - min(totalIters, step) / totalIters) ^ power: 0 from totalIters on. */
export function polynomialLR(options: PolynomialLROptions = {}): Schedule {
  return polynomialLREntry.build(options);
}
