/**
 * The built-in numbers-to-words task: the source is the digits of an integer ("4096"), the target
 * one word per digit ("four zero nine six"). Lengths are drawn uniformly from [minDigits, maxDigits]
 * and then a uniform number of that many digits (no leading zero), as in the PyTorch reference
 * (shared/bench/torch_numbers.py). Test and validation sets are drawn first from one seed and are
 * disjoint; training numbers are drawn fresh, skipping every held-out number, so no split overlaps.
 *
 * Held-out sets take at most half of the numbers of any one length. Only 10 one-digit and 90
 * two-digit numbers exist, while a length-uniform draw of 2,000 held-out numbers would take all of
 * them, leaving training without a single short input (the model then fails every one of them).
 */
import { Generator } from '../tensor/index.js';
import { ConfigError, InputError } from '../errors.js';
import { seq2seqBatch, type Seq2SeqBatch } from './batching.js';
import { Vocab } from './vocab.js';

export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

export interface NumbersOptions {
  minDigits?: number;
  maxDigits?: number;
  validSize?: number;
  testSize?: number;
  /** A fixed training set of this many numbers; null draws fresh numbers for every batch. */
  trainSize?: number | null;
  seed?: number;
}

export const sourceVocab = (): Vocab => new Vocab(DIGIT_WORDS.map((_, d) => String(d)));
export const targetVocab = (): Vocab => new Vocab([...DIGIT_WORDS]);

/** The words for a string of digits. */
export function numberToWords(digits: string): string {
  return [...digits].map((c) => DIGIT_WORDS[Number(c)]!).join(' ');
}

export class NumbersToWords {
  readonly minDigits: number;
  readonly maxDigits: number;
  readonly srcVocab = sourceVocab();
  readonly tgtVocab = targetVocab();
  readonly valid: readonly string[];
  readonly test: readonly string[];
  readonly train: readonly string[] | null;
  private readonly heldOut: Set<string>;

  constructor(options: NumbersOptions = {}) {
    this.minDigits = options.minDigits ?? 1;
    this.maxDigits = options.maxDigits ?? 6;
    if (!(Number.isInteger(this.minDigits) && Number.isInteger(this.maxDigits) && this.minDigits >= 1 && this.maxDigits >= this.minDigits)) {
      throw new ConfigError('minDigits', `numbers: need integers 1 <= minDigits <= maxDigits, got ${this.minDigits}..${this.maxDigits}`);
    }
    const g = new Generator(options.seed ?? 0);
    const validSize = options.validSize ?? 1000;
    const testSize = options.testSize ?? 1000;
    const trainSize = options.trainSize ?? null;
    const available = this.countNumbers();
    let holdable = 0;
    for (let k = this.minDigits; k <= this.maxDigits; k++) holdable += Math.floor(this.countNumbers(k) / 2);
    if (validSize + testSize > holdable || validSize + testSize + (trainSize ?? 1) > available) {
      throw new ConfigError(
        'validSize',
        `numbers: ${validSize} validation + ${testSize} test numbers (+ ${trainSize ?? 'fresh'} training) do not fit the ${available} numbers of ${this.minDigits}-${this.maxDigits} digits (held-out sets may take half of each length)`,
      );
    }
    const taken = new Set<string>();
    const heldPerLength = new Map<number, number>();
    const draw = (count: number, capped: boolean): string[] => {
      const out: string[] = [];
      while (out.length < count) {
        const n = this.sample(g);
        if (taken.has(n)) continue;
        if (capped) {
          const held = heldPerLength.get(n.length) ?? 0;
          if (held >= Math.floor(this.countNumbers(n.length) / 2)) continue;
          heldPerLength.set(n.length, held + 1);
        }
        taken.add(n);
        out.push(n);
      }
      return out;
    };
    this.test = draw(testSize, true).sort();
    this.valid = draw(validSize, true).sort();
    this.heldOut = new Set(taken);
    this.train = trainSize === null ? null : draw(trainSize, false);
  }

  /** How many distinct numbers have `digits` digits, or between minDigits and maxDigits when omitted. */
  countNumbers(digits?: number): number {
    if (digits !== undefined) return digits === 1 ? 10 : 9 * 10 ** (digits - 1);
    let n = 0;
    for (let k = this.minDigits; k <= this.maxDigits; k++) n += this.countNumbers(k);
    return n;
  }

  /** One number as a digit string, length uniform in [minDigits, maxDigits]. */
  sample(g: Generator): string {
    const k = g.integer(this.minDigits, this.maxDigits + 1);
    const lo = k === 1 ? 0 : 10 ** (k - 1);
    return String(g.integer(lo, 10 ** k));
  }

  /** `size` training numbers: drawn fresh (never a held-out number) or picked from the fixed training set. */
  sampleTrain(size: number, g: Generator): string[] {
    const out: string[] = [];
    while (out.length < size) {
      if (this.train) out.push(this.train[g.integer(0, this.train.length)]!);
      else {
        const n = this.sample(g);
        if (!this.heldOut.has(n)) out.push(n);
      }
    }
    return out;
  }

  isHeldOut(n: string): boolean {
    return this.heldOut.has(n);
  }

  /** Source ids for a digit string (throws InputError on anything but digits). */
  encodeSource(digits: string): number[] {
    if (!/^[0-9]+$/.test(digits)) throw new InputError(`'${digits}' is not a number made of the digits 0-9`);
    return [...digits].map((c) => this.srcVocab.id(c));
  }

  encodeTarget(digits: string): number[] {
    return [...digits].map((c) => this.tgtVocab.id(DIGIT_WORDS[Number(c)]!));
  }

  /** Padded src/tgt tensors for a list of digit strings. */
  batch(numbers: readonly string[]): Seq2SeqBatch {
    return seq2seqBatch(
      numbers.map((n) => ({ src: this.encodeSource(n), tgt: this.encodeTarget(n) })),
      { srcPad: this.srcVocab.padId, tgtPad: this.tgtVocab.padId, sos: this.tgtVocab.sosId, eos: this.tgtVocab.eosId },
    );
  }
}
