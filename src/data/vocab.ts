/** A token <-> id table with the special tokens sequence models need. */
import { ArgumentError, InputError } from '../errors.js';

export const PAD = '<pad>';
export const SOS = '<sos>';
export const EOS = '<eos>';

export class Vocab {
  readonly tokens: readonly string[];
  private readonly index: Map<string, number>;

  /** Specials first (<pad> = 0, <sos> = 1, <eos> = 2), then `tokens` in order. */
  constructor(tokens: readonly string[], specials: readonly string[] = [PAD, SOS, EOS]) {
    this.tokens = [...specials, ...tokens];
    this.index = new Map(this.tokens.map((t, i) => [t, i]));
    if (this.index.size !== this.tokens.length) throw new ArgumentError('Vocab: duplicate tokens');
  }

  get size(): number {
    return this.tokens.length;
  }

  get padId(): number {
    return this.id(PAD);
  }

  get sosId(): number {
    return this.id(SOS);
  }

  get eosId(): number {
    return this.id(EOS);
  }

  has(token: string): boolean {
    return this.index.has(token);
  }

  id(token: string): number {
    const i = this.index.get(token);
    if (i === undefined) throw new InputError(`unknown token '${token}'`);
    return i;
  }

  encode(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.id(t));
  }

  /** Tokens for ids, stopping at <eos> and skipping <pad>/<sos>. */
  decode(ids: Iterable<number>): string[] {
    const out: string[] = [];
    for (const id of ids) {
      const t = this.tokens[id];
      if (t === EOS) break;
      if (t === PAD || t === SOS) continue;
      out.push(t ?? `<${id}?>`);
    }
    return out;
  }

  toJSON(): { tokens: readonly string[] } {
    return { tokens: this.tokens };
  }

  /** Rebuilds a vocab from toJSON() output (specials included in the list). */
  static fromTokens(all: readonly string[]): Vocab {
    return new Vocab(all, []);
  }
}
