/**
 * PyTorch's OneCycleLR (Smith & Topin 2019, "Super-Convergence"; fastai's two-phase default), learning
 * rate and momentum, step for step as torch.optim.lr_scheduler.OneCycleLR computes them.
 */
import { z } from 'zod';
import { ConfigError, InternalError } from '../../errors.js';
import { buildWithBaseLr, requireBaseLr, stepSchedule, type FamilyContext, type FamilyOptions } from '../entry.js';
import { withMomentum, type BaseLrOption, type Schedule } from '../schedule.js';

export const oneCycleLROptions = z.strictObject({
  totalSteps: z.int().min(1).optional().describe('steps in the cycle (or epochs and stepsPerEpoch)'),
  epochs: z.int().min(1).optional().describe('epochs, with stepsPerEpoch, instead of totalSteps'),
  stepsPerEpoch: z.int().min(1).optional().describe('optimizer steps per epoch, with epochs'),
  maxLr: z
    .number()
    .positive()
    .optional()
    .describe("absolute peak LR (default: the group's base LR, so the factor peaks at 1; PyTorch requires max_lr and ignores the optimizer's LR)"),
  pctStart: z.number().min(0).max(1).default(0.3).describe('fraction of the cycle spent increasing the LR'),
  annealStrategy: z.enum(['cos', 'linear']).default('cos').describe('annealing shape'),
  cycleMomentum: z.boolean().default(true).describe("cycle momentum (Adam's beta1) inversely to the LR"),
  baseMomentum: z.number().default(0.85).describe('momentum at the LR peak'),
  maxMomentum: z.number().default(0.95).describe('momentum at the start and the end'),
  divFactor: z.number().positive().default(25).describe('initial LR = maxLr / divFactor'),
  finalDivFactor: z.number().positive().default(1e4).describe('final LR = initial LR / finalDivFactor'),
  threePhase: z.boolean().default(false).describe("the paper's three phases (up, down to the initial LR, annihilate) instead of fastai's two"),
});

export type OneCycleLROptions = z.input<typeof oneCycleLROptions> & BaseLrOption;

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

function totalOf(o: FamilyOptions<typeof oneCycleLROptions>, context: FamilyContext): number {
  if (o.totalSteps !== undefined) return o.totalSteps;
  if (o.epochs === undefined && o.stepsPerEpoch === undefined) throw new ConfigError(context.at('totalSteps'), 'OneCycleLR needs totalSteps, or epochs and stepsPerEpoch');
  if (o.epochs === undefined) throw new ConfigError(context.at('epochs'), 'is required with stepsPerEpoch');
  if (o.stepsPerEpoch === undefined) throw new ConfigError(context.at('stepsPerEpoch'), 'is required with epochs');
  return o.epochs * o.stepsPerEpoch;
}

/**
 * The 1cycle policy: from maxLr / divFactor up to maxLr over pctStart of the cycle, then down to
 * initial / finalDivFactor; step totalSteps is the last one PyTorch allows, later steps are an error.
 */
function oneCycleFrom(o: FamilyOptions<typeof oneCycleLROptions>, context: FamilyContext): Schedule {
  const total = totalOf(o, context);
  const { pctStart, divFactor, finalDivFactor } = o;
  const anneal = o.annealStrategy === 'cos' ? cosAnneal : linearAnneal;

  // Without maxLr the peak is the base LR and the factor is the shape itself; with it, lr / baseLr.
  let peak = 1;
  let scale = 1;
  if (o.maxLr !== undefined) {
    peak = o.maxLr;
    const base = requireBaseLr(context, 'maxLr');
    if (base === 0) throw new ConfigError(context.at('maxLr'), 'an absolute maxLr needs a nonzero base LR to be a factor of it');
    scale = 1 / base;
  }
  const lr: Record<Level, number> = { initial: peak / divFactor, max: peak, min: peak / divFactor / finalDivFactor };
  const momentum = { max: o.maxMomentum, base: o.baseMomentum };
  const phases: Phase[] = o.threePhase
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
      throw new ConfigError(context.at('totalSteps'), `OneCycleLR was stepped ${step + 1} times but totalSteps is ${total} (PyTorch raises here too)`);
    }
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const phase = phases[i]!;
      if (step <= phase.endStep || i === phases.length - 1) {
        if (phase.endStep === start) {
          throw new ConfigError(context.at('pctStart'), `pctStart ${pctStart} x totalSteps ${total} leaves a phase of zero steps (PyTorch divides by zero here)`);
        }
        return { phase, pct: (step - start) / (phase.endStep - start) };
      }
      start = phase.endStep;
    }
    throw new InternalError(`OneCycleLR: step ${step} lies in no phase`);
  };
  const schedule = (step: number): number => {
    const { phase, pct } = locate(step);
    return anneal(lr[phase.startLr], lr[phase.endLr], pct) * scale;
  };
  if (!o.cycleMomentum) return schedule;
  return withMomentum(schedule, (step) => {
    const { phase, pct } = locate(step);
    return anneal(momentum[phase.startMomentum], momentum[phase.endMomentum], pct);
  });
}

export const oneCycleLREntry = stepSchedule({
  name: 'OneCycleLR',
  description: 'PyTorch OneCycleLR: up from maxLr/divFactor to maxLr (default: the base LR), then down to a tiny LR',
  options: oneCycleLROptions,
  create: oneCycleFrom,
});

/** PyTorch's OneCycleLR as a schedule; its momentum() gives the cycled momentum (Adam's beta1). */
export function oneCycleLR(options: OneCycleLROptions): Schedule {
  return buildWithBaseLr(oneCycleLREntry, options);
}
