/**
 * Text for language models: a UTF-8 file, tokenized into one stream, cut into windows.
 *
 * Windows. A window is contextLength + 1 consecutive tokens: the input is the first contextLength,
 * the target the same span shifted by one. Consecutive windows start contextLength apart, so they
 * share one token (the last target of one is the first input of the next) and every token of a
 * region except its first is a target exactly once per epoch, as in nanoGPT-style fixed chunking.
 *
 * Split. The validation set is one contiguous span of the stream, placed by the seed, of a whole
 * number of windows (round(validFraction x the windows the text holds), at least one). Training
 * windows are cut separately from the text before and after it, so train and validation are
 * disjoint token ranges and no window crosses the boundary. Each region's tail shorter than a window
 * is unused (under one window per region).
 */
import { ConfigError, InputError } from '../errors.js';
import { Generator } from '../tensor/index.js';
import { decodeUtf8Strict, readFileBytes } from './utf8.js';

/** The text of a UTF-8 file; a missing file or an ill-formed byte sequence is an InputError naming it. */
export function readTextFile(path: string): string {
  const bytes = readFileBytes(path, 'text file');
  const decoded = decodeUtf8Strict(bytes);
  if ('error' in decoded) {
    const { offset, line, column } = decoded.error;
    throw new InputError(`${path}:${line}: invalid UTF-8 at byte offset ${offset} (line ${line}, byte ${column} of the line)`, path);
  }
  return decoded.text;
}

/** Windows over one token stream; window i is tokens[starts[i] .. starts[i] + contextLength]. */
export interface LMWindowSet {
  tokens: Int32Array;
  starts: Int32Array;
  contextLength: number;
}

export interface LMSplit {
  train: LMWindowSet;
  valid: LMWindowSet;
  /** The held-out token range [start, end); empty when validFraction is 0. */
  validSpan: [number, number];
}

export interface LMWindowOptions {
  /** Tokens of input per window (the model's context). */
  contextLength: number;
  /** Share of the windows held out for validation, in [0, 1). */
  validFraction: number;
  /** Places the validation span. */
  seed: number;
}

/** Window starts covering the region [from, to) with stride T. */
function regionStarts(from: number, to: number, T: number): number[] {
  const out: number[] = [];
  for (let s = from; s + T < to; s += T) out.push(s);
  return out;
}

/**
 * Splits a token stream into training and validation windows by position (see the file comment).
 * A stream too short for one training and one validation window is a ConfigError naming
 * `data.contextLength` or `data.validFraction` and what would fit.
 */
export function lmWindows(ids: Int32Array | readonly number[], options: LMWindowOptions): LMSplit {
  const { contextLength: T, validFraction, seed } = options;
  if (!(Number.isInteger(T) && T >= 1)) throw new ConfigError('data.contextLength', `must be an integer >= 1, got ${T}`);
  if (!(validFraction >= 0 && validFraction < 1)) throw new ConfigError('data.validFraction', `must be in [0, 1), got ${validFraction}`);
  const tokens = ids instanceof Int32Array ? ids : Int32Array.from(ids);
  const N = tokens.length;
  const window = T + 1;
  const set = (starts: number[]): LMWindowSet => ({ tokens, starts: Int32Array.from(starts), contextLength: T });

  if (validFraction === 0) {
    if (N < window) {
      throw new ConfigError('data.contextLength', `the text has ${N} tokens, fewer than one window of data.contextLength + 1 = ${window}; data.contextLength <= ${Math.max(0, N - 1)} would fit`);
    }
    return { train: set(regionStarts(0, N, T)), valid: set([]), validSpan: [0, 0] };
  }
  if (N < 2 * window) {
    throw new ConfigError(
      'data.contextLength',
      `the text has ${N} tokens, too few for one training and one validation window of data.contextLength + 1 = ${window} tokens each; data.contextLength <= ${Math.max(0, Math.floor(N / 2) - 1)} would fit`,
    );
  }
  const windows = Math.floor((N - 1) / T);
  const k = Math.max(1, Math.round(validFraction * windows));
  const L = k * T + 1;
  if (N - L < window) {
    const kMax = Math.floor((N - window - 1) / T);
    throw new ConfigError(
      'data.validFraction',
      `${validFraction} holds out ${k} of the text's ${windows} windows and leaves no training window; data.validFraction <= ${(kMax / windows).toPrecision(3)} would fit`,
    );
  }
  let s = new Generator(seed).integer(0, N - L + 1);
  if (regionStarts(0, s, T).length + regionStarts(s + L, N, T).length === 0) s = 2 * s < N - L ? 0 : N - L;
  return {
    train: set([...regionStarts(0, s, T), ...regionStarts(s + L, N, T)]),
    valid: set(regionStarts(s, s + L, T)),
    validSpan: [s, s + L],
  };
}
