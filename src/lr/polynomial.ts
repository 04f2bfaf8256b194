/** Hugging Face's `polynomial` (get_polynomial_decay_schedule_with_warmup), fairseq's and BERT's polynomial decay. */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { buildWithBaseLr, requireBaseLr, stepSchedule, totalStepsField, warmupFields } from './entry.js';
import { linearWarmup, type BaseLrOption, type Schedule } from './schedule.js';
import { warmupAndTotal } from './steps.js';

export const polynomialOptions = z.strictObject({
  ...warmupFields,
  totalSteps: totalStepsField,
  lrEnd: z.number().min(0).default(1e-7).describe('absolute LR at totalSteps and after; the base LR must exceed it'),
  power: z.number().min(0).default(1).describe('power of the decay; 1 is linear'),
});

export type PolynomialOptions = z.input<typeof polynomialOptions> & BaseLrOption;

export const polynomialEntry = stepSchedule({
  name: 'polynomial',
  description: 'linear warmup, then polynomial decay to lrEnd at totalSteps',
  options: polynomialOptions,
  create: (o, context) => {
    const { warmupSteps: W, totalSteps: T } = warmupAndTotal(o, context);
    const { lrEnd, power } = o;
    const baseLr = requireBaseLr(context, 'lrEnd');
    if (!(baseLr > lrEnd)) throw new ConfigError(context.at('lrEnd'), `lrEnd (${lrEnd}) must be smaller than the base LR (${baseLr})`);
    const end = lrEnd / baseLr;
    return (step) => {
      if (step < W) return linearWarmup(step, W);
      if (step > T || T === W) return end;
      return ((baseLr - lrEnd) * (1 - (step - W) / (T - W)) ** power + lrEnd) / baseLr;
    };
  },
});

/**
 * Warmup, then ((baseLr - lrEnd) (1 - (step - W) / (T - W))^power + lrEnd) / baseLr, and lrEnd / baseLr
 * after T. With W = T the decay window is empty, so step T already gives lrEnd / baseLr (Hugging Face
 * divides 0 by 0 there).
 */
export function polynomial(options: PolynomialOptions): Schedule {
  return buildWithBaseLr(polynomialEntry, options);
}
