/**
 * Weight-decay groups (the BERT / nanoGPT convention): matrices decay; biases, normalisation gains,
 * positional encodings and (optionally) embeddings do not, since shrinking them toward zero only
 * fights the function they compute. The rule is a plain predicate that callers can see and replace.
 */
import type { Tensor } from '../tensor/index.js';

/** Anything with PyTorch-style named parameters (an nn.Module). */
export interface HasNamedParameters {
  namedParameters(): [string, Tensor][];
}

export type NoDecayRule = (name: string, param: Tensor) => boolean;

export interface DecayGroupOptions {
  weightDecay: number;
  /** Parameters that get weight decay 0: a predicate, or name patterns (substring or RegExp). Default: defaultNoDecay. */
  noDecay?: NoDecayRule | readonly (string | RegExp)[];
  /** With the default rule, also exempt embedding tables. */
  excludeEmbeddings?: boolean;
}

const NORM_NAME = /(^|\.)(\w*norm\w*|ln_?\w*)(\.|$)/i;
const POSITION_NAME = /(^|\.)(positions?|pos_?emb\w*|position_?emb\w*|wpe)(\.|$)/i;
const EMBEDDING_NAME = /(^|\.)\w*emb\w*(\.|$)/i;

/** The default rule: vectors (biases, norm gains), anything named like a norm, positional tables. */
export function defaultNoDecay(name: string, param: Tensor, options: { excludeEmbeddings?: boolean } = {}): boolean {
  if (param.ndim < 2) return true;
  if (NORM_NAME.test(name) || POSITION_NAME.test(name)) return true;
  return options.excludeEmbeddings === true && EMBEDDING_NAME.test(name);
}

function toRule(options: DecayGroupOptions): NoDecayRule {
  const rule = options.noDecay;
  if (typeof rule === 'function') return rule;
  if (Array.isArray(rule)) {
    const patterns = rule as readonly (string | RegExp)[];
    return (name) => patterns.some((p) => (typeof p === 'string' ? name.includes(p) : p.test(name)));
  }
  return (name, p) => defaultNoDecay(name, p, options);
}

/** Which parameter names fall in each group, for logging or checking the rule. */
export function splitDecayNames(model: HasNamedParameters, options: DecayGroupOptions): { decay: string[]; noDecay: string[] } {
  const rule = toRule(options);
  const decay: string[] = [];
  const noDecay: string[] = [];
  for (const [name, p] of model.namedParameters()) (rule(name, p) ? noDecay : decay).push(name);
  return { decay, noDecay };
}

/**
 * Two parameter groups for an optimizer: [{ params: decayed, weightDecay }, { params: exempt, weightDecay: 0 }].
 * Both are always present (possibly empty), so optimizer state dicts keep the same layout.
 */
export function paramGroupsWithDecay(model: HasNamedParameters, options: DecayGroupOptions): [{ params: Tensor[]; weightDecay: number }, { params: Tensor[]; weightDecay: number }] {
  const rule = toRule(options);
  const decay: Tensor[] = [];
  const exempt: Tensor[] = [];
  for (const [name, p] of model.namedParameters()) (rule(name, p) ? exempt : decay).push(p);
  return [{ params: decay, weightDecay: options.weightDecay }, { params: exempt, weightDecay: 0 }];
}
