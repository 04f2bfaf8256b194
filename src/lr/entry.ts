/**
 * How a family registers itself (fairseq style): its name, a line about it, and its options as a zod
 * object beside the code, with a description on every field. The same schema checks a config's spec,
 * types the family's function (z.input), names the fields in errors and writes `anneal schedule --help`.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { fieldPath, parseConfig, strictOptions, type OptionsSchema } from '../options.js';
import type { Schedule, SchedulableOptimizer } from './schedule.js';
import type { ReduceLROnPlateau } from './torch/reduceLROnPlateau.js';

/** What the registry hands a family besides its options. */
export interface BuildContext {
  /** The parameter group's base LR, for absolute options (minLr, lrEnd, etaMin, maxLr). */
  baseLr?: number | undefined;
  /** Where the options sit in the config (`schedule`, `schedule.sequential[1]`); errors name `path.field`. */
  path?: string;
}

/** What a family's code sees: the base LR and how to name a field in an error. */
export interface FamilyContext {
  baseLr: number | undefined;
  /** `at('warmupSteps')` is `schedule.warmupSteps` inside a config, `warmupSteps` for a direct call. */
  at(field: string): string;
}

interface EntryBase<N extends string, S extends OptionsSchema> {
  /** The registry name: Hugging Face's get_scheduler name, or PyTorch's class name. */
  name: N;
  description: string;
  /** The options, one described zod field each; the registry rejects any other key. */
  options: S;
}

/** A family that is a pure function of the step. */
export interface StepScheduleEntry<N extends string = string, S extends OptionsSchema = OptionsSchema> extends EntryBase<N, S> {
  kind: 'step';
  /** Checks the options (unknown keys rejected with a suggestion) and builds the schedule for one group. */
  build(options: unknown, context?: BuildContext): Schedule;
}

/** A scheduler driven by a metric rather than the step (ReduceLROnPlateau). */
export interface MetricScheduleEntry<N extends string = string, S extends OptionsSchema = OptionsSchema> extends EntryBase<N, S> {
  kind: 'metric';
  /** Checks the options and creates the scheduler over the optimizer's groups. */
  create(optimizer: SchedulableOptimizer, options: unknown, path?: string): ReduceLROnPlateau;
}

export type ScheduleEntry = StepScheduleEntry | MetricScheduleEntry;

/**
 * Names users bring from Hugging Face's get_scheduler and the Annotated Transformer, for the "did you
 * mean" of an unknown option (PyTorch's snake_case names need none: `T_max` -> `tMax` is found anyway).
 */
export const scheduleAliases: Readonly<Record<string, string>> = {
  num_warmup_steps: 'warmupSteps',
  num_training_steps: 'totalSteps',
  num_stable_steps: 'stableSteps',
  num_decay_steps: 'decaySteps',
  min_lr_rate: 'minLrRatio',
  model_size: 'dModel',
  warmup: 'warmupSteps',
};

/** The options of a family as its code sees them, with the schema's defaults filled in. */
export type FamilyOptions<S extends OptionsSchema> = z.output<S>;

/**
 * Registers a step-driven family: `create` receives options already checked by the schema and
 * names fields through `context.at` in the errors of its cross-field rules.
 */
export function stepSchedule<const N extends string, S extends OptionsSchema>(def: {
  name: N;
  description: string;
  options: S;
  create(options: FamilyOptions<S>, context: FamilyContext): Schedule;
}): StepScheduleEntry<N, S> {
  return {
    kind: 'step',
    name: def.name,
    description: def.description,
    options: def.options,
    build(options, context = {}) {
      const path = context.path ?? '';
      const checked = strictOptions(def.options, options, def.name, { path, aliases: scheduleAliases });
      return def.create(checked, { baseLr: context.baseLr, at: (field) => fieldPath(path, field) });
    },
  };
}

// ---- fields shared by several families ---------------------------------------------------------

/** The warmup options of every family that warms up (resolved in steps.ts). */
export const warmupFields = {
  warmupSteps: z.int().min(0).optional().describe('W: optimizer steps of linear warmup from 0 (default 0)'),
  warmupRatio: z.number().min(0).max(1).optional().describe('W as a fraction of totalSteps, rounded up (instead of warmupSteps)'),
  warmupTokens: z.number().min(0).optional().describe('W in training tokens, divided by tokensPerStep and rounded up (instead of warmupSteps)'),
  tokensPerStep: z.number().positive().optional().describe('tokens per optimizer step, for warmupTokens'),
};

/** T of families that decay to their end. */
export const totalStepsField = z.int().min(1).describe('T: total optimizer steps of the run');

/** T of families that need it only to turn warmupRatio into steps. */
export const totalStepsForRatioField = z.int().min(0).optional().describe('T, only for warmupRatio');

/** A floor given absolutely or as a ratio (Hugging Face's cosine_with_min_lr min_lr / min_lr_rate). */
export const minLrFields = {
  minLr: z.number().min(0).optional().describe('absolute LR the decay ends at (instead of minLrRatio); at most the base LR'),
  minLrRatio: z.number().min(0).max(1).optional().describe('LR the decay ends at, as a fraction of the base LR (default 0)'),
};

const baseLrSchema = z.number().min(0);

/** The base LR an absolute option needs; `what` names the option for the error. */
export function requireBaseLr(context: FamilyContext, what: string): number {
  if (context.baseLr === undefined) {
    throw new ConfigError(
      context.at('baseLr'),
      `${what} is an absolute learning rate, so the schedule needs the group's base LR (LRScheduler and buildSchedule supply it)`,
    );
  }
  return parseConfig(baseLrSchema, context.baseLr, context.at('baseLr'));
}

/** The floor of minLrFields as a ratio of the base LR (0 without one); `required` as cosine_with_min_lr. */
export function minLrRatioOf(options: { minLr?: number | undefined; minLrRatio?: number | undefined }, context: FamilyContext, required = false): number {
  const { minLr, minLrRatio } = options;
  if (minLr !== undefined && minLrRatio !== undefined) throw new ConfigError(context.at('minLr'), 'give either minLr or minLrRatio, not both');
  if (minLr !== undefined) {
    const base = requireBaseLr(context, 'minLr');
    if (minLr > base) throw new ConfigError(context.at('minLr'), `must not exceed the base LR (${base}), got ${minLr}`);
    return base === 0 ? 0 : minLr / base;
  }
  if (required && minLrRatio === undefined) throw new ConfigError(context.at('minLr'), 'one of minLr or minLrRatio is required');
  return minLrRatio ?? 0;
}

/** A family that takes absolute LRs, called directly: `baseLr` comes with the options. */
export function buildWithBaseLr(entry: StepScheduleEntry, options: { baseLr?: number | undefined } | undefined): Schedule {
  const { baseLr, ...rest } = options ?? {};
  return entry.build(rest, { baseLr });
}
