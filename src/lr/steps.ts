/**
 * Warmup and total step counts from what users actually know: warmup as steps, as a fraction of the
 * run (BERT's warmup_proportion, Hugging Face's warmup_ratio) or in tokens (GPT-3 warms up over 375M
 * tokens), and the run length from epochs, batches and gradient accumulation, so that nobody types T
 * by hand and gets it wrong by the accumulation factor.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { strictOptions } from '../options.js';
import { warmupFields, type FamilyContext } from './entry.js';

const direct: FamilyContext = { baseLr: undefined, at: (field) => field };

const warmupOptions = z.strictObject({ ...warmupFields, totalSteps: z.int().min(0).optional().describe('T, for warmupRatio') });

/** The ways a warmup can be given; at most one of warmupSteps, warmupRatio and warmupTokens. */
export type WarmupOptions = Omit<z.input<typeof warmupOptions>, 'totalSteps'>;

type WarmupValues = { [K in keyof WarmupOptions]?: number | undefined } & { totalSteps?: number | undefined };

/** W from checked options (a family's); errors name fields through context.at. */
export function warmupStepsOf(options: WarmupValues, context: FamilyContext): number {
  const given = (['warmupSteps', 'warmupRatio', 'warmupTokens'] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) throw new ConfigError(context.at(given[1]!), `give only one of warmupSteps, warmupRatio, warmupTokens (got ${given.join(' and ')})`);
  if (options.warmupRatio !== undefined) {
    if (options.totalSteps === undefined) throw new ConfigError(context.at('warmupRatio'), 'needs totalSteps, the steps it is a fraction of');
    return Math.ceil(options.totalSteps * options.warmupRatio);
  }
  if (options.warmupTokens !== undefined) {
    if (options.tokensPerStep === undefined) throw new ConfigError(context.at('warmupTokens'), 'needs tokensPerStep to convert tokens into optimizer steps');
    return Math.ceil(options.warmupTokens / options.tokensPerStep);
  }
  return options.warmupSteps ?? 0;
}

/** W in optimizer steps from whichever of warmupSteps, warmupRatio or warmupTokens was given (0 if none). */
export function resolveWarmupSteps(options: WarmupOptions & { totalSteps?: number | undefined }): number {
  return warmupStepsOf(strictOptions(warmupOptions, options, 'resolveWarmupSteps'), direct);
}

/** W and T for families that have both; W may equal T (no decay phase) but not exceed it. */
export function warmupAndTotal(options: WarmupValues & { totalSteps: number }, context: FamilyContext): { warmupSteps: number; totalSteps: number } {
  const warmupSteps = warmupStepsOf(options, context);
  const { totalSteps } = options;
  if (warmupSteps > totalSteps) throw new ConfigError(context.at('warmupSteps'), `warmup (${warmupSteps} steps) is longer than the run (totalSteps ${totalSteps})`);
  return { warmupSteps, totalSteps };
}

const totalStepsOptions = z.strictObject({
  epochs: z.int().min(1).describe('epochs of the run'),
  batchesPerEpoch: z.int().min(1).describe('micro-batches the loader yields per epoch'),
  gradientAccumulationSteps: z.int().min(1).default(1).describe('micro-batches per optimizer step'),
  dropLastPartialStep: z
    .boolean()
    .default(false)
    .describe("true: an epoch's leftover micro-batches (fewer than gradientAccumulationSteps) are dropped without a step; false: they make one last, smaller step, as Hugging Face's Trainer does"),
});

export type TotalStepsOptions = z.input<typeof totalStepsOptions>;

/** T: optimizer steps in a run of `epochs` epochs, which is what every schedule counts in. */
export function totalStepsFor(options: TotalStepsOptions): number {
  const { epochs, batchesPerEpoch: batches, gradientAccumulationSteps: accumulation, dropLastPartialStep } = strictOptions(totalStepsOptions, options, 'totalStepsFor');
  const perEpoch = dropLastPartialStep ? Math.floor(batches / accumulation) : Math.ceil(batches / accumulation);
  if (perEpoch === 0) {
    throw new ConfigError('gradientAccumulationSteps', `${accumulation} micro-batches per step but only ${batches} per epoch: no optimizer step would run`);
  }
  return epochs * perEpoch;
}
