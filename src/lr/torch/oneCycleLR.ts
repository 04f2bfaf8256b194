/**
 * PyTorch's OneCycleLR (Smith & Topin 2019, "Super-Convergence"; fastai's two-phase default), learning
 * rate and momentum, step for step as torch.optim.lr_scheduler.OneCycleLR computes them.
 */
import { ConfigError } from '../../errors.js';
import type { StepScheduleEntry } from '../entry.js';
import { choiceOption, integerOption, numberOption, requireBaseLr, withMomentum, type BaseLrOption, type Schedule } from '../schedule.js';

export interface OneCycleLROptions extends BaseLrOption {
  /** Steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /**
   * Peak LR (absolute). Default: the group's base LR, so the factor peaks at 1. PyTorch requires
   * max_lr and ignores the optimizer's LR.
   */
  maxLr?: number;
  /** Fraction of the cycle spent increasing the LR (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (Adam's beta1) inversely to the LR (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  /** Initial LR = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** Final LR = initial LR / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** The paper's three phases (up, down to the initial LR, annihilate) instead of fastai's two. */
  threePhase?: boolean;
}

type Level = 'initial' | 'max' | 'min';
interface Phase {
  endStep: number;
  startLr: Level;
  endLr: Level;
  startMomentum: 'max' | 'base';
  endMomentum: 'max' | 'base';
}

function cosAnneal(start: number, end: number, pct: number): number {
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

function linearAnneal(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}

/**
 * The 1cycle policy: from maxLr / divFactor up to maxLr over pctStart of the cycle, then down to
 * initial / finalDivFactor; step totalSteps is the last one PyTorch allows, later steps are an error.
 */
export function oneCycleLR(options: OneCycleLROptions): Schedule {
  let total: number;
  if (options.totalSteps !== undefined) total = integerOption('totalSteps', options.totalSteps, { min: 1 });
  else if (options.epochs !== undefined || options.stepsPerEpoch !== undefined) {
    total = integerOption('epochs', options.epochs, { min: 1 }) * integerOption('stepsPerEpoch', options.stepsPerEpoch, { min: 1 });
  } else throw new ConfigError('totalSteps', 'OneCycleLR needs totalSteps, or epochs and stepsPerEpoch');
  const pctStart = numberOption('pctStart', options.pctStart, { min: 0, max: 1, default: 0.3 });
  const anneal = choiceOption('annealStrategy', options.annealStrategy, ['cos', 'linear'] as const, 'cos') === 'cos' ? cosAnneal : linearAnneal;
  const divFactor = numberOption('divFactor', options.divFactor, { min: 0, minExclusive: true, default: 25 });
  const finalDivFactor = numberOption('finalDivFactor', options.finalDivFactor, { min: 0, minExclusive: true, default: 1e4 });
  const cycleMomentum = options.cycleMomentum ?? true;
  const baseMomentum = numberOption('baseMomentum', options.baseMomentum, { default: 0.85 });
  const maxMomentum = numberOption('maxMomentum', options.maxMomentum, { default: 0.95 });

  // Without maxLr the peak is the base LR and the factor is the shape itself; with it, lr / baseLr.
  let peak = 1;
  let scale = 1;
  if (options.maxLr !== undefined) {
    peak = numberOption('maxLr', options.maxLr, { min: 0, minExclusive: true });
    const base = requireBaseLr(options.baseLr, 'maxLr');
    if (base === 0) throw new ConfigError('maxLr', 'an absolute maxLr needs a nonzero base LR to be a factor of it');
    scale = 1 / base;
  }
  const lr: Record<Level, number> = { initial: peak / divFactor, max: peak, min: peak / divFactor / finalDivFactor };
  const momentum = { max: maxMomentum, base: baseMomentum };
  const phases: Phase[] = options.threePhase
    ? [
        { endStep: pctStart * total - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
        { endStep: 2 * pctStart * total - 2, startLr: 'max', endLr: 'initial', startMomentum: 'base', endMomentum: 'max' },
        { endStep: total - 1, startLr: 'initial', endLr: 'min', startMomentum: 'max', endMomentum: 'max' },
      ]
    : [
        { endStep: pctStart * total - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
        { endStep: total - 1, startLr: 'max', endLr: 'min', startMomentum: 'base', endMomentum: 'max' },
      ];

  const locate = (step: number): { phase: Phase; pct: number } => {
    if (step > total) {
      throw new ConfigError('totalSteps', `OneCycleLR was stepped ${step + 1} times but totalSteps is ${total} (PyTorch raises here too)`);
    }
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const phase = phases[i]!;
      if (step <= phase.endStep || i === phases.length - 1) {
        if (phase.endStep === start) {
          throw new ConfigError('pctStart', `pctStart ${pctStart} x totalSteps ${total} leaves a phase of zero steps (PyTorch divides by zero here)`);
        }
        return { phase, pct: (step - start) / (phase.endStep - start) };
      }
      start = phase.endStep;
    }
    throw new Error('unreachable');
  };
  const schedule = (step: number): number => {
    const { phase, pct } = locate(step);
    return anneal(lr[phase.startLr], lr[phase.endLr], pct) * scale;
  };
  if (!cycleMomentum) return schedule;
  return withMomentum(schedule, (step) => {
    const { phase, pct } = locate(step);
    return anneal(momentum[phase.startMomentum], momentum[phase.endMomentum], pct);
  });
}

export const oneCycleLREntry: StepScheduleEntry = {
  kind: 'step',
  name: 'OneCycleLR',
  description: 'PyTorch OneCycleLR: up from maxLr/divFactor to maxLr (default: the base LR), then down to a tiny LR',
  options: {
    totalSteps: { type: 'integer', description: 'steps in the cycle (or epochs and stepsPerEpoch)' },
    epochs: { type: 'integer', description: 'epochs, with stepsPerEpoch, instead of totalSteps' },
    stepsPerEpoch: { type: 'integer', description: 'optimizer steps per epoch, with epochs' },
    maxLr: { type: 'number', description: 'absolute peak LR (default: the base LR)' },
    pctStart: { type: 'number', description: 'fraction of the cycle spent increasing the LR (default 0.3)' },
    annealStrategy: { type: 'string', description: 'annealing shape (default cos)', choices: ['cos', 'linear'] },
    cycleMomentum: { type: 'boolean', description: "cycle momentum / Adam's beta1 inversely to the LR (default true)" },
    baseMomentum: { type: 'number', description: 'momentum at the LR peak (default 0.85)' },
    maxMomentum: { type: 'number', description: 'momentum at the start and end (default 0.95)' },
    divFactor: { type: 'number', description: 'initial LR = maxLr / divFactor (default 25)' },
    finalDivFactor: { type: 'number', description: 'final LR = initial LR / finalDivFactor (default 1e4)' },
    threePhase: { type: 'boolean', description: "the paper's three phases instead of fastai's two (default false)" },
  },
  build: (o, baseLr) => oneCycleLR({ ...(o as OneCycleLROptions), baseLr }),
};
