/** The tokenizer seam: text <-> ids, with the special ids sequence models need. */
import { InputError } from '../../errors.js';

/** Names of the special tokens every built-in tokenizer puts first (ids 0, 1, 2). */
export const PAD_TOKEN = '<pad>';
export const BOS_TOKEN = '<bos>';
export const EOS_TOKEN = '<eos>';
export const UNK_TOKEN = '<unk>';

export interface CharTokenizerJSON {
  kind: 'char';
  /** The vocabulary after the specials, one Unicode code point each, in code point order. */
  chars: string[];
}

export interface ByteTokenizerJSON {
  kind: 'byte';
}

export interface HuggingFaceTokenizerJSON {
  kind: 'huggingface';
  /** The parsed tokenizer.json, whole, so the model directory needs no other file. */
  tokenizer: Record<string, unknown>;
  /** The parsed tokenizer_config.json found beside it, or null. */
  config: Record<string, unknown> | null;
}

/** What a model directory stores for its tokenizer; `tokenizerFromJSON` rebuilds an identical one. */
export type TokenizerJSON = CharTokenizerJSON | ByteTokenizerJSON | HuggingFaceTokenizerJSON;

export interface Tokenizer {
  readonly kind: 'char' | 'byte' | 'huggingface';
  /** Number of ids: every id the tokenizer produces or decodes lies in [0, vocabSize). */
  readonly vocabSize: number;
  /** Padding id; never produced by `encode`, never equal to bosId or eosId. */
  readonly padId: number;
  /** Start-of-sequence id (the seq2seq decoder's first input). */
  readonly bosId: number;
  /** End-of-sequence id. */
  readonly eosId: number;
  /** The id text outside the vocabulary maps to, or null when every input has an encoding. */
  readonly unkId: number | null;
  /** Ids for `text`, with no special tokens added. */
  encode(text: string): number[];
  /** Text for `ids`, skipping pad, bos and eos; an id outside [0, vocabSize) is a RangeError. */
  decode(ids: readonly number[]): string;
  /** What the model directory stores; `tokenizerFromJSON` rebuilds an identical tokenizer. */
  toJSON(): TokenizerJSON;
}

/** Throws an InputError for an id outside [0, vocabSize). */
export function checkId(id: number, vocabSize: number, kind: string): void {
  if (!(Number.isInteger(id) && id >= 0 && id < vocabSize)) {
    throw new InputError(`${kind} tokenizer: id ${id} is outside the vocabulary [0, ${vocabSize})`);
  }
}
