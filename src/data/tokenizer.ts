/**
 * Tokenizers: character-level and byte-level built in, Hugging Face tokenizer.json files loaded
 * through @huggingface/tokenizers. `toJSON()` is what a model directory stores and
 * `tokenizerFromJSON` rebuilds the same tokenizer from it.
 */
import { z } from 'zod';
import { ConfigError, InputError } from '../errors.js';
import { charTokenizer, charTokenizerFromChars } from './tokenizers/char.js';
import { byteTokenizer } from './tokenizers/byte.js';
import { huggingFaceTokenizer, loadTokenizer } from './tokenizers/huggingface.js';
import type { Tokenizer, TokenizerJSON } from './tokenizers/types.js';

export type { Tokenizer, TokenizerJSON, CharTokenizerJSON, ByteTokenizerJSON, HuggingFaceTokenizerJSON } from './tokenizers/types.js';
export { PAD_TOKEN, BOS_TOKEN, EOS_TOKEN, UNK_TOKEN } from './tokenizers/types.js';
export { charTokenizer, byteTokenizer, loadTokenizer, huggingFaceTokenizer };

const tokenizerJSONSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('char'), chars: z.array(z.string()) }),
  z.object({ kind: z.literal('byte') }),
  z.object({
    kind: z.literal('huggingface'),
    tokenizer: z.record(z.string(), z.unknown()),
    config: z.record(z.string(), z.unknown()).nullable(),
  }),
]);

/**
 * Rebuilds a tokenizer from its `toJSON()` output. Anything else (a hand-edited or foreign file) is
 * an InputError that names `source`, the file it came from.
 */
export function tokenizerFromJSON(json: TokenizerJSON | unknown, source = 'tokenizer'): Tokenizer {
  const parsed = tokenizerJSONSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new InputError(`${source}: not a saved anneal tokenizer (${issue.message}${where}; kinds: char, byte, huggingface)`, source);
  }
  const j = parsed.data;
  switch (j.kind) {
    case 'char':
      try {
        return charTokenizerFromChars(j.chars);
      } catch (err) {
        throw new InputError(`${source}: ${(err as Error).message}`, source);
      }
    case 'byte':
      return byteTokenizer();
    case 'huggingface':
      return huggingFaceTokenizer(j.tokenizer, j.config, source);
  }
}

/** How a run asks for its tokenizer (the config's `data.tokenizer`). */
export interface TokenizerSpec {
  type: 'char' | 'byte' | 'huggingface';
  /** A tokenizer.json file or a directory holding one; required for 'huggingface'. */
  path?: string;
}

/**
 * The tokenizer `spec` asks for: char takes its vocabulary from `trainingText`, byte needs nothing,
 * huggingface loads `spec.path`. `field` names the config field in errors.
 */
export function buildTokenizer(spec: TokenizerSpec, trainingText: string, field = 'data.tokenizer'): Tokenizer {
  switch (spec.type) {
    case 'char':
      return charTokenizer(trainingText);
    case 'byte':
      return byteTokenizer();
    case 'huggingface':
      if (!spec.path) throw new ConfigError(`${field}.path`, 'a huggingface tokenizer needs the path of its tokenizer.json');
      return loadTokenizer(spec.path);
    default:
      throw new ConfigError(`${field}.type`, `got ${JSON.stringify((spec as { type: unknown }).type)}`, ['char', 'byte', 'huggingface']);
  }
}
