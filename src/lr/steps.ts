/**
 * Warmup and total step counts from what users actually know: warmup as steps, as a fraction of the
 * run (BERT's warmup_proportion, Hugging Face's warmup_ratio) or in tokens (GPT-3 warms up over 375M
 * tokens), and the run length from epochs, batches and gradient accumulation, so that nobody types T
 * by hand and gets it wrong by the accumulation factor.
 */
import { ConfigError } from '../errors.js';
import { integerOption, numberOption } from './schedule.js';

/** The ways a warmup can be given; at most one of warmupSteps, warmupRatio and warmupTokens. */
export interface WarmupOptions {
  /** W: optimizer steps of warmup. */
  warmupSteps?: number;
  /** W as a fraction of totalSteps, rounded up as Hugging Face's TrainingArguments.get_warmup_steps does. */
  warmupRatio?: number;
  /** W in training tokens (GPT-3 style), converted with tokensPerStep and rounded up. */
  warmupTokens?: number;
  /** Tokens consumed by one optimizer step (batch size x sequence length x accumulation steps x replicas). */
  tokensPerStep?: number;
}

/** W in optimizer steps from whichever of warmupSteps, warmupRatio or warmupTokens was given (0 if none). */
export function resolveWarmupSteps(options: WarmupOptions & { totalSteps?: number | undefined }): number {
  const given = (['warmupSteps', 'warmupRatio', 'warmupTokens'] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) throw new ConfigError(given[1]!, `give only one of warmupSteps, warmupRatio, warmupTokens (got ${given.join(' and ')})`);
  if (options.warmupRatio !== undefined) {
    const ratio = numberOption('warmupRatio', options.warmupRatio, { min: 0, max: 1 });
    if (options.totalSteps === undefined) throw new ConfigError('warmupRatio', 'needs totalSteps, the steps it is a fraction of');
    const total = integerOption('totalSteps', options.totalSteps);
    return Math.ceil(total * ratio);
  }
  if (options.warmupTokens !== undefined) {
    const tokens = numberOption('warmupTokens', options.warmupTokens, { min: 0 });
    if (options.tokensPerStep === undefined) throw new ConfigError('warmupTokens', 'needs tokensPerStep to convert tokens into optimizer steps');
    const perStep = numberOption('tokensPerStep', options.tokensPerStep, { min: 0, minExclusive: true });
    return Math.ceil(tokens / perStep);
  }
  return integerOption('warmupSteps', options.warmupSteps, { default: 0 });
}

/** W and T for families that have both; W may equal T (no decay phase) but not exceed it. */
export function warmupAndTotal(options: WarmupOptions & { totalSteps?: number | undefined }): { warmupSteps: number; totalSteps: number } {
  const totalSteps = integerOption('totalSteps', options.totalSteps, { min: 1 });
  const warmupSteps = resolveWarmupSteps(options);
  if (warmupSteps > totalSteps) throw new ConfigError('warmupSteps', `warmup (${warmupSteps} steps) is longer than the run (totalSteps ${totalSteps})`);
  return { warmupSteps, totalSteps };
}

export interface TotalStepsOptions {
  epochs: number;
  /** Micro-batches the loader yields per epoch. */
  batchesPerEpoch: number;
  /** Micro-batches per optimizer step (default 1). */
  gradientAccumulationSteps?: number;
  /**
   * true: an epoch's leftover micro-batches (fewer than gradientAccumulationSteps) are dropped without
   * a step. Default false: they make one last, smaller step, as Hugging Face's Trainer does.
   */
  dropLastPartialStep?: boolean;
}

/** T: optimizer steps in a run of `epochs` epochs, which is what every schedule counts in. */
export function totalStepsFor(options: TotalStepsOptions): number {
  const epochs = integerOption('epochs', options.epochs, { min: 1 });
  const batches = integerOption('batchesPerEpoch', options.batchesPerEpoch, { min: 1 });
  const accumulation = integerOption('gradientAccumulationSteps', options.gradientAccumulationSteps, { min: 1, default: 1 });
  const perEpoch = options.dropLastPartialStep ? Math.floor(batches / accumulation) : Math.ceil(batches / accumulation);
  if (perEpoch === 0) {
    throw new ConfigError('gradientAccumulationSteps', `${accumulation} micro-batches per step but only ${batches} per epoch: no optimizer step would run`);
  }
  return epochs * perEpoch;
}
