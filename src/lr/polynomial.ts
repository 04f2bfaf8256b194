/** Hugging Face's `polynomial` (get_polynomial_decay_schedule_with_warmup), fairseq's and BERT's polynomial decay. */
import { ConfigError } from '../errors.js';
import { totalStepsSpec, warmupOptionSpecs, type StepScheduleEntry } from './entry.js';
import { linearWarmup, numberOption, requireBaseLr, type BaseLrOption, type Schedule } from './schedule.js';
import { warmupAndTotal, type WarmupOptions } from './steps.js';

export interface PolynomialOptions extends WarmupOptions, BaseLrOption {
  totalSteps: number;
  /** Absolute LR reached at T and kept after (default 1e-7). */
  lrEnd?: number;
  /** Power of the decay (default 1, linear). */
  power?: number;
}

/**
 * Warmup, then ((baseLr - lrEnd) (1 - (step - W) / (T - W))^power + lrEnd) / baseLr, and lrEnd / baseLr
 * after T. With W = T the decay window is empty, so step T already gives lrEnd / baseLr (Hugging Face
 * divides 0 by 0 there).
 */
export function polynomial(options: PolynomialOptions): Schedule {
  const { warmupSteps: W, totalSteps: T } = warmupAndTotal(options);
  const lrEnd = numberOption('lrEnd', options.lrEnd, { min: 0, default: 1e-7 });
  const power = numberOption('power', options.power, { min: 0, default: 1 });
  const baseLr = requireBaseLr(options.baseLr, 'lrEnd');
  if (!(baseLr > lrEnd)) throw new ConfigError('lrEnd', `lrEnd (${lrEnd}) must be smaller than the base LR (${baseLr})`);
  const end = lrEnd / baseLr;
  return (step) => {
    if (step < W) return linearWarmup(step, W);
    if (step > T || T === W) return end;
    return ((baseLr - lrEnd) * (1 - (step - W) / (T - W)) ** power + lrEnd) / baseLr;
  };
}

export const polynomialEntry: StepScheduleEntry = {
  kind: 'step',
  name: 'polynomial',
  description: 'linear warmup, then polynomial decay to lrEnd at totalSteps',
  options: {
    ...warmupOptionSpecs,
    totalSteps: totalStepsSpec,
    lrEnd: { type: 'number', description: 'absolute LR at totalSteps and after (default 1e-7); the base LR must exceed it' },
    power: { type: 'number', description: 'power of the decay (default 1)' },
  },
  build: (o, baseLr) => polynomial({ ...(o as unknown as PolynomialOptions), baseLr }),
};
