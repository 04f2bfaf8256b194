/**
 * What every family shares: a schedule is a pure function of `step`, the number of optimizer steps
 * already taken (0 for the first update), returning the factor that multiplies each parameter group's
 * base LR, exactly as PyTorch's LambdaLR and Hugging Face's schedule lambdas do.
 */
import { ConfigError } from '../errors.js';

/** `(step) => factor`: the (t+1)-th update runs at `baseLr * schedule(t)`. */
export interface Schedule {
  (step: number): number;
  /**
   * The momentum (or Adam's beta1) for the step, for schedules that cycle it as PyTorch's OneCycleLR
   * does; undefined where the schedule leaves momentum alone.
   */
  readonly momentum?: (step: number) => number | undefined;
}

/** Options shared by every family whose options include an absolute LR (minLr, lrEnd, etaMin, maxLr). */
export interface BaseLrOption {
  /**
   * The parameter group's base LR, which turns absolute LRs into factors. LRScheduler and
   * buildSchedule fill it in per group; give it when calling a family directly.
   */
  baseLr?: number;
}

/** Linear warmup from 0, as every Hugging Face schedule starts: step / max(1, W) for step < W. */
export function linearWarmup(step: number, warmupSteps: number): number {
  return step / Math.max(1, warmupSteps);
}

/** Attaches a momentum function to a schedule (used by OneCycleLR and compositions). */
export function withMomentum(schedule: (step: number) => number, momentum: (step: number) => number | undefined): Schedule {
  return Object.assign(schedule, { momentum });
}

// ---- option checks: every family validates its own options so direct calls get the same errors ----

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** A finite number within the given bounds, or the default when undefined. */
export function numberOption(
  field: string,
  value: number | undefined,
  bounds: { min?: number; max?: number; minExclusive?: boolean; default?: number } = {},
): number {
  if (value === undefined) {
    if (bounds.default === undefined) throw new ConfigError(field, 'is required');
    return bounds.default;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConfigError(field, `must be a finite number, got ${describe(value)}`);
  const { min, max, minExclusive } = bounds;
  if (min !== undefined && (minExclusive ? !(value > min) : !(value >= min))) {
    throw new ConfigError(field, `must be ${minExclusive ? '>' : '>='} ${min}, got ${value}`);
  }
  if (max !== undefined && !(value <= max)) throw new ConfigError(field, `must be <= ${max}, got ${value}`);
  return value;
}

/** An integer >= min (default 0), or the default when undefined. */
export function integerOption(field: string, value: number | undefined, bounds: { min?: number; default?: number } = {}): number {
  const v = numberOption(field, value, { min: bounds.min ?? 0, ...(bounds.default !== undefined ? { default: bounds.default } : {}) });
  if (!Number.isInteger(v)) throw new ConfigError(field, `must be an integer, got ${v}`);
  return v;
}

/** One of a fixed set of strings. */
export function choiceOption<T extends string>(field: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) throw new ConfigError(field, `unknown value ${describe(value)}`, choices);
  return value as T;
}

/** The base LR an absolute option needs; `what` names the option for the error. */
export function requireBaseLr(baseLr: number | undefined, what: string): number {
  if (baseLr === undefined) {
    throw new ConfigError('baseLr', `${what} is an absolute learning rate, so the schedule needs the group's base LR (LRScheduler and buildSchedule supply it)`);
  }
  return numberOption('baseLr', baseLr, { min: 0 });
}

/**
 * A floor given either absolutely (minLr) or as a ratio of the base LR (minLrRatio), as Hugging Face's
 * cosine_with_min_lr takes min_lr or min_lr_rate; returns the ratio.
 */
export function minLrRatioOf(options: { minLr?: number; minLrRatio?: number; baseLr?: number }, required = false): number {
  const { minLr, minLrRatio } = options;
  if (minLr !== undefined && minLrRatio !== undefined) throw new ConfigError('minLr', 'give either minLr or minLrRatio, not both');
  if (minLr !== undefined) {
    numberOption('minLr', minLr, { min: 0 });
    const base = requireBaseLr(options.baseLr, 'minLr');
    if (minLr > base) throw new ConfigError('minLr', `must not exceed the base LR (${base}), got ${minLr}`);
    return base === 0 ? 0 : minLr / base;
  }
  if (required && minLrRatio === undefined) throw new ConfigError('minLr', 'one of minLr or minLrRatio is required');
  return numberOption('minLrRatio', minLrRatio, { min: 0, max: 1, default: 0 });
}

/** A parameter group as the schedulers see it: anneal's Optimizer groups fit, and so does any `{ lr }`. */
export interface SchedulableParamGroup {
  lr: number;
  /** The base LR, recorded by the first scheduler attached (PyTorch's initial_lr). */
  initialLr?: number;
  /** Adam's betas; OneCycleLR cycles betas[0]. */
  betas?: readonly [number, number];
  /** SGD's momentum; OneCycleLR cycles it. */
  momentum?: number;
}

/** What a scheduler needs of an optimizer: its parameter groups (and optionally a step() to watch). */
export interface SchedulableOptimizer {
  readonly paramGroups: SchedulableParamGroup[];
}
