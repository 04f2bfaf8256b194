/**
 * Warmup-stable-decay (Hugging Face's `warmup_stable_decay`, get_wsd_schedule; Hu et al. 2024 "MiniCPM"
 * and Hägele et al. 2024): warm up, hold the base LR, then decay over a short final phase.
 */
import { ConfigError } from '../errors.js';
import { minLrSpecs, warmupOptionSpecs, type StepScheduleEntry } from './entry.js';
import { choiceOption, integerOption, minLrRatioOf, numberOption, type BaseLrOption, type Schedule } from './schedule.js';
import { resolveWarmupSteps, type WarmupOptions } from './steps.js';

export const wsdShapes = ['linear', 'cosine', '1-sqrt'] as const;
export type WsdShape = (typeof wsdShapes)[number];

export interface WarmupStableDecayOptions extends WarmupOptions, BaseLrOption {
  /** D: steps of the decay phase. */
  decaySteps: number;
  /** S: steps at the base LR; derived as T - W - D when only totalSteps is given. */
  stableSteps?: number;
  totalSteps?: number;
  /** linear (q), cosine (0.5 (1 - cos(pi q))) or 1-sqrt (1 - sqrt(1 - q)); default linear. */
  warmupType?: WsdShape;
  /** linear (1 - q), cosine (0.5 (1 + cos(pi numCycles 2 q))) or 1-sqrt (1 - sqrt(q)); default cosine. */
  decayType?: WsdShape;
  minLr?: number;
  minLrRatio?: number;
  /** Waves of a cosine decay (default 0.5). */
  numCycles?: number;
}

/**
 * Warmup, stable phase at 1, decay; warmup and decay values f map to f (1 - minLrRatio) + minLrRatio,
 * and minLrRatio follows the decay, exactly as Hugging Face's _get_wsd_scheduler_lambda.
 */
export function warmupStableDecay(options: WarmupStableDecayOptions): Schedule {
  const W = resolveWarmupSteps(options);
  const D = integerOption('decaySteps', options.decaySteps);
  let S: number;
  if (options.stableSteps !== undefined) {
    S = integerOption('stableSteps', options.stableSteps);
  } else if (options.totalSteps !== undefined) {
    const T = integerOption('totalSteps', options.totalSteps);
    S = T - W - D;
    if (S < 0) throw new ConfigError('decaySteps', `warmup (${W}) plus decay (${D}) is longer than totalSteps (${T})`);
  } else {
    throw new ConfigError('stableSteps', 'give stableSteps, or totalSteps to derive it from (T - W - D)');
  }
  const warmupType = choiceOption('warmupType', options.warmupType, wsdShapes, 'linear');
  const decayType = choiceOption('decayType', options.decayType, wsdShapes, 'cosine');
  const numCycles = numberOption('numCycles', options.numCycles, { min: 0, default: 0.5 });
  const r = minLrRatioOf(options);
  const floor = (f: number) => Math.max(0, f * (1 - r) + r);
  return (step) => {
    if (step < W) {
      const q = step / Math.max(1, W);
      if (warmupType === 'linear') return floor(q);
      if (warmupType === 'cosine') return floor(0.5 * (1 - Math.cos(Math.PI * q)));
      return floor(1 - Math.sqrt(1 - q));
    }
    if (step < W + S) return 1;
    if (step < W + S + D) {
      const q = (step - W - S) / Math.max(1, D);
      if (decayType === 'linear') return floor(1 - q);
      if (decayType === 'cosine') return floor(0.5 * (1 + Math.cos(Math.PI * numCycles * 2 * q)));
      return floor(1 - Math.sqrt(q));
    }
    return r;
  };
}

export const warmupStableDecayEntry: StepScheduleEntry = {
  kind: 'step',
  name: 'warmup_stable_decay',
  description: 'warmup, a stable phase at the base LR, then a decay of decaySteps to minLrRatio',
  options: {
    ...warmupOptionSpecs,
    decaySteps: { type: 'integer', description: 'D: steps of the decay phase' },
    stableSteps: { type: 'integer', description: 'S: steps at the base LR (default totalSteps - W - D)' },
    totalSteps: { type: 'integer', description: 'T, to derive stableSteps (and for warmupRatio)' },
    warmupType: { type: 'string', description: 'warmup shape (default linear)', choices: wsdShapes },
    decayType: { type: 'string', description: 'decay shape (default cosine)', choices: wsdShapes },
    ...minLrSpecs,
    numCycles: { type: 'number', description: 'cosine waves over the decay (default 0.5)' },
  },
  build: (o, baseLr) => warmupStableDecay({ ...(o as unknown as WarmupStableDecayOptions), baseLr }),
};
