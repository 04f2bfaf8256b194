/**
 * Hugging Face `tokenizer.json` files (BPE, WordPiece, Unigram with their normalizers,
 * pre-tokenizers and decoders) through @huggingface/tokenizers, Hugging Face's pure-JS port of
 * the Rust `tokenizers` library.
 *
 * Special ids. The sequence models need distinct pad, bos and eos ids, and tokenizer files name
 * them in different places, so each is resolved in this order:
 *   1. tokenizer_config.json beside the file (`pad_token`, `bos_token`, `eos_token`), as transformers does;
 *   2. the post-processor: the special tokens a TemplateProcessing puts before/after `$A`, or
 *      RobertaProcessing/BertProcessing's cls (bos) and sep (eos);
 *   3. an added special token with a conventional name (`<pad>`/`[PAD]`, `<s>`/`<bos>`/`[CLS]`,
 *      `</s>`/`<eos>`/`[SEP]`, GPT-2's `<|endoftext|>` for eos and, lacking another, bos);
 *   4. otherwise a new token (`<pad>`, `<bos>`, `<eos>`) is appended after the file's last id, as
 *      `tokenizer.add_special_tokens` does in transformers; `vocabSize` counts it.
 * A pad that coincides with bos or eos (GPT-2 configs often set pad = eos) is replaced by a new
 * `<pad>`, because padding positions are masked out of the loss and eos must not be.
 * `encode` adds no special tokens (`add_special_tokens: false`), though an added token written in
 * the text (a literal `<s>`) still encodes to its id, as in Hugging Face; `decode` skips every
 * special token. Decoding does not apply transformers' `clean_up_tokenization_spaces` unless the
 * tokenizer_config.json asks for it, so it matches the Rust library's `decode`.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tokenizer as HFTokenizer } from '@huggingface/tokenizers';
import { InputError } from '../../errors.js';
import { checkId, PAD_TOKEN, BOS_TOKEN, EOS_TOKEN, type Tokenizer, type HuggingFaceTokenizerJSON } from './types.js';

type Json = Record<string, unknown>;

const PAD_NAMES = ['<pad>', '[PAD]', '<|pad|>', '<|padding|>', '<PAD>'];
const BOS_NAMES = ['<s>', '<bos>', '[CLS]', '<|startoftext|>', '<|begin_of_text|>', '<BOS>'];
const EOS_NAMES = ['</s>', '<eos>', '[SEP]', '<|endoftext|>', '<|end_of_text|>', '<EOS>'];

/** A token name from a tokenizer_config.json field: a string or an AddedToken object's content. */
function configToken(config: Json | null, key: string): string | null {
  const v = config?.[key];
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as Json).content === 'string') return (v as Json).content as string;
  return null;
}

/** The special tokens the post-processor wraps a single sequence in: [before $A, after $A]. */
function postProcessorSpecials(pp: unknown): [string | null, string | null] {
  if (!pp || typeof pp !== 'object') return [null, null];
  const p = pp as Json;
  if (p.type === 'Sequence' && Array.isArray(p.processors)) {
    for (const sub of p.processors) {
      const found = postProcessorSpecials(sub);
      if (found[0] !== null || found[1] !== null) return found;
    }
    return [null, null];
  }
  if (p.type === 'RobertaProcessing' || p.type === 'BertProcessing') {
    const name = (x: unknown): string | null => (Array.isArray(x) && typeof x[0] === 'string' ? x[0] : null);
    return [name(p.cls), name(p.sep)];
  }
  if (p.type === 'TemplateProcessing' && Array.isArray(p.single)) {
    let before: string | null = null, after: string | null = null, seenSequence = false;
    for (const piece of p.single as Json[]) {
      if (piece && 'Sequence' in piece) seenSequence = true;
      const special = (piece?.SpecialToken as Json | undefined)?.id;
      if (typeof special !== 'string') continue;
      if (!seenSequence && before === null) before = special;
      if (seenSequence && after === null) after = special;
    }
    return [before, after];
  }
  return [null, null];
}

class HuggingFaceTokenizer implements Tokenizer {
  readonly kind = 'huggingface' as const;
  readonly vocabSize: number;
  readonly padId: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly unkId: number | null;
  /** Ids decode drops before handing the rest to the library: pad/bos/eos and the file's specials. */
  private readonly skip = new Set<number>();
  /** First id appended here; ids from it on are unknown to the library. */
  private readonly fileVocabSize: number;
  private readonly lib: HFTokenizer;

  constructor(
    private readonly json: Json,
    private readonly config: Json | null,
  ) {
    const added = Array.isArray(json.added_tokens) ? (json.added_tokens as Json[]) : [];
    const parts = { normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null };
    this.lib = new HFTokenizer({ ...parts, ...json, added_tokens: added }, { clean_up_tokenization_spaces: false, ...(config ?? {}) });
    const vocab = this.lib.get_vocab(true);
    let maxId = -1;
    for (const id of vocab.values()) if (id > maxId) maxId = id;
    this.fileVocabSize = maxId + 1;

    const specials = new Set(added.filter((t) => t.special === true).map((t) => t.content as string));
    for (const name of specials) {
      const id = vocab.get(name);
      if (id !== undefined) this.skip.add(id);
    }
    const byName = (names: readonly string[]): string | null => names.find((n) => specials.has(n)) ?? null;
    const [ppBos, ppEos] = postProcessorSpecials(json.post_processor);
    const present = (n: string | null): string | null => (n !== null && vocab.has(n) ? n : null);
    let bos = present(configToken(config, 'bos_token')) ?? present(ppBos) ?? byName(BOS_NAMES);
    const eos = present(configToken(config, 'eos_token')) ?? present(ppEos) ?? byName(EOS_NAMES);
    if (bos === null && eos === '<|endoftext|>') bos = eos;
    let pad = present(configToken(config, 'pad_token')) ?? byName(PAD_NAMES);
    if (pad !== null && (pad === bos || pad === eos)) pad = null;

    let next = this.fileVocabSize;
    const appended = new Map<string, number>();
    const resolve = (name: string | null, fallback: string): number => {
      if (name !== null) return vocab.get(name)!;
      let fresh = fallback;
      while (vocab.has(fresh)) fresh = `<${fresh.slice(1, -1)}_>`; // a name the file already uses for something else
      if (!appended.has(fresh)) appended.set(fresh, next++);
      return appended.get(fresh)!;
    };
    this.bosId = resolve(bos, BOS_TOKEN);
    this.eosId = resolve(eos, EOS_TOKEN);
    this.padId = resolve(pad, PAD_TOKEN);
    this.vocabSize = next;
    for (const id of [this.padId, this.bosId, this.eosId]) this.skip.add(id);

    const model = (json.model ?? {}) as Json;
    const unk = typeof model.unk_token === 'string' ? vocab.get(model.unk_token) : typeof model.unk_id === 'number' ? model.unk_id : undefined;
    this.unkId = unk ?? null;
  }

  encode(text: string): number[] {
    if (text.length === 0) return [];
    return this.lib.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    const kept: number[] = [];
    for (const id of ids) {
      checkId(id, this.vocabSize, 'huggingface');
      if (!this.skip.has(id) && id < this.fileVocabSize) kept.push(id);
    }
    return kept.length === 0 ? '' : this.lib.decode(kept, { skip_special_tokens: true });
  }

  toJSON(): HuggingFaceTokenizerJSON {
    return { kind: 'huggingface', tokenizer: this.json, config: this.config };
  }
}

/** A tokenizer from the parsed contents of a tokenizer.json (and tokenizer_config.json, if any). */
export function huggingFaceTokenizer(tokenizerJson: Json, config: Json | null = null, source = 'tokenizer.json'): Tokenizer {
  if (!tokenizerJson || typeof tokenizerJson !== 'object' || Array.isArray(tokenizerJson) || !tokenizerJson.model) {
    throw new InputError(`${source} is not a Hugging Face tokenizer.json (it has no "model")`, source);
  }
  try {
    return new HuggingFaceTokenizer(tokenizerJson, config);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${source} is not a usable Hugging Face tokenizer.json: ${(err as Error).message}`, source);
  }
}

function readJson(path: string, what: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `cannot read ${what} (${path} does not exist)` : `cannot read ${what} ${path}: ${code ?? (err as Error).message}`, path);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InputError('not a JSON object', path);
    return value as Json;
  } catch (err) {
    throw new InputError(`${what} ${path} is not valid JSON: ${(err as Error).message}`, path);
  }
}

/**
 * Loads a Hugging Face tokenizer from `path`: a tokenizer.json file, or a directory holding one.
 * A tokenizer_config.json beside it, when present, supplies the special tokens and decode options.
 */
export function loadTokenizer(path: string): Tokenizer {
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, 'tokenizer.json');
  } catch {
    // readJson names the missing path
  }
  const json = readJson(file, 'tokenizer file');
  const configPath = join(dirname(file), 'tokenizer_config.json');
  let config: Json | null = null;
  try {
    statSync(configPath);
    config = readJson(configPath, 'tokenizer config');
  } catch (err) {
    if (err instanceof InputError) throw err;
  }
  return huggingFaceTokenizer(json, config, file);
}
