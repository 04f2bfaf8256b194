/**
 * Hugging Face's cosine family: `cosine` (get_cosine_schedule_with_warmup, SGDR's half cosine without
 * restarts), its floor variant `cosine_with_min_lr`, and `cosine_with_restarts` (hard restarts).
 */
import { z } from 'zod';
import { buildWithBaseLr, minLrFields, minLrRatioOf, stepSchedule, totalStepsField, warmupFields, type FamilyContext, type FamilyOptions } from './entry.js';
import { linearWarmup, type BaseLrOption, type Schedule } from './schedule.js';
import { warmupAndTotal } from './steps.js';

export const cosineOptions = z.strictObject({
  ...warmupFields,
  totalSteps: totalStepsField,
  numCycles: z.number().min(0).default(0.5).describe('cosine waves over the decay; 0.5 is a half cosine from 1 to 0'),
  ...minLrFields,
});

export type CosineOptions = z.input<typeof cosineOptions> & BaseLrOption;

/** cosine and cosine_with_min_lr, which only differ in whether the floor must be given. */
function cosineFrom(o: FamilyOptions<typeof cosineOptions>, context: FamilyContext, floorRequired: boolean): Schedule {
  const { warmupSteps: W, totalSteps: T } = warmupAndTotal(o, context);
  const r = minLrRatioOf(o, context, floorRequired);
  return (step) => {
    if (step < W) return linearWarmup(step, W);
    const p = (step - W) / Math.max(1, T - W);
    const f = Math.max(0, 0.5 * (1 + Math.cos(Math.PI * o.numCycles * 2 * p)));
    return r === 0 ? f : f * (1 - r) + r;
  };
}

export const cosineEntry = stepSchedule({
  name: 'cosine',
  description: 'linear warmup, then cosine decay to 0 (or to minLr / minLrRatio) at totalSteps',
  options: cosineOptions,
  create: (o, context) => cosineFrom(o, context, false),
});

export const cosineWithMinLrEntry = stepSchedule({
  name: 'cosine_with_min_lr',
  description: 'cosine that requires its floor (minLr or minLrRatio), as Hugging Face names it',
  options: cosineOptions,
  create: (o, context) => cosineFrom(o, context, true),
});

/**
 * Warmup, then max(0, 0.5 (1 + cos(pi numCycles 2 p))) with p = (step - W) / max(1, T - W); with a floor
 * r the factor is f (1 - r) + r. Past T the cosine carries on (it rises again), as Hugging Face's does.
 */
export function cosine(options: CosineOptions): Schedule {
  return buildWithBaseLr(cosineEntry, options);
}

export const cosineWithRestartsOptions = z.strictObject({
  ...warmupFields,
  totalSteps: totalStepsField,
  numCycles: z.number().positive().default(1).describe('hard restarts: cosine cycles over the decay'),
});

export type CosineWithRestartsOptions = z.input<typeof cosineWithRestartsOptions>;

export const cosineWithRestartsEntry = stepSchedule({
  name: 'cosine_with_restarts',
  description: 'linear warmup, then numCycles cosine decays with hard restarts, 0 from totalSteps',
  options: cosineWithRestartsOptions,
  create: (o, context) => {
    const { warmupSteps: W, totalSteps: T } = warmupAndTotal(o, context);
    return (step) => {
      if (step < W) return linearWarmup(step, W);
      const p = (step - W) / Math.max(1, T - W);
      if (p >= 1) return 0;
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * ((o.numCycles * p) % 1))));
    };
  },
});

/** Warmup, then 0 once p >= 1, else max(0, 0.5 (1 + cos(pi ((numCycles p) mod 1)))). */
export function cosineWithRestarts(options: CosineWithRestartsOptions): Schedule {
  return cosineWithRestartsEntry.build(options);
}
