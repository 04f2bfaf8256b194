/** The Transformer's schedule (Vaswani et al. 2017, section 5.3), `rate` in the Annotated Transformer. */
import { integerOption, numberOption, type Schedule } from './schedule.js';
import { warmupOptionSpecs, type StepScheduleEntry } from './entry.js';
import { resolveWarmupSteps, type WarmupOptions } from './steps.js';

export interface NoamOptions extends WarmupOptions {
  /** Model width; the peak LR scales with dModel^-0.5. */
  dModel: number;
  /** Overall scale (default 1). */
  factor?: number;
  totalSteps?: number;
}

/**
 * factor * dModel^-0.5 * min(s^-0.5, s * W^-1.5) with s = max(step, 1): the factor is itself the LR,
 * meant with base LR 1. The paper counts steps from 1; the Annotated Transformer maps step 0 to 1, so
 * the first update runs at the second update's LR.
 */
export function noam(options: NoamOptions): Schedule {
  const dModel = integerOption('dModel', options.dModel, { min: 1 });
  const factor = numberOption('factor', options.factor, { min: 0, minExclusive: true, default: 1 });
  const W = resolveWarmupSteps(options);
  const scale = factor * dModel ** -0.5;
  const warm = W ** -1.5; // Infinity when W = 0: no warmup term
  return (step) => {
    const s = Math.max(step, 1);
    return scale * Math.min(s ** -0.5, s * warm);
  };
}

export const noamEntry: StepScheduleEntry = {
  kind: 'step',
  name: 'noam',
  description: 'the Transformer paper: factor * dModel^-0.5 * min(step^-0.5, step * W^-1.5), with base LR 1',
  options: {
    ...warmupOptionSpecs,
    totalSteps: { type: 'integer', description: 'T, only for warmupRatio' },
    dModel: { type: 'integer', description: 'model width d_model' },
    factor: { type: 'number', description: 'overall scale (default 1)' },
  },
  build: (o) => noam(o as unknown as NoamOptions),
};
