/** PyTorch's PolynomialLR (torch.optim.lr_scheduler, new in 1.13), as its closed form. */
import type { StepScheduleEntry } from '../entry.js';
import { integerOption, numberOption, type Schedule } from '../schedule.js';

export interface PolynomialLROptions {
  /** Steps of the decay to 0 (default 5). */
  totalIters?: number;
  /** Power of the decay (default 1). */
  power?: number;
}

/** (1 - min(totalIters, step) / totalIters) ^ power: 0 from totalIters on. */
export function polynomialLR(options: PolynomialLROptions = {}): Schedule {
  const totalIters = integerOption('totalIters', options.totalIters, { min: 1, default: 5 });
  const power = numberOption('power', options.power, { min: 0, default: 1 });
  return (step) => (1 - Math.min(totalIters, step) / totalIters) ** power;
}

export const polynomialLREntry: StepScheduleEntry = {
  kind: 'step',
  name: 'PolynomialLR',
  description: 'PyTorch PolynomialLR: polynomial decay to 0 over totalIters steps',
  options: {
    totalIters: { type: 'integer', description: 'steps of the decay (default 5)' },
    power: { type: 'number', description: 'power of the decay (default 1)' },
  },
  build: (o) => polynomialLR(o as PolynomialLROptions),
};
