/**
 * PyTorch's CosineAnnealingLR and CosineAnnealingWarmRestarts (SGDR, Loshchilov & Hutter 2017), as
 * closed forms of the values PyTorch's recursive step() produces.
 */
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { buildWithBaseLr, requireBaseLr, stepSchedule, type FamilyContext } from '../entry.js';
import type { BaseLrOption, Schedule } from '../schedule.js';

const etaMin = z.number().default(0).describe('absolute LR at the bottom of the cosine');

/** etaMin is an absolute LR: as a fraction of this group's base LR (PyTorch applies it per group). */
function etaMinRatio(eta: number, context: FamilyContext): number {
  if (eta === 0) return 0;
  const base = requireBaseLr(context, 'etaMin');
  if (base === 0) throw new ConfigError(context.at('etaMin'), 'a nonzero etaMin needs a nonzero base LR to be a factor of it');
  return eta / base;
}

/** eta_min + (base - eta_min)(1 + cos(pi t / T)) / 2, written as a factor of base. */
function annealed(r: number, cosine: number): number {
  return r + ((1 - r) * (1 + cosine)) / 2;
}

export const cosineAnnealingLROptions = z.strictObject({
  tMax: z.number().positive().describe('T_max: steps of the half cosine from the base LR down to etaMin'),
  etaMin,
});

export type CosineAnnealingLROptions = z.input<typeof cosineAnnealingLROptions> & BaseLrOption;

export const cosineAnnealingLREntry = stepSchedule({
  name: 'CosineAnnealingLR',
  description: 'PyTorch CosineAnnealingLR: half cosine from the base LR to etaMin over tMax steps',
  options: cosineAnnealingLROptions,
  create: (o, context) => {
    const r = etaMinRatio(o.etaMin, context);
    return (step) => annealed(r, Math.cos((Math.PI * step) / o.tMax));
  },
});

/**
 * etaMin + (baseLr - etaMin)(1 + cos(pi step / tMax)) / 2. Past tMax it rises again, period 2 tMax, as
 * PyTorch's recursion does (it has no restarts; use CosineAnnealingWarmRestarts for those).
 */
export function cosineAnnealingLR(options: CosineAnnealingLROptions): Schedule {
  return buildWithBaseLr(cosineAnnealingLREntry, options);
}

export const cosineAnnealingWarmRestartsOptions = z.strictObject({
  t0: z.int().min(1).describe('T_0: steps of the first cycle'),
  tMult: z.int().min(1).default(1).describe('T_mult: each cycle is tMult times longer than the one before'),
  etaMin,
});

export type CosineAnnealingWarmRestartsOptions = z.input<typeof cosineAnnealingWarmRestartsOptions> & BaseLrOption;

export const cosineAnnealingWarmRestartsEntry = stepSchedule({
  name: 'CosineAnnealingWarmRestarts',
  description: 'PyTorch CosineAnnealingWarmRestarts (SGDR): cosine cycles of t0, t0*tMult, ... steps',
  options: cosineAnnealingWarmRestartsOptions,
  create: ({ t0, tMult, etaMin: eta }, context) => {
    const r = etaMinRatio(eta, context);
    return (step) => {
      let tCur = step;
      let tI = t0;
      if (tMult === 1) tCur = step % t0;
      else {
        // PyTorch's step(): T_cur += 1, and on reaching T_i it wraps and T_i grows by T_mult.
        while (tCur >= tI) {
          tCur -= tI;
          tI *= tMult;
        }
      }
      return annealed(r, Math.cos((Math.PI * tCur) / tI));
    };
  },
});

/** SGDR: a cosine from the base LR to etaMin over T_i steps, restarting with T_i = T_0 * tMult^i. */
export function cosineAnnealingWarmRestarts(options: CosineAnnealingWarmRestartsOptions): Schedule {
  return buildWithBaseLr(cosineAnnealingWarmRestartsEntry, options);
}
