/**
 * PyTorch's ReduceLROnPlateau (torch.optim.lr_scheduler, 1.13): multiply each group's LR by `factor`
 * once the metric has not improved for more than `patience` evaluations. It is driven by the metric,
 * not the step, so it is a class with step(metric) rather than a (step) => factor schedule.
 */
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { fieldPath, strictOptions } from '../../options.js';
import { scheduleAliases, type MetricScheduleEntry } from '../entry.js';
import type { SchedulableOptimizer } from '../schedule.js';

const lrBound = z.number().min(0);

export const reduceLROnPlateauOptions = z.strictObject({
  mode: z.enum(['min', 'max']).default('min').describe('min: the metric should fall (a loss); max: it should rise (an accuracy)'),
  factor: z.number().min(0).lt(1).default(0.1).describe('new LR = LR * factor on a plateau'),
  patience: z.int().min(0).default(10).describe('evaluations without improvement tolerated before reducing'),
  threshold: z.number().default(1e-4).describe('improvement needed to count as better'),
  thresholdMode: z.enum(['rel', 'abs']).default('rel').describe('rel: best * (1 -/+ threshold); abs: best -/+ threshold'),
  cooldown: z.int().min(0).default(0).describe('evaluations to wait after a reduction before counting bad ones again'),
  minLr: z.union([lrBound, z.array(lrBound).readonly()]).default(0).describe('lower bound on the LR: one for all groups or one per group'),
  eps: z.number().min(0).default(1e-8).describe('reductions smaller than eps are skipped'),
});

export type ReduceLROnPlateauOptions = z.input<typeof reduceLROnPlateauOptions>;

/** JSON has no infinities; the best metric starts at +/-Infinity. */
type EncodedNumber = number | 'Infinity' | '-Infinity' | 'NaN';
const encode = (x: number): EncodedNumber => (Number.isFinite(x) ? x : (String(x) as EncodedNumber));
const decode = (x: EncodedNumber): number => (typeof x === 'number' ? x : Number(x));

export interface ReduceLROnPlateauState {
  lastEpoch: number;
  best: EncodedNumber;
  numBadEpochs: number;
  cooldownCounter: number;
  lastLr: number[];
}

/** Reduce the LR when a metric has stopped improving; call step(metric) after each evaluation. */
export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: readonly number[];
  readonly eps: number;
  /** Evaluations seen so far. */
  lastEpoch = 0;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  private lastLr: number[];

  /** `path`: where the options sit in a config (`schedule`), for the field names of errors. */
  constructor(
    readonly optimizer: SchedulableOptimizer,
    options: ReduceLROnPlateauOptions = {},
    path = '',
  ) {
    const o = strictOptions(reduceLROnPlateauOptions, options, 'ReduceLROnPlateau', { path, aliases: scheduleAliases });
    this.factor = o.factor;
    this.mode = o.mode;
    this.thresholdMode = o.thresholdMode;
    this.patience = o.patience;
    this.threshold = o.threshold;
    this.cooldown = o.cooldown;
    this.eps = o.eps;
    const groups = optimizer.paramGroups.length;
    if (typeof o.minLr === 'number') this.minLrs = new Array<number>(groups).fill(o.minLr);
    else if (o.minLr.length !== groups) {
      throw new ConfigError(fieldPath(path, 'minLr'), `expected ${groups} values (one per parameter group), got ${o.minLr.length}`);
    } else this.minLrs = [...o.minLr];
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** True while waiting out the cooldown after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records one evaluation of the metric and reduces the LR if it has plateaued. */
  step(metric: number): void {
    const current = Number(metric);
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad evaluations during the cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
      if (oldLr - newLr > this.eps) group.lr = newLr;
    });
  }

  /** Each group's LR after the last step(metric). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Counters and LRs, JSON-safe. */
  stateDict(): ReduceLROnPlateauState {
    return { lastEpoch: this.lastEpoch, best: encode(this.best), numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastLr: [...this.lastLr] };
  }

  /** Restores the counters and writes the saved LRs back into the optimizer's groups. */
  loadStateDict(state: ReduceLROnPlateauState): void {
    if (!state || !Array.isArray(state.lastLr) || typeof state.lastEpoch !== 'number') {
      throw new ConfigError('stateDict', 'expected a ReduceLROnPlateau state with lastEpoch, best, numBadEpochs, cooldownCounter, lastLr');
    }
    if (state.lastLr.length !== this.optimizer.paramGroups.length) {
      throw new ConfigError('stateDict.lastLr', `has ${state.lastLr.length} groups, the optimizer has ${this.optimizer.paramGroups.length}`);
    }
    this.lastEpoch = state.lastEpoch;
    this.best = decode(state.best);
    this.numBadEpochs = state.numBadEpochs;
    this.cooldownCounter = state.cooldownCounter;
    this.lastLr = [...state.lastLr];
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = this.lastLr[i]!));
  }
}

export const reduceLROnPlateauEntry: MetricScheduleEntry<'ReduceLROnPlateau', typeof reduceLROnPlateauOptions> = {
  kind: 'metric',
  name: 'ReduceLROnPlateau',
  description: 'PyTorch ReduceLROnPlateau: multiply the LR by factor when a metric plateaus (driven by step(metric))',
  options: reduceLROnPlateauOptions,
  create: (optimizer, options, path = '') =>
    new ReduceLROnPlateau(optimizer, strictOptions(reduceLROnPlateauOptions, options, 'ReduceLROnPlateau', { path, aliases: scheduleAliases }), path),
};

/** Hugging Face's name for the same scheduler. */
export const reduceLrOnPlateauEntry: MetricScheduleEntry<'reduce_lr_on_plateau', typeof reduceLROnPlateauOptions> = { ...reduceLROnPlateauEntry, name: 'reduce_lr_on_plateau' };
