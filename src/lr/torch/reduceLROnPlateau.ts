/**
 * PyTorch's ReduceLROnPlateau (torch.optim.lr_scheduler, 1.13): multiply each group's LR by `factor`
 * once the metric has not improved for more than `patience` evaluations. It is driven by the metric,
 * not the step, so it is a class with step(metric) rather than a (step) => factor schedule.
 */
import { ConfigError } from '../../errors.js';
import type { MetricScheduleEntry } from '../entry.js';
import { choiceOption, integerOption, numberOption, type SchedulableOptimizer } from '../schedule.js';

export interface ReduceLROnPlateauOptions {
  /** 'min' (default): the metric should fall (a loss); 'max': it should rise (an accuracy). */
  mode?: 'min' | 'max';
  /** new LR = LR * factor (default 0.1; must be < 1). */
  factor?: number;
  /** Evaluations without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Improvement needed to count as better (default 1e-4). */
  threshold?: number;
  /** 'rel' (default): best * (1 -/+ threshold); 'abs': best -/+ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Evaluations to wait after a reduction before counting bad ones again (default 0). */
  cooldown?: number;
  /** Lower bound on the LR: one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than eps are skipped (default 1e-8). */
  eps?: number;
}

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

  constructor(
    readonly optimizer: SchedulableOptimizer,
    options: ReduceLROnPlateauOptions = {},
  ) {
    this.factor = numberOption('factor', options.factor, { min: 0, default: 0.1 });
    if (this.factor >= 1) throw new ConfigError('factor', `must be < 1, got ${this.factor}`);
    this.mode = choiceOption('mode', options.mode, ['min', 'max'] as const, 'min');
    this.thresholdMode = choiceOption('thresholdMode', options.thresholdMode, ['rel', 'abs'] as const, 'rel');
    this.patience = integerOption('patience', options.patience, { default: 10 });
    this.threshold = numberOption('threshold', options.threshold, { default: 1e-4 });
    this.cooldown = integerOption('cooldown', options.cooldown, { default: 0 });
    this.eps = numberOption('eps', options.eps, { min: 0, default: 1e-8 });
    const groups = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr)) {
      if (minLr.length !== groups) throw new ConfigError('minLr', `expected ${groups} values (one per parameter group), got ${minLr.length}`);
      this.minLrs = minLr.map((v, i) => numberOption(`minLr[${i}]`, v, { min: 0 }));
    } else {
      this.minLrs = new Array<number>(groups).fill(numberOption('minLr', minLr as number, { min: 0 }));
    }
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

const plateauOptions: MetricScheduleEntry['options'] = {
  mode: { type: 'string', description: 'min: the metric should fall; max: rise (default min)', choices: ['min', 'max'] },
  factor: { type: 'number', description: 'LR multiplier on a plateau (default 0.1)' },
  patience: { type: 'integer', description: 'evaluations without improvement before reducing (default 10)' },
  threshold: { type: 'number', description: 'improvement that counts (default 1e-4)' },
  thresholdMode: { type: 'string', description: 'rel or abs threshold (default rel)', choices: ['rel', 'abs'] },
  cooldown: { type: 'integer', description: 'evaluations to wait after a reduction (default 0)' },
  minLr: { type: 'number|number[]', description: 'lower bound on the LR, one or one per group (default 0)' },
  eps: { type: 'number', description: 'smallest reduction applied (default 1e-8)' },
};

export const reduceLROnPlateauEntry: MetricScheduleEntry = {
  kind: 'metric',
  name: 'ReduceLROnPlateau',
  description: 'PyTorch ReduceLROnPlateau: multiply the LR by factor when a metric plateaus (driven by step(metric))',
  options: plateauOptions,
};

/** Hugging Face's name for the same scheduler. */
export const reduceLrOnPlateauEntry: MetricScheduleEntry = { ...reduceLROnPlateauEntry, name: 'reduce_lr_on_plateau' };
