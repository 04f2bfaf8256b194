/**
 * PyTorch's CosineAnnealingLR and CosineAnnealingWarmRestarts (SGDR, Loshchilov & Hutter 2017), as
 * closed forms of the values PyTorch's recursive step() produces.
 */
import { ConfigError } from '../../errors.js';
import type { StepScheduleEntry } from '../entry.js';
import { integerOption, numberOption, requireBaseLr, type BaseLrOption, type Schedule } from '../schedule.js';

/** etaMin is an absolute LR: as a fraction of this group's base LR (PyTorch applies it per group). */
function etaMinRatio(etaMin: number | undefined, baseLr: number | undefined): number {
  const eta = numberOption('etaMin', etaMin, { default: 0 });
  if (eta === 0) return 0;
  const base = requireBaseLr(baseLr, 'etaMin');
  if (base === 0) throw new ConfigError('etaMin', 'a nonzero etaMin needs a nonzero base LR to be a factor of it');
  return eta / base;
}

/** eta_min + (base - eta_min)(1 + cos(pi t / T)) / 2, written as a factor of base. */
function annealed(r: number, cosine: number): number {
  return r + ((1 - r) * (1 + cosine)) / 2;
}

export interface CosineAnnealingLROptions extends BaseLrOption {
  /** Steps of the half cosine from the base LR down to etaMin. */
  tMax: number;
  /** Absolute LR at tMax (default 0). */
  etaMin?: number;
}

/**
 * etaMin + (baseLr - etaMin)(1 + cos(pi step / tMax)) / 2. Past tMax it rises again, period 2 tMax, as
 * PyTorch's recursion does (it has no restarts; use CosineAnnealingWarmRestarts for those).
 */
export function cosineAnnealingLR(options: CosineAnnealingLROptions): Schedule {
  const tMax = numberOption('tMax', options.tMax, { min: 0, minExclusive: true });
  const r = etaMinRatio(options.etaMin, options.baseLr);
  return (step) => annealed(r, Math.cos((Math.PI * step) / tMax));
}

export interface CosineAnnealingWarmRestartsOptions extends BaseLrOption {
  /** T_0: steps of the first cycle. */
  t0: number;
  /** T_mult: each cycle is tMult times longer than the previous (default 1). */
  tMult?: number;
  /** Absolute LR at the end of each cycle (default 0). */
  etaMin?: number;
}

/** SGDR: a cosine from the base LR to etaMin over T_i steps, restarting with T_i = T_0 * tMult^i. */
export function cosineAnnealingWarmRestarts(options: CosineAnnealingWarmRestartsOptions): Schedule {
  const t0 = integerOption('t0', options.t0, { min: 1 });
  const tMult = integerOption('tMult', options.tMult, { min: 1, default: 1 });
  const r = etaMinRatio(options.etaMin, options.baseLr);
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
}

const etaMinSpec = { type: 'number', description: 'absolute LR at the bottom of the cosine (default 0)' } as const;

export const cosineAnnealingLREntry: StepScheduleEntry = {
  kind: 'step',
  name: 'CosineAnnealingLR',
  description: 'PyTorch CosineAnnealingLR: half cosine from the base LR to etaMin over tMax steps',
  options: { tMax: { type: 'number', description: 'T_max: steps from the base LR to etaMin' }, etaMin: etaMinSpec },
  build: (o, baseLr) => cosineAnnealingLR({ ...(o as unknown as CosineAnnealingLROptions), baseLr }),
};

export const cosineAnnealingWarmRestartsEntry: StepScheduleEntry = {
  kind: 'step',
  name: 'CosineAnnealingWarmRestarts',
  description: 'PyTorch CosineAnnealingWarmRestarts (SGDR): cosine cycles of t0, t0*tMult, ... steps',
  options: {
    t0: { type: 'integer', description: 'T_0: steps of the first cycle' },
    tMult: { type: 'integer', description: 'T_mult: growth of each cycle (default 1)' },
    etaMin: etaMinSpec,
  },
  build: (o, baseLr) => cosineAnnealingWarmRestarts({ ...(o as unknown as CosineAnnealingWarmRestartsOptions), baseLr }),
};
