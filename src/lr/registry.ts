/**
 * Schedules by name, as configs and the CLI give them (Hugging Face's get_scheduler names, PyTorch's
 * class names). A spec is `{ name, ...options }` with camelCase options, or
 * `{ sequential: [spec, ...], milestones: [...] }`. Each family's zod schema checks its options, so
 * every error names the field (`schedule.numCycles`) and what is allowed, and an unknown option comes
 * with the one it most likely meant.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { strictOptions, suggestKey, type OptionsSchema } from '../options.js';
import { checkMilestones, milestonesSchema, sequential } from './compose.js';
import { constantEntry, constantWithWarmupEntry } from './constant.js';
import { cosineEntry, cosineWithMinLrEntry, cosineWithRestartsEntry } from './cosine.js';
import { scheduleAliases, type ScheduleEntry } from './entry.js';
import { inverseSqrtEntry } from './inverseSqrt.js';
import { linearEntry } from './linear.js';
import { noamEntry } from './noam.js';
import { polynomialEntry } from './polynomial.js';
import type { SchedulableOptimizer, Schedule } from './schedule.js';
import { cosineAnnealingLREntry, cosineAnnealingWarmRestartsEntry } from './torch/cosineAnnealingLR.js';
import { constantLREntry, linearLREntry } from './torch/linearLR.js';
import { oneCycleLREntry } from './torch/oneCycleLR.js';
import { polynomialLREntry } from './torch/polynomialLR.js';
import { reduceLrOnPlateauEntry, reduceLROnPlateauEntry, type ReduceLROnPlateau } from './torch/reduceLROnPlateau.js';
import { exponentialLREntry, multiStepLREntry, stepLREntry } from './torch/stepLR.js';
import { warmupStableDecayEntry } from './wsd.js';

const entries = [
  constantEntry,
  constantWithWarmupEntry,
  linearEntry,
  cosineEntry,
  cosineWithMinLrEntry,
  cosineWithRestartsEntry,
  polynomialEntry,
  inverseSqrtEntry,
  noamEntry,
  warmupStableDecayEntry,
  reduceLrOnPlateauEntry,
  linearLREntry,
  constantLREntry,
  stepLREntry,
  multiStepLREntry,
  exponentialLREntry,
  cosineAnnealingLREntry,
  cosineAnnealingWarmRestartsEntry,
  oneCycleLREntry,
  polynomialLREntry,
  reduceLROnPlateauEntry,
] as const;

type Entry = (typeof entries)[number];

/** Every registered name: Hugging Face's get_scheduler names and PyTorch's class names. */
export type ScheduleName = Entry['name'];

/** The options of the family `N` as a user writes them (z.input of its schema). */
export type ScheduleOptionsOf<N extends ScheduleName> = z.input<Extract<Entry, { name: N }>['options']>;

/**
 * A spec TypeScript checks against each family's schema: `{ name: 'cosine', totalSteps: 1000 }`
 * compiles, `{ name: 'cosine', num_cycles: 2 }` does not. Every TypedScheduleSpec is a ScheduleSpec.
 */
export type TypedScheduleSpec =
  | { [N in ScheduleName]: { name: N } & ScheduleOptionsOf<N> }[ScheduleName]
  | { sequential: TypedScheduleSpec[]; milestones: number[] };

/** Every family by its registry name. */
export const scheduleRegistry: ReadonlyMap<string, ScheduleEntry> = new Map<string, ScheduleEntry>(entries.map((e) => [e.name, e]));

/** The registry's names, in the order of its help: Hugging Face's first, then PyTorch's. */
export const scheduleNames: readonly string[] = entries.map((e) => e.name);

/** One named family with its options in camelCase, as a config holds it (checked at run time). */
export interface NamedScheduleSpec {
  name: string;
  [option: string]: unknown;
}

/** PyTorch's SequentialLR: `sequential[i]` runs from `milestones[i - 1]`, restarted at 0. */
export interface SequentialScheduleSpec {
  sequential: ScheduleSpec[];
  milestones: number[];
}

export type ScheduleSpec = NamedScheduleSpec | SequentialScheduleSpec;

/** What the trainer knows and a spec may leave out. */
export interface ScheduleContext {
  /** The parameter group's base LR, for absolute options (minLr, lrEnd, etaMin, maxLr). */
  baseLr?: number;
  /** T of the run (epochs x batches / accumulation), used by a top-level spec that has no totalSteps. */
  totalSteps?: number;
  /** Tokens per optimizer step, for warmupTokens. */
  tokensPerStep?: number;
}

/** The keys of a sequential spec, described like a family's options. */
export const sequentialOptions = z.strictObject({
  sequential: z.array(z.unknown()).min(1).describe('the schedules, each a spec of its own, run one after another'),
  milestones: milestonesSchema.default([]),
});

/** The family registered under `name`; the error lists every name and suggests the likely one. */
export function getScheduleEntry(name: unknown, field = 'schedule.name'): ScheduleEntry {
  const entry = typeof name === 'string' ? scheduleRegistry.get(name) : undefined;
  if (entry) return entry;
  const suggestion = typeof name === 'string' ? suggestKey(name, scheduleNames) : undefined;
  throw new ConfigError(field, `unknown schedule ${JSON.stringify(name)}${suggestion ? `; did you mean ${suggestion}?` : ''}`, scheduleNames);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Whether a spec is a composition. */
export function isSequentialSpec(spec: ScheduleSpec): spec is SequentialScheduleSpec {
  return 'sequential' in spec;
}

/** A family's schema with totalSteps optional, for a spec that may take T from the run. */
const withoutTotal = new WeakMap<OptionsSchema, OptionsSchema>();
function totalStepsOptional(schema: OptionsSchema): OptionsSchema {
  if (!('totalSteps' in schema.shape)) return schema;
  let lenient = withoutTotal.get(schema);
  if (!lenient) withoutTotal.set(schema, (lenient = schema.partial({ totalSteps: true })));
  return lenient;
}

/**
 * Checks a spec's shape, names, option names, types and ranges without building it (a top-level spec
 * may leave totalSteps to the run, and the base LR is not known yet); returns it typed.
 */
export function validateScheduleSpec(spec: unknown, path = 'schedule'): ScheduleSpec {
  return validate(spec, path, true);
}

function validate(spec: unknown, path: string, topLevel: boolean): ScheduleSpec {
  if (!isObject(spec)) {
    throw new ConfigError(path, `must be an object like {"name": "cosine", ...} or {"sequential": [...], "milestones": [...]}, got ${JSON.stringify(spec)}`);
  }
  if ('sequential' in spec) {
    const checked = strictOptions(sequentialOptions, spec, 'sequential', { path });
    const parts = checked.sequential.map((p, i) => {
      const part = validate(p, `${path}.sequential[${i}]`, false);
      if (!isSequentialSpec(part) && getScheduleEntry(part.name).kind === 'metric') {
        throw new ConfigError(`${path}.sequential[${i}].name`, `${part.name} is driven by a metric and cannot be a phase of a sequence`);
      }
      return part;
    });
    return { sequential: parts, milestones: checkMilestones(checked.milestones, parts.length, path) };
  }
  if (!('name' in spec)) throw new ConfigError(`${path}.name`, 'is required', scheduleNames);
  const { name, ...options } = spec;
  const entry = getScheduleEntry(name, `${path}.name`);
  // the context's totalSteps reaches a top-level spec only (a phase of a sequence has its own length)
  strictOptions(topLevel ? totalStepsOptional(entry.options) : entry.options, options, entry.name, { path, aliases: scheduleAliases });
  return { name: entry.name, ...options };
}

/** The same ConfigError under another field name (its message and allowed values kept). */
export { withField as renameConfigError } from '../options.js';

/** Whether the spec names a metric-driven scheduler (ReduceLROnPlateau). */
export function isMetricDriven(spec: ScheduleSpec): boolean {
  return !isSequentialSpec(spec) && scheduleRegistry.get(spec.name)?.kind === 'metric';
}

/**
 * The schedule a spec describes, for one parameter group (context.baseLr). The context's totalSteps
 * applies to a top-level spec only; a phase of a sequence has its own length.
 */
export function buildSchedule(spec: ScheduleSpec, context: ScheduleContext = {}, path = 'schedule'): Schedule {
  const checked = validateScheduleSpec(spec, path);
  if (isSequentialSpec(checked)) {
    const { totalSteps: _outer, ...inner } = context;
    const parts = checked.sequential.map((p, i) => buildSchedule(p, inner, `${path}.sequential[${i}]`));
    return sequential(parts, checked.milestones);
  }
  const entry = getScheduleEntry(checked.name, `${path}.name`);
  if (entry.kind === 'metric') {
    throw new ConfigError(`${path}.name`, `${entry.name} is driven by a metric, not the step: create it with createScheduler (or new ReduceLROnPlateau) and call step(metric)`);
  }
  const { name: _name, ...options } = checked;
  if (context.totalSteps !== undefined && 'totalSteps' in entry.options.shape && options.totalSteps === undefined && options.epochs === undefined) {
    options.totalSteps = context.totalSteps;
  }
  if (context.tokensPerStep !== undefined && options.warmupTokens !== undefined && options.tokensPerStep === undefined) {
    options.tokensPerStep = context.tokensPerStep;
  }
  return entry.build(options, { baseLr: context.baseLr, path });
}

/** The metric-driven scheduler (ReduceLROnPlateau) a checked spec names, over the optimizer's groups. */
export function buildMetricScheduler(optimizer: SchedulableOptimizer, spec: ScheduleSpec, path = 'schedule'): ReduceLROnPlateau {
  const checked = validateScheduleSpec(spec, path);
  const entry = isSequentialSpec(checked) ? undefined : getScheduleEntry(checked.name, `${path}.name`);
  if (!entry || entry.kind !== 'metric' || isSequentialSpec(checked)) throw new ConfigError(path, 'is not driven by a metric: use LRScheduler');
  const { name: _name, ...options } = checked;
  return entry.create(optimizer, options, path);
}
