/**
 * Warmup-stable-decay (Hugging Face's `warmup_stable_decay`, get_wsd_schedule; Hu et al. 2024 "MiniCPM"
 * and Hägele et al. 2024): warm up, hold the base LR, then decay over a short final phase.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { buildWithBaseLr, minLrFields, minLrRatioOf, stepSchedule, warmupFields } from './entry.js';
import type { BaseLrOption, Schedule } from './schedule.js';
import { warmupStepsOf } from './steps.js';

export const wsdShapes = ['linear', 'cosine', '1-sqrt'] as const;
export type WsdShape = (typeof wsdShapes)[number];

export const warmupStableDecayOptions = z.strictObject({
  ...warmupFields,
  decaySteps: z.int().min(0).describe('D: steps of the decay phase'),
  stableSteps: z.int().min(0).optional().describe('S: steps at the base LR (default totalSteps - W - D)'),
  totalSteps: z.int().min(0).optional().describe('T, to derive stableSteps (and for warmupRatio)'),
  warmupType: z.enum(wsdShapes).default('linear').describe('warmup shape: linear q, cosine 0.5 (1 - cos(pi q)) or 1-sqrt 1 - sqrt(1 - q)'),
  decayType: z.enum(wsdShapes).default('cosine').describe('decay shape: linear 1 - q, cosine 0.5 (1 + cos(pi numCycles 2 q)) or 1-sqrt 1 - sqrt(q)'),
  ...minLrFields,
  numCycles: z.number().min(0).default(0.5).describe('cosine waves over a cosine decay'),
});

export type WarmupStableDecayOptions = z.input<typeof warmupStableDecayOptions> & BaseLrOption;

export const warmupStableDecayEntry = stepSchedule({
  name: 'warmup_stable_decay',
  description: 'warmup, a stable phase at the base LR, then a decay of decaySteps to minLrRatio',
  options: warmupStableDecayOptions,
  create: (o, context) => {
    const W = warmupStepsOf(o, context);
    const D = o.decaySteps;
    let S: number;
    if (o.stableSteps !== undefined) S = o.stableSteps;
    else if (o.totalSteps !== undefined) {
      S = o.totalSteps - W - D;
      if (S < 0) throw new ConfigError(context.at('decaySteps'), `warmup (${W}) plus decay (${D}) is longer than totalSteps (${o.totalSteps})`);
    } else throw new ConfigError(context.at('stableSteps'), 'give stableSteps, or totalSteps to derive it from (T - W - D)');
    const { warmupType, decayType, numCycles } = o;
    const r = minLrRatioOf(o, context);
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
  },
});

/**
 * Warmup, stable phase at 1, decay; warmup and decay values f map to f (1 - minLrRatio) + minLrRatio,
 * and minLrRatio follows the decay, exactly as Hugging Face's _get_wsd_scheduler_lambda.
 */
export function warmupStableDecay(options: WarmupStableDecayOptions): Schedule {
  return buildWithBaseLr(warmupStableDecayEntry, options);
}
