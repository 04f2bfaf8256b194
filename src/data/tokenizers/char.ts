/**
 * Character-level tokenizer: one id per Unicode code point (not per UTF-16 unit, so an emoji is one
 * token), the vocabulary being the distinct code points of the training text in code point order.
 * Ids: <pad> 0, <bos> 1, <eos> 2, <unk> 3, then the characters. Text outside the vocabulary encodes
 * to <unk>, which decodes to U+FFFD (the replacement character), so the loss of information shows.
 */
import { checkId, PAD_TOKEN, BOS_TOKEN, EOS_TOKEN, UNK_TOKEN, type Tokenizer, type CharTokenizerJSON } from './types.js';
import { InputError } from '../../errors.js';

const SPECIALS = [PAD_TOKEN, BOS_TOKEN, EOS_TOKEN, UNK_TOKEN] as const;
const UNK_ID = 3;
const REPLACEMENT = '\uFFFD';

/** The distinct code points of `text` as one-character strings, in code point order. */
export function distinctCodePoints(text: string): string[] {
  const seen = new Set<number>();
  for (const c of text) seen.add(c.codePointAt(0)!);
  return [...seen].sort((a, b) => a - b).map((cp) => String.fromCodePoint(cp));
}

class CharTokenizer implements Tokenizer {
  readonly kind = 'char' as const;
  readonly padId = 0;
  readonly bosId = 1;
  readonly eosId = 2;
  readonly unkId = UNK_ID;
  readonly vocabSize: number;
  /** Id -> text: '' for pad/bos/eos (decode skips them), U+FFFD for unk, else the character. */
  private readonly pieces: string[];
  private readonly ids = new Map<number, number>();

  constructor(readonly chars: readonly string[]) {
    this.pieces = ['', '', '', REPLACEMENT, ...chars];
    this.vocabSize = SPECIALS.length + chars.length;
    chars.forEach((c, i) => this.ids.set(c.codePointAt(0)!, SPECIALS.length + i));
  }

  encode(text: string): number[] {
    const out: number[] = [];
    for (const c of text) out.push(this.ids.get(c.codePointAt(0)!) ?? UNK_ID);
    return out;
  }

  decode(ids: readonly number[]): string {
    let s = '';
    for (const id of ids) {
      checkId(id, this.vocabSize, 'char');
      s += this.pieces[id]!;
    }
    return s;
  }

  toJSON(): CharTokenizerJSON {
    return { kind: 'char', chars: [...this.chars] };
  }
}

/** A character tokenizer whose vocabulary is the distinct code points of `trainingText`. */
export function charTokenizer(trainingText: string): Tokenizer {
  return new CharTokenizer(distinctCodePoints(trainingText));
}

/** A character tokenizer over exactly `chars` (distinct single code points, in code point order). */
export function charTokenizerFromChars(chars: readonly string[]): Tokenizer {
  let prev = -1;
  for (const c of chars) {
    const cp = c.codePointAt(0);
    if (typeof c !== 'string' || cp === undefined || String.fromCodePoint(cp) !== c) {
      throw new InputError(`char tokenizer: vocabulary entry ${JSON.stringify(c)} is not one code point`);
    }
    if (cp <= prev) throw new InputError('char tokenizer: vocabulary must be distinct code points in increasing order');
    prev = cp;
  }
  return new CharTokenizer(chars);
}
