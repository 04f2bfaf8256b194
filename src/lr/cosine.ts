/**
 * Hugging Face's cosine family: `cosine` (get_cosine_schedule_with_warmup, SGDR's half cosine without
 * restarts), its floor variant `cosine_with_min_lr`, and `cosine_with_restarts` (hard restarts).
 */
import { minLrSpecs, totalStepsSpec, warmupOptionSpecs, type OptionSpec, type StepScheduleEntry } from './entry.js';
import { linearWarmup, minLrRatioOf, numberOption, type BaseLrOption, type Schedule } from './schedule.js';
import { warmupAndTotal, type WarmupOptions } from './steps.js';

export interface CosineOptions extends WarmupOptions, BaseLrOption {
  totalSteps: number;
  /** Waves over the decay; 0.5 (default) is a half cosine from 1 to 0. */
  numCycles?: number;
  /** Absolute LR floor (Hugging Face's cosine_with_min_lr min_lr). */
  minLr?: number;
  /** LR floor as a fraction of the base LR (min_lr_rate). */
  minLrRatio?: number;
}

/**
 * Warmup, then max(0, 0.5 (1 + cos(pi numCycles 2 p))) with p = (step - W) / max(1, T - W); with a floor
 * r the factor is f (1 - r) + r. Past T the cosine carries on (it rises again), as Hugging Face's does.
 */
export function cosine(options: CosineOptions): Schedule {
  const { warmupSteps: W, totalSteps: T } = warmupAndTotal(options);
  const numCycles = numberOption('numCycles', options.numCycles, { min: 0, default: 0.5 });
  const r = minLrRatioOf(options);
  return (step) => {
    if (step < W) return linearWarmup(step, W);
    const p = (step - W) / Math.max(1, T - W);
    const f = Math.max(0, 0.5 * (1 + Math.cos(Math.PI * numCycles * 2 * p)));
    return r === 0 ? f : f * (1 - r) + r;
  };
}

export interface CosineWithRestartsOptions extends WarmupOptions {
  totalSteps: number;
  /** Hard restarts: the number of cosine cycles over the decay (default 1). */
  numCycles?: number;
}

/** Warmup, then 0 once p >= 1, else max(0, 0.5 (1 + cos(pi ((numCycles p) mod 1)))). */
export function cosineWithRestarts(options: CosineWithRestartsOptions): Schedule {
  const { warmupSteps: W, totalSteps: T } = warmupAndTotal(options);
  const numCycles = numberOption('numCycles', options.numCycles, { min: 0, minExclusive: true, default: 1 });
  return (step) => {
    if (step < W) return linearWarmup(step, W);
    const p = (step - W) / Math.max(1, T - W);
    if (p >= 1) return 0;
    return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * ((numCycles * p) % 1))));
  };
}

const numCyclesSpec = (fallback: number): OptionSpec => ({ type: 'number', description: `cosine waves over the decay (default ${fallback})` });

export const cosineEntry: StepScheduleEntry = {
  kind: 'step',
  name: 'cosine',
  description: 'linear warmup, then cosine decay to 0 (or to minLr / minLrRatio) at totalSteps',
  options: { ...warmupOptionSpecs, totalSteps: totalStepsSpec, numCycles: numCyclesSpec(0.5), ...minLrSpecs },
  build: (o, baseLr) => cosine({ ...(o as unknown as CosineOptions), baseLr }),
};

export const cosineWithMinLrEntry: StepScheduleEntry = {
  kind: 'step',
  name: 'cosine_with_min_lr',
  description: 'cosine that requires its floor (minLr or minLrRatio), as Hugging Face names it',
  options: cosineEntry.options,
  build: (o, baseLr) => {
    minLrRatioOf({ ...o, baseLr }, true);
    return cosine({ ...(o as unknown as CosineOptions), baseLr });
  },
};

export const cosineWithRestartsEntry: StepScheduleEntry = {
  kind: 'step',
  name: 'cosine_with_restarts',
  description: 'linear warmup, then numCycles cosine decays with hard restarts, 0 from totalSteps',
  options: { ...warmupOptionSpecs, totalSteps: totalStepsSpec, numCycles: numCyclesSpec(1) },
  build: (o) => cosineWithRestarts(o as unknown as CosineWithRestartsOptions),
};
