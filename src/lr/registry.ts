/**
 * Schedules by name, as configs and the CLI give them (Hugging Face's get_scheduler names, PyTorch's
 * class names). A spec is `{ name, ...options }` with camelCase options, or
 * `{ sequential: [spec, ...], milestones: [...] }`; every error names the field and what is allowed.
 */
import { ConfigError } from '../errors.js';
import { sequential } from './compose.js';
import { constantEntry, constantWithWarmupEntry } from './constant.js';
import { cosineEntry, cosineWithMinLrEntry, cosineWithRestartsEntry } from './cosine.js';
import type { OptionSpec, ScheduleEntry, StepScheduleEntry } from './entry.js';
import { inverseSqrtEntry } from './inverseSqrt.js';
import { linearEntry } from './linear.js';
import { noamEntry } from './noam.js';
import { polynomialEntry } from './polynomial.js';
import type { Schedule } from './schedule.js';
import { cosineAnnealingLREntry, cosineAnnealingWarmRestartsEntry } from './torch/cosineAnnealingLR.js';
import { constantLREntry, linearLREntry } from './torch/linearLR.js';
import { oneCycleLREntry } from './torch/oneCycleLR.js';
import { polynomialLREntry } from './torch/polynomialLR.js';
import { reduceLrOnPlateauEntry, reduceLROnPlateauEntry } from './torch/reduceLROnPlateau.js';
import { exponentialLREntry, multiStepLREntry, stepLREntry } from './torch/stepLR.js';
import { warmupStableDecayEntry } from './wsd.js';

const entries: readonly ScheduleEntry[] = [
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
];

/** Every family by its registry name. */
export const scheduleRegistry: ReadonlyMap<string, ScheduleEntry> = new Map(entries.map((e) => [e.name, e]));

/** The registry's names, in the order of its help: Hugging Face's first, then PyTorch's. */
export const scheduleNames: readonly string[] = entries.map((e) => e.name);

/** One named family with its options in camelCase. */
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

const sequentialKeys = ['sequential', 'milestones'];

/** The family registered under `name`; the error lists every name. */
export function getScheduleEntry(name: unknown, field = 'schedule.name'): ScheduleEntry {
  const entry = typeof name === 'string' ? scheduleRegistry.get(name) : undefined;
  if (!entry) throw new ConfigError(field, `unknown schedule ${JSON.stringify(name)}`, scheduleNames);
  return entry;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Whether a spec is a composition. */
export function isSequentialSpec(spec: ScheduleSpec): spec is SequentialScheduleSpec {
  return 'sequential' in spec;
}

function checkType(field: string, value: unknown, spec: OptionSpec): void {
  const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const fail = (what: string) => {
    throw new ConfigError(field, `must be ${what}, got ${JSON.stringify(value)}`, spec.choices);
  };
  switch (spec.type) {
    case 'number':
      if (!isNumber(value)) fail('a number');
      break;
    case 'integer':
      if (!isNumber(value) || !Number.isInteger(value)) fail('an integer');
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail('true or false');
      break;
    case 'string':
      if (typeof value !== 'string') fail('a string');
      if (spec.choices && !spec.choices.includes(value as string)) throw new ConfigError(field, `unknown value ${JSON.stringify(value)}`, spec.choices);
      break;
    case 'number[]':
      if (!Array.isArray(value) || !value.every(isNumber)) fail('a list of numbers');
      break;
    case 'number|number[]':
      if (!isNumber(value) && !(Array.isArray(value) && value.every(isNumber))) fail('a number or a list of numbers');
      break;
  }
}

/**
 * Checks a spec's shape, names, option names and option types without building it (totalSteps and
 * the base LR may not be known yet); returns it typed.
 */
export function validateScheduleSpec(spec: unknown, path = 'schedule'): ScheduleSpec {
  if (!isObject(spec)) {
    throw new ConfigError(path, `must be an object like {"name": "cosine", ...} or {"sequential": [...], "milestones": [...]}, got ${JSON.stringify(spec)}`);
  }
  if ('sequential' in spec) {
    for (const key of Object.keys(spec)) {
      if (!sequentialKeys.includes(key)) throw new ConfigError(`${path}.${key}`, 'unknown key of a sequential schedule', sequentialKeys);
    }
    const parts = spec.sequential;
    if (!Array.isArray(parts) || parts.length === 0) throw new ConfigError(`${path}.sequential`, 'must be a non-empty list of schedules');
    const milestones = spec.milestones ?? [];
    if (!Array.isArray(milestones) || !milestones.every((m) => Number.isInteger(m))) {
      throw new ConfigError(`${path}.milestones`, 'must be a list of step numbers');
    }
    parts.forEach((p, i) => {
      const part = validateScheduleSpec(p, `${path}.sequential[${i}]`);
      if (!isSequentialSpec(part) && getScheduleEntry(part.name).kind === 'metric') {
        throw new ConfigError(`${path}.sequential[${i}].name`, `${part.name} is driven by a metric and cannot be a phase of a sequence`);
      }
    });
    try {
      sequential(parts.map(() => () => 1), milestones as number[]);
    } catch (err) {
      throw err instanceof ConfigError ? rebase(err, path) : err;
    }
    return spec as unknown as SequentialScheduleSpec;
  }
  if (!('name' in spec)) throw new ConfigError(`${path}.name`, 'is required', scheduleNames);
  const entry = getScheduleEntry(spec.name, `${path}.name`);
  const allowed = Object.keys(entry.options);
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'name') continue;
    const option = entry.options[key];
    if (!option) throw new ConfigError(`${path}.${key}`, `unknown option of ${entry.name}`, allowed);
    if (value !== undefined) checkType(`${path}.${key}`, value, option);
  }
  return spec as NamedScheduleSpec;
}

/** The same ConfigError under another field name (its message and allowed values kept). */
export function renameConfigError(err: ConfigError, field: string): ConfigError {
  let message = err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message;
  const suffix = err.allowed && err.allowed.length ? ` (allowed: ${err.allowed.join(', ')})` : '';
  if (suffix && message.endsWith(suffix)) message = message.slice(0, -suffix.length);
  return new ConfigError(field, message, err.allowed);
}

/** A ConfigError from a family, moved under the spec's path (`cosine`'s `numCycles` -> `schedule.numCycles`). */
const rebase = (err: ConfigError, path: string): ConfigError => renameConfigError(err, `${path}.${err.field}`);

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
    return sequential(parts, checked.milestones ?? []);
  }
  const entry = getScheduleEntry(checked.name, `${path}.name`);
  if (entry.kind === 'metric') {
    throw new ConfigError(`${path}.name`, `${entry.name} is driven by a metric, not the step: create it with createScheduler (or new ReduceLROnPlateau) and call step(metric)`);
  }
  const { name: _name, ...options } = checked;
  if (context.totalSteps !== undefined && 'totalSteps' in entry.options && options.totalSteps === undefined && options.epochs === undefined) {
    options.totalSteps = context.totalSteps;
  }
  if (context.tokensPerStep !== undefined && options.warmupTokens !== undefined && options.tokensPerStep === undefined) {
    options.tokensPerStep = context.tokensPerStep;
  }
  try {
    return (entry as StepScheduleEntry).build(options, context.baseLr);
  } catch (err) {
    throw err instanceof ConfigError ? rebase(err, path) : err;
  }
}
