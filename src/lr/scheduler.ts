/**
 * The stateful side, kept thin as in PyTorch's LambdaLR: LRScheduler writes baseLr * schedule(step)
 * into each parameter group, once when created (so the first update never runs at an unscheduled LR)
 * and once per step() after each optimizer step; its state is three arrays and a counter, so resuming
 * is exact.
 */
import { ConfigError } from '../errors.js';
import { buildMetricScheduler, buildSchedule, isMetricDriven, validateScheduleSpec, type ScheduleContext, type ScheduleSpec } from './registry.js';
import type { Schedule, SchedulableOptimizer, SchedulableParamGroup } from './schedule.js';
import type { ReduceLROnPlateau } from './torch/reduceLROnPlateau.js';

export interface LRSchedulerOptions {
  /** Receives the warning about stepping before the optimizer (default: process.emitWarning). */
  warn?: (message: string) => void;
  /** totalSteps and tokensPerStep for a spec that leaves them out (the base LR comes from each group). */
  context?: Omit<ScheduleContext, 'baseLr'>;
}

export interface LRSchedulerState {
  /** The step whose LR is set: 0 after construction, k after k calls of step(). */
  lastEpoch: number;
  baseLrs: number[];
  lastLr: number[];
}

/** Optimizer steps counted per optimizer, as PyTorch's with_counter wrapper counts them (issue #20124). */
const optimizerSteps = new WeakMap<object, number>();
const counted = Symbol('anneal.lr.countedStep');

function countOptimizerSteps(optimizer: object): boolean {
  const o = optimizer as { step?: unknown };
  if (typeof o.step !== 'function') return false;
  if (!(o.step as { [counted]?: boolean })[counted]) {
    const original = o.step as (...args: unknown[]) => unknown;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      optimizerSteps.set(optimizer, (optimizerSteps.get(optimizer) ?? 0) + 1);
      return original.apply(this, args);
    };
    Object.defineProperty(wrapper, counted, { value: true });
    o.step = wrapper;
  }
  return true;
}

function emitWarning(message: string): void {
  process.emitWarning(message, { code: 'ANNEAL_LR_SCHEDULER_ORDER' });
}

/** Sets each parameter group's LR to baseLr * schedule(step); call step() once after each optimizer step. */
export class LRScheduler {
  /** Each group's base LR (its initialLr, recorded on first attach as PyTorch does). */
  baseLrs: number[];
  lastEpoch = 0;
  private schedules: Schedule[];
  private lastLr: number[] = [];
  private readonly build: (baseLr: number, group: number) => Schedule;
  private readonly warn: (message: string) => void;
  private readonly watchesOptimizer: boolean;
  private optimizerStepsAtStart = 0;
  private orderChecked = false;

  /**
   * `schedule`: one schedule for every group, one per group (as LambdaLR's list of lambdas), or a spec
   * built for each group with that group's base LR (so absolute options such as etaMin apply per group).
   */
  constructor(
    readonly optimizer: SchedulableOptimizer,
    schedule: Schedule | readonly Schedule[] | ScheduleSpec,
    options: LRSchedulerOptions = {},
  ) {
    const groups = optimizer.paramGroups;
    if (!Array.isArray(groups) || groups.length === 0) throw new ConfigError('optimizer', 'has no parameter groups to schedule');
    if (typeof schedule === 'function') {
      this.build = () => schedule;
    } else if (Array.isArray(schedule)) {
      const list = schedule as readonly Schedule[];
      if (list.length !== groups.length) throw new ConfigError('schedule', `expected ${groups.length} schedules (one per parameter group), got ${list.length}`);
      this.build = (_base, i) => list[i]!;
    } else {
      const spec = validateScheduleSpec(schedule);
      if (isMetricDriven(spec)) throw new ConfigError('schedule.name', 'ReduceLROnPlateau is driven by a metric: use createScheduler or new ReduceLROnPlateau');
      const context = options.context ?? {};
      this.build = (baseLr) => buildSchedule(spec, { ...context, baseLr });
    }
    for (const g of groups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = groups.map((g) => g.initialLr!);
    this.schedules = this.baseLrs.map((b, i) => this.build(b, i));
    this.checkMomentum();
    this.warn = options.warn ?? emitWarning;
    this.watchesOptimizer = countOptimizerSteps(optimizer);
    this.optimizerStepsAtStart = optimizerSteps.get(optimizer) ?? 0;
    this.apply();
  }

  private checkMomentum(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      if (this.schedules[i]!.momentum && g.betas === undefined && g.momentum === undefined) {
        throw new ConfigError('cycleMomentum', `parameter group ${i} has neither betas nor momentum to cycle; set cycleMomentum: false`);
      }
    });
  }

  /** Each group's LR at `step`, without changing anything. */
  lrAt(step: number): number[] {
    return this.schedules.map((s, i) => this.baseLrs[i]! * s(step));
  }

  private apply(): void {
    const groups = this.optimizer.paramGroups;
    this.lastLr = this.lrAt(this.lastEpoch);
    groups.forEach((g: SchedulableParamGroup, i) => {
      g.lr = this.lastLr[i]!;
      const m = this.schedules[i]!.momentum?.(this.lastEpoch);
      if (m === undefined) return;
      if (g.betas !== undefined) g.betas = [m, g.betas[1]];
      else g.momentum = m;
    });
  }

  /** Advances one optimizer step and sets the LR of the next update. */
  step(): void {
    if (!this.orderChecked) {
      this.orderChecked = true;
      if (this.watchesOptimizer && (optimizerSteps.get(this.optimizer) ?? 0) <= this.optimizerStepsAtStart) {
        this.warn(
          'LRScheduler.step() was called before optimizer.step(). Call optimizer.step() first, then scheduler.step(), ' +
            'once per optimizer step; otherwise the first value of the schedule is skipped.',
        );
      }
    }
    this.lastEpoch += 1;
    this.apply();
  }

  /** Each group's LR as last set: the LR the next optimizer step will use. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** JSON-safe state; with loadStateDict it resumes exactly. */
  stateDict(): LRSchedulerState {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs], lastLr: [...this.lastLr] };
  }

  /** Restores the step and base LRs and writes the LRs of that step into the optimizer's groups. */
  loadStateDict(state: LRSchedulerState): void {
    if (!state || !Number.isInteger(state.lastEpoch) || state.lastEpoch < 0 || !Array.isArray(state.baseLrs)) {
      throw new ConfigError('stateDict', 'expected an LRScheduler state with lastEpoch, baseLrs and lastLr');
    }
    if (state.baseLrs.length !== this.optimizer.paramGroups.length) {
      throw new ConfigError('stateDict.baseLrs', `has ${state.baseLrs.length} groups, the optimizer has ${this.optimizer.paramGroups.length}`);
    }
    if (state.baseLrs.some((b, i) => b !== this.baseLrs[i])) {
      this.baseLrs = [...state.baseLrs];
      this.schedules = this.baseLrs.map((b, i) => this.build(b, i));
      this.checkMomentum();
    }
    this.lastEpoch = state.lastEpoch;
    this.orderChecked = this.orderChecked || state.lastEpoch > 0;
    this.apply();
  }
}

/**
 * The scheduler a spec describes: an LRScheduler, or a ReduceLROnPlateau for a metric-driven spec
 * (call its step(metric) after each evaluation instead).
 */
export function createScheduler(
  optimizer: SchedulableOptimizer,
  spec: ScheduleSpec,
  options: LRSchedulerOptions = {},
): LRScheduler | ReduceLROnPlateau {
  const checked = validateScheduleSpec(spec);
  if (isMetricDriven(checked)) return buildMetricScheduler(optimizer, checked);
  return new LRScheduler(optimizer, checked, options);
}
