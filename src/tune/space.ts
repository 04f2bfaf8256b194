/**
 * The search space of a sweep: axes named by the same dotted config paths `--set` takes, each a list
 * of values (a grid axis) or a distribution to sample (random search). Grid search runs every
 * combination; random search draws N configurations from one seeded generator, so the same seed
 * gives the same trials, and a larger N extends the same sequence.
 */
import { ConfigError } from '../errors.js';
import { parseOverride, parseValue, type Override } from '../train/overrides.js';
import { Generator } from '../tensor/random.js';

export type Distribution =
  | { kind: 'values'; values: unknown[] }
  | { kind: 'choice'; values: unknown[] }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'loguniform'; low: number; high: number };

export interface Axis {
  /** The dotted config path, as written. */
  path: string;
  /** The same path split, as applyOverrides takes it. */
  keys: string[];
  distribution: Distribution;
  /** The axis as the user wrote it (path=spec). */
  text: string;
}

/** One trial's settings: each axis path with its value. */
export type TrialPoint = Record<string, unknown>;

/**
 * Splits at commas outside brackets, braces and quotes, so JSON values keep theirs:
 * `schedule={"name":"cosine","warmupSteps":10},{"name":"constant"}` is two values.
 */
export function splitValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

function bound(text: string | undefined, axis: string, which: string): number {
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(n)) throw new ConfigError(axis, `${which} bound '${text ?? ''}' is not a number`);
  return n;
}

/**
 * Parses `path=spec`: `v1,v2,...` (values, JSON or else strings), `choice:v1,v2,...`,
 * `uniform:low:high` or `loguniform:low:high` (low > 0). The path must be a dotted config path.
 */
export function parseAxis(text: string): Axis {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError('sweep axis', `expected path=values like optimizer.lr=1e-4,3e-4 or optimizer.lr=loguniform:1e-5:1e-3, got '${text}'`);
  const path = text.slice(0, eq);
  const spec = text.slice(eq + 1);
  // the same path rules as --set (no empty segments, no __proto__)
  const keys = parseOverride(`${path}=0`).path;
  const field = `sweep axis ${path}`;
  if (spec.trim() === '') throw new ConfigError(field, 'has no values');
  const m = /^(choice|uniform|loguniform):(.*)$/s.exec(spec);
  let distribution: Distribution;
  if (!m) distribution = { kind: 'values', values: splitValues(spec).map(parseValue) };
  else if (m[1] === 'choice') {
    if (m[2]!.trim() === '') throw new ConfigError(field, 'choice: needs at least one value');
    distribution = { kind: 'choice', values: splitValues(m[2]!).map(parseValue) };
  } else {
    const parts = m[2]!.split(':');
    if (parts.length !== 2) throw new ConfigError(field, `expected ${m[1]}:low:high, got '${spec}'`);
    const low = bound(parts[0], field, 'the low');
    const high = bound(parts[1], field, 'the high');
    if (!(low < high)) throw new ConfigError(field, `needs low < high, got ${low} and ${high}`);
    if (m[1] === 'loguniform' && !(low > 0)) throw new ConfigError(field, `loguniform needs low > 0, got ${low}`);
    distribution = { kind: m[1] as 'uniform' | 'loguniform', low, high };
  }
  return { path, keys, distribution, text };
}

/** Refuses the same path twice: the later axis would silently replace the earlier one. */
function checkDistinct(axes: readonly Axis[]): void {
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.path)) throw new ConfigError(`sweep axis ${a.path}`, 'is given twice');
    seen.add(a.path);
  }
}

/**
 * Every combination of the axes' values, the first axis varying slowest (as nested loops written in
 * the order given). An axis must be a list of values or a choice.
 */
export function expandGrid(axes: readonly Axis[]): TrialPoint[] {
  checkDistinct(axes);
  let points: TrialPoint[] = [{}];
  for (const a of axes) {
    const d = a.distribution;
    if (d.kind === 'uniform' || d.kind === 'loguniform') {
      throw new ConfigError(`sweep axis ${a.path}`, `${d.kind}:${d.low}:${d.high} is a range to sample, not a list: use --random N for it, or list values for the grid`);
    }
    points = points.flatMap((p) => d.values.map((v) => ({ ...p, [a.path]: v })));
  }
  return points;
}

/** Draws one value of an axis. */
function draw(d: Distribution, g: Generator): unknown {
  switch (d.kind) {
    case 'values':
    case 'choice':
      return d.values[g.integer(0, d.values.length)];
    case 'uniform':
      return d.low + g.uniform53() * (d.high - d.low);
    case 'loguniform':
      return Math.exp(Math.log(d.low) + g.uniform53() * (Math.log(d.high) - Math.log(d.low)));
  }
}

/**
 * `count` points drawn from the axes by anneal's seeded generator: trial i takes the i-th draws, so
 * the same seed reproduces the trials and a larger count only adds to them. A list of values is
 * sampled as a choice.
 */
export function sampleRandom(axes: readonly Axis[], count: number, seed: number): TrialPoint[] {
  checkDistinct(axes);
  if (!(Number.isInteger(count) && count >= 1)) throw new ConfigError('--random', `expects a positive number of trials, got ${count}`);
  if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new ConfigError('--seed', `expects a non-negative integer, got ${seed}`);
  const g = new Generator(seed);
  return Array.from({ length: count }, () => Object.fromEntries(axes.map((a) => [a.path, draw(a.distribution, g)])));
}

/** The overrides that turn the base config into a trial's. */
export function pointOverrides(axes: readonly Axis[], point: TrialPoint): Override[] {
  return axes.map((a) => ({ path: a.keys, value: point[a.path] }));
}
