/**
 * What every family shares: a schedule is a pure function of `step`, the number of optimizer steps
 * already taken (0 for the first update), returning the factor that multiplies each parameter group's
 * base LR, exactly as PyTorch's LambdaLR and Hugging Face's schedule lambdas do.
 */

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
