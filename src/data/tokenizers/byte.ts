/**
 * Byte-level tokenizer: the UTF-8 bytes of the text, byte b having id b + 3 after <pad> 0, <bos> 1,
 * <eos> 2 (259 ids, no <unk>: every text has an encoding). A string's lone UTF-16 surrogates encode
 * as U+FFFD, as TextEncoder does. Decoding id sequences that are not well-formed UTF-8 (a model can
 * sample any byte) gives U+FFFD for each maximal ill-formed subpart, exactly as TextDecoder does.
 */
import { checkId, type Tokenizer, type ByteTokenizerJSON } from './types.js';

const OFFSET = 3;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

class ByteTokenizer implements Tokenizer {
  readonly kind = 'byte' as const;
  readonly vocabSize = 256 + OFFSET;
  readonly padId = 0;
  readonly bosId = 1;
  readonly eosId = 2;
  readonly unkId = null;

  encode(text: string): number[] {
    const bytes = encoder.encode(text);
    const out = new Array<number>(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! + OFFSET;
    return out;
  }

  decode(ids: readonly number[]): string {
    const bytes: number[] = [];
    for (const id of ids) {
      checkId(id, this.vocabSize, 'byte');
      if (id >= OFFSET) bytes.push(id - OFFSET);
    }
    return decoder.decode(Uint8Array.from(bytes));
  }

  toJSON(): ByteTokenizerJSON {
    return { kind: 'byte' };
  }
}

/** The byte-level tokenizer (the same for every text). */
export function byteTokenizer(): Tokenizer {
  return new ByteTokenizer();
}
