/** Seeded train/validation/test splits of a list of examples (e.g. the pairs of one TSV file). */
import { ConfigError } from '../errors.js';
import { Generator, randperm } from '../tensor/index.js';

export interface SplitOptions {
  /** Share of the examples held out for validation, in [0, 1). */
  validFraction: number;
  /** Share held out for testing, in [0, 1); default 0. */
  testFraction?: number;
  seed: number;
  /** Config field prefix for errors (default 'data'). */
  field?: string;
}

export interface Split<T> {
  train: T[];
  valid: T[];
  test: T[];
}

/**
 * Splits `items` at random (seeded) into train, valid and test, each keeping the items' original
 * order. A fraction above 0 holds out at least one item; a split that would leave training empty
 * is a ConfigError naming the fraction.
 */
export function splitExamples<T>(items: readonly T[], options: SplitOptions): Split<T> {
  const field = options.field ?? 'data';
  const { validFraction, seed } = options;
  const testFraction = options.testFraction ?? 0;
  for (const [name, f] of [['validFraction', validFraction], ['testFraction', testFraction]] as const) {
    if (!(f >= 0 && f < 1)) throw new ConfigError(`${field}.${name}`, `must be in [0, 1), got ${f}`);
  }
  const n = items.length;
  const count = (f: number): number => (f > 0 ? Math.max(1, Math.round(f * n)) : 0);
  const nValid = count(validFraction), nTest = count(testFraction);
  if (nValid + nTest >= n) {
    throw new ConfigError(
      `${field}.validFraction`,
      `holding out ${nValid} validation + ${nTest} test of ${n} examples leaves none for training; use smaller fractions (or more data)`,
    );
  }
  const perm = randperm(n, new Generator(seed));
  const pick = (from: number, to: number): T[] => Array.from(perm.subarray(from, to)).sort((a, b) => a - b).map((i) => items[i]!);
  return { valid: pick(0, nValid), test: pick(nValid, nValid + nTest), train: pick(nValid + nTest, n) };
}
