/**
 * One schema language for every option object (the training config, schedules, optimizers, modules,
 * losses): a zod object with `.describe()` on each field gives the TypeScript type (z.input / z.output),
 * the check, the error and the help line. This file turns zod's issues into ConfigErrors that name the
 * field and what is allowed, rejects unknown keys with a "did you mean", and lists a schema's fields
 * for help text. It depends on nothing but zod and the error classes, so every layer can use it.
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';

/** Any zod object schema: the shape of an option object. */
export type OptionsSchema = z.ZodObject<z.ZodRawShape, z.core.$ZodObjectConfig>;

/** An unknown key of an option object; `suggestion` is the allowed key it most likely meant. */
export class UnknownOptionError extends ConfigError {
  override name = 'UnknownOptionError';
  constructor(
    field: string,
    message: string,
    allowed: readonly string[],
    readonly key: string,
    readonly suggestion: string | undefined,
  ) {
    super(field, message, allowed);
  }
}

// ---- did you mean ------------------------------------------------------------------------------

/** snake_case, kebab-case and case slips all normalise to the same letters. */
const normalise = (key: string) => key.replace(/[-_\s]+/g, '').toLowerCase();

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The allowed key a wrong one most likely meant, or undefined: an alias (`learningRate` -> `lr`),
 * the camelCase of a snake_case or kebab-case name or a case slip (`warmup_steps`, `T_max`), the
 * first allowed key it begins (`warmup` -> `warmupSteps`), the nearest by edit distance when that
 * is small for its length (`dropuot` -> `dropout`; ties go to the key declared first), else the
 * shortest key it abbreviates (`gradAccum` -> `gradientAccumulationSteps`).
 */
export function suggestKey(key: string, allowed: readonly string[], aliases: Readonly<Record<string, string>> = {}): string | undefined {
  const k = normalise(key);
  for (const [alias, target] of Object.entries(aliases)) if (normalise(alias) === k && allowed.includes(target)) return target;
  const same = allowed.find((a) => normalise(a) === k);
  if (same !== undefined) return same;
  if (k.length >= 3) {
    const longer = allowed.find((a) => normalise(a).startsWith(k));
    if (longer !== undefined) return longer;
  }
  const limit = k.length <= 4 ? 1 : k.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const a of allowed) {
    const distance = editDistance(k, normalise(a));
    if (distance < bestDistance) {
      best = a;
      bestDistance = distance;
    }
  }
  if (best !== undefined || k.length < 4) return best;
  // an abbreviation: the letters in order, from the same first letter (gradAccum -> gradientAccumulationSteps)
  const isAbbreviation = (a: string) => {
    let i = 0;
    for (const c of a) if (c === k[i]) i++;
    return i === k.length && a[0] === k[0];
  };
  return allowed.filter((a) => isAbbreviation(normalise(a))).sort((a, b) => a.length - b.length)[0];
}

const didYouMean = (suggestion: string | undefined) => (suggestion === undefined ? '' : `; did you mean ${suggestion}?`);

// ---- zod issues as ConfigErrors ----------------------------------------------------------------

/** Looks through optional, default, nullable and the like to the schema that checks the value. */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  for (let i = 0; i < 16 && s; i++) {
    const def = s.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    if (['optional', 'default', 'prefault', 'nonoptional', 'readonly', 'catch'].includes(def.type)) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else return s;
  }
  return s;
}

/** The schema that checks the value at `path` inside `root`, where it can be told. */
function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let cur: z.ZodType | undefined = root;
  for (const key of path) {
    const s = unwrap(cur);
    if (s instanceof z.ZodNullable) cur = s.unwrap() as z.ZodType;
    else cur = s;
    const inner = unwrap(cur);
    if (inner instanceof z.ZodObject) cur = (inner.shape as Record<string, z.ZodType>)[String(key)];
    else if (inner instanceof z.ZodArray) cur = inner.element as z.ZodType;
    else return undefined;
  }
  return cur;
}

const isInteger = (s: z.ZodNumber) => s.format === 'safeint' || s.format === 'int32' || s.format === 'uint32';

/** What a schema accepts, in words: "an integer", "a list of numbers", "one of cos, linear"... */
function expectation(schema: z.ZodType | undefined): string | undefined {
  const s = unwrap(schema);
  if (!s) return undefined;
  if (s instanceof z.ZodNullable) {
    const inner = expectation(s.unwrap() as z.ZodType);
    return inner && `${inner} or null`;
  }
  if (s instanceof z.ZodNumber) return isInteger(s) ? 'an integer' : 'a number';
  if (s instanceof z.ZodBoolean) return 'true or false';
  if (s instanceof z.ZodString) return 'a string';
  if (s instanceof z.ZodEnum) return `one of ${s.options.join(', ')}`;
  if (s instanceof z.ZodLiteral) return s.values.size === 1 ? JSON.stringify([...s.values][0]) : undefined;
  if (s instanceof z.ZodObject) return 'an object';
  if (s instanceof z.ZodArray) {
    const element = unwrap(s.element as z.ZodType);
    if (element instanceof z.ZodNumber) return 'a list of numbers';
    if (element instanceof z.ZodString) return 'a list of strings';
    return 'a list';
  }
  if (s instanceof z.ZodUnion) {
    const parts = (s.options as z.ZodType[]).map(expectation);
    return parts.every((p) => p !== undefined) ? parts.join(' or ') : undefined;
  }
  return undefined;
}

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) return String(value);
  if (typeof value === 'function') return 'a function';
  return JSON.stringify(value) ?? String(value);
}

function fieldName(path: readonly PropertyKey[], prefix: string): string {
  const parts = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  const joined = `${prefix}${parts}`.replace(/^\./, '');
  return joined || '(config)';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input as Record<PropertyKey, unknown> | undefined;
  for (const k of path) cur = cur?.[k] as Record<PropertyKey, unknown> | undefined;
  return cur;
}

type Issue = z.core.$ZodIssue;

function bound(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, value: unknown): string {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'array' || issue.origin === 'set') {
    const n = Number(limit);
    return `must have ${small ? 'at least' : 'at most'} ${n} item${n === 1 ? '' : 's'}, got ${Array.isArray(value) ? value.length : show(value)}`;
  }
  if (issue.origin === 'string') return Number(limit) === 1 && small ? 'must not be empty' : `must have ${small ? 'at least' : 'at most'} ${limit} characters`;
  return `must be ${small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<'} ${limit}, got ${show(value)}`;
}

function issueError(issue: Issue, root: z.ZodType, input: unknown, prefix: string): ConfigError {
  const field = fieldName(issue.path, prefix);
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const obj = unwrap(schemaAt(root, issue.path));
      const allowed = obj instanceof z.ZodObject ? Object.keys(obj.shape) : [];
      const where = issue.path.length ? field : prefix.replace(/\.$/, '') || '(config)';
      const key = issue.keys[0]!;
      const keys = issue.keys.map((k) => `'${k}'`).join(', ');
      const suggestion = suggestKey(key, allowed);
      const message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys} in ${where}${didYouMean(suggestion)}`;
      return new UnknownOptionError(`${where === '(config)' ? '' : `${where}.`}${key}`, message, allowed, key, suggestion);
    }
    case 'invalid_type':
    case 'invalid_union': {
      if (value === undefined) return new ConfigError(field, 'is required');
      if (issue.code === 'invalid_union') {
        // the branch of the value's own type explains best what is wrong (a negative number, say)
        const branch = issue.errors.find((errors) => errors.length > 0 && !errors.some((e) => e.code === 'invalid_type' && e.path.length === 0));
        if (branch) return issueError({ ...branch[0]!, path: [...issue.path, ...branch[0]!.path] } as Issue, root, input, prefix);
      }
      if (typeof value === 'number' && !Number.isFinite(value)) return new ConfigError(field, `must be a finite number, got ${show(value)}`);
      const expected = expectation(schemaAt(root, issue.path));
      return new ConfigError(field, expected ? `must be ${expected}, got ${show(value)}` : issue.message.replace(/^Invalid input: /, ''));
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      const suggestion = typeof value === 'string' ? suggestKey(value, values) : undefined;
      return new ConfigError(field, `unknown value ${show(value)}${didYouMean(suggestion)}`, values);
    }
    case 'too_small':
    case 'too_big':
      return new ConfigError(field, bound(issue, value));
    case 'not_multiple_of':
      return new ConfigError(field, `must be a multiple of ${issue.divisor}, got ${show(value)}`);
    default:
      return new ConfigError(field, issue.message.replace(/^Invalid input: /, ''));
  }
}

/**
 * Parses `input` with `schema`, throwing a ConfigError for the first issue: the field as a path under
 * `prefix` (`schedule.numCycles`, `optimizer.betas[1]`), and the allowed values of a closed choice.
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw issueError(result.error.issues[0]!, schema, input, prefix);
}

// ---- strict option objects ---------------------------------------------------------------------

/** How strictOptions names things in its errors. */
export interface StrictOptionsNaming {
  /**
   * Where the object sits in a larger one (`schedule`, `schedule.sequential[1]`, `optimizer`): errors
   * name `path.key`. Default: no prefix, as for options passed straight to a function or constructor.
   */
  path?: string;
  /** Wrong names mapped to right ones beyond what the spelling rules find (`learningRate: 'lr'`). */
  aliases?: Readonly<Record<string, string>>;
}

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null);

/** `path.key`, or `key` at the top level. */
export const fieldPath = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/**
 * An option object checked against its schema, defaults filled in. Unknown keys are rejected with an
 * UnknownOptionError naming the key and `where` (the owner: 'cosine', 'SGD', 'TransformerLM'), listing
 * the allowed keys and suggesting the likely one (`weight_decay` -> `weightDecay`); every other
 * problem is a ConfigError naming the field. `undefined` counts as `{}`.
 */
export function strictOptions<S extends OptionsSchema>(schema: S, value: unknown, where: string, naming: StrictOptionsNaming = {}): z.output<S> {
  const path = naming.path ?? '';
  const input = value === undefined ? {} : value;
  if (!isPlainObject(input)) throw new ConfigError(path || where, `the options of ${where} must be an object, got ${show(input)}`);
  const allowed = Object.keys(schema.shape);
  for (const key of Object.keys(input)) {
    if (Object.hasOwn(schema.shape, key)) continue;
    const suggestion = suggestKey(key, allowed, naming.aliases);
    throw new UnknownOptionError(fieldPath(path, key), `unknown option of ${where}${didYouMean(suggestion)}`, allowed, key, suggestion);
  }
  return parseConfig(schema, input, path);
}

/** The same ConfigError under another field name, its message and allowed values kept. */
export function withField(err: ConfigError, field: string): ConfigError {
  let message = err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message;
  const suffix = err.allowed && err.allowed.length ? ` (allowed: ${err.allowed.join(', ')})` : '';
  if (suffix && message.endsWith(suffix)) message = message.slice(0, -suffix.length);
  return new ConfigError(field, message, err.allowed);
}

// ---- help --------------------------------------------------------------------------------------

/** One field of an option object as help text and command lines see it. */
export interface OptionInfo {
  name: string;
  description: string;
  /** 'choice' has `choices`; 'number|number[]' is one value or a list. */
  type: 'number' | 'integer' | 'boolean' | 'string' | 'choice' | 'number[]' | 'integer[]' | 'string[]' | 'number|number[]' | 'other';
  choices?: readonly string[];
  /** The schema's default, when it declares one. */
  default?: unknown;
  /** Whether the field must be given. */
  required: boolean;
}

function typeOf(schema: z.ZodType | undefined): Pick<OptionInfo, 'type' | 'choices'> {
  const s = unwrap(schema);
  if (s instanceof z.ZodNumber) return { type: isInteger(s) ? 'integer' : 'number' };
  if (s instanceof z.ZodBoolean) return { type: 'boolean' };
  if (s instanceof z.ZodString) return { type: 'string' };
  if (s instanceof z.ZodEnum) return { type: 'choice', choices: s.options.map(String) };
  if (s instanceof z.ZodArray) {
    const element = typeOf(s.element as z.ZodType).type;
    if (element === 'number' || element === 'integer' || element === 'string') return { type: `${element}[]` };
  }
  if (s instanceof z.ZodUnion) {
    const types = (s.options as z.ZodType[]).map((o) => typeOf(o).type).sort().join(',');
    if (types === 'number,number[]') return { type: 'number|number[]' };
  }
  return { type: 'other' };
}

/** A field's description, wherever along its wrappers (optional, default) it was given. */
function descriptionOf(field: z.ZodType): string {
  let s: z.ZodType | undefined = field;
  for (let i = 0; i < 16 && s; i++) {
    if (s.description) return s.description;
    const def = s.def as { innerType?: z.ZodType };
    s = def.innerType;
  }
  return '';
}

/** The fields of an option object, in declaration order, with their descriptions, types and defaults. */
export function describeOptions(schema: OptionsSchema): OptionInfo[] {
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const def = field.def as { type: string; defaultValue?: unknown };
    return {
      name,
      description: descriptionOf(field),
      ...typeOf(field),
      ...(def.type === 'default' ? { default: def.defaultValue } : {}),
      required: !field.safeParse(undefined).success,
    };
  });
}
