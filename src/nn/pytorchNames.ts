/**
 * PyTorch's names for anneal's tensors. anneal names every attribute as PyTorch does, in camelCase
 * (`selfAttn.inProjWeight` is torch.nn.MultiheadAttention's `self_attn.in_proj_weight`), so the
 * PyTorch name of a state-dict key is the key with each dotted segment in snake_case, and the equivalent
 * PyTorch module tree (scripts/fixtures/interop.py builds it for TransformerSeq2Seq and
 * TransformerLM) has exactly those names in its state_dict().
 *
 * Three cases are not a plain rename; how a file may name them:
 * - a tied weight (one tensor under two names: the output layer reusing the embedding, or shared
 *   source/target embeddings) is written once, under the name of the module that owns it
 *   (`tok_embed.weight`, `src_embed.weight`), as safetensors' own save_model writes shared tensors.
 *   Reading also takes it under its other name (`head.weight`, `tgt_embed.weight`), as PyTorch's
 *   state_dict() lists it, or under both when they hold the same values;
 * - a non-persistent buffer (the sinusoidal position table `positions.pe`) is recomputed, never
 *   written, as PyTorch's state_dict() leaves it out; a file that holds it anyway is accepted when
 *   its values are the module's;
 * - anneal's own camelCase names, which files written before this naming hold, are still read.
 * This file only computes names: Module.loadStateDict and stateDict({ naming: 'pytorch' }) use it.
 */
import type { Storage } from '../backend/index.js';
import type { Tensor } from '../tensor/index.js';
import type { Module, StateDict } from './module.js';

/** How the keys of a state dict are spelled: anneal's camelCase or PyTorch's snake_case. */
export type Naming = 'anneal' | 'pytorch';

/** anneal's dotted name -> PyTorch's ('core.encoder.layers.0.selfAttn.inProjWeight' -> 'core.encoder.layers.0.self_attn.in_proj_weight'). */
export function toPyTorchName(name: string): string {
  return name
    .split('.')
    .map((segment) => segment.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))
    .join('.');
}

/** PyTorch's dotted name -> anneal's ('self_attn.in_proj_weight' -> 'selfAttn.inProjWeight'). */
export function toAnnealName(name: string): string {
  return name
    .split('.')
    .map((segment) => segment.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()))
    .join('.');
}

/**
 * Renames a state dict's keys to PyTorch's. `collisions` lists names that two keys would share (a
 * module with attributes `fooBar` and `foo_bar`); the caller refuses those.
 */
export function renameToPyTorch(stateDict: StateDict): { stateDict: StateDict; collisions: string[] } {
  const out = Object.create(null) as StateDict;
  const from = new Map<string, string>();
  const collisions: string[] = [];
  for (const [k, t] of Object.entries(stateDict)) {
    const name = toPyTorchName(k);
    const other = from.get(name);
    if (other !== undefined) collisions.push(`${other} and ${k} are both ${name} in PyTorch's naming`);
    from.set(name, k);
    out[name] = t;
  }
  return { stateDict: out, collisions };
}

/** The state-dict key of a tensor: stateDict() returns detached views, so a tensor is known by its storage and offset. */
function keyFinder(stateDict: StateDict): (t: Tensor) => string | undefined {
  const names = new Map<Storage, Map<number, string>>();
  for (const [k, t] of Object.entries(stateDict)) {
    let byOffset = names.get(t.storage);
    if (!byOffset) names.set(t.storage, (byOffset = new Map()));
    if (!byOffset.has(t.offset)) byOffset.set(t.offset, k);
  }
  return (t) => names.get(t.storage)?.get(t.offset);
}

interface NameTable {
  /** Every accepted spelling -> the state-dict key it stands for. */
  keys: Map<string, string>;
  /** Every spelling of a non-persistent buffer -> the module's tensor. */
  recomputed: Map<string, { name: string; tensor: Tensor }>;
}

/**
 * Every name a file may use for each of the module's state-dict entries: both spellings of the key,
 * of each other path to the same tensor (a submodule reachable twice), and of each alias a module
 * declares through stateDictAliases() (a tied output layer).
 */
function nameTable(module: Module, own: StateDict): NameTable {
  const find = keyFinder(own);
  const keys = new Map<string, string>();
  const recomputed = new Map<string, { name: string; tensor: Tensor }>();
  const paths = new Map<string, Tensor>();
  const add = (name: string, key: string) => {
    for (const spelling of [name, toPyTorchName(name)]) if (!keys.has(spelling)) keys.set(spelling, key);
  };
  for (const k of Object.keys(own)) add(k, k);
  const declared: [alias: string, target: string][] = [];
  const walk = (m: Module, prefix: string, path: Set<Module>) => {
    if (path.has(m)) return;
    path.add(m);
    const at = (name: string) => (prefix ? `${prefix}.${name}` : name);
    for (const [name, t] of [...m.namedParameters('', false), ...m.namedBuffers('', false)]) {
      paths.set(at(name), t);
      const key = find(t);
      if (key !== undefined) add(at(name), key);
      else for (const spelling of [at(name), toPyTorchName(at(name))]) recomputed.set(spelling, { name: at(name), tensor: t });
    }
    for (const [alias, target] of Object.entries(m.stateDictAliases())) declared.push([at(alias), at(target)]);
    for (const [name, child] of m.namedChildren()) walk(child, at(name), path);
    path.delete(m);
  };
  walk(module, '', new Set());
  // an alias may point at a path the walk found after it
  for (const [alias, target] of declared) {
    const t = paths.get(target);
    const key = t && find(t);
    if (key !== undefined) add(alias, key);
  }
  return { keys, recomputed };
}

function sameValues(a: Tensor, b: Tensor, tolerance: number): boolean {
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) return false;
  const x = a.values();
  const y = b.values();
  for (let i = 0; i < x.length; i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (!(p === q || Math.abs(p - q) <= tolerance * (1 + Math.abs(q)))) return false;
  }
  return true;
}

export interface ResolvedStateDict {
  /** The entries under the module's own state-dict keys; names it does not know are kept as they were, for the caller to report. */
  stateDict: StateDict;
  /** One line per entry given twice with different values, or a recomputed buffer that differs. */
  conflicts: string[];
  /** Whether the input spelled its names PyTorch's way (so errors can use that spelling). */
  naming: Naming;
}

/**
 * Maps a state dict written with PyTorch's names, anneal's, or a mix, onto `module`'s own keys,
 * taking tied weights under any of their names and dropping recomputed buffers that match.
 */
export function resolveStateDictNames(module: Module, input: StateDict, own: StateDict = module.stateDict()): ResolvedStateDict {
  const { keys, recomputed } = nameTable(module, own);
  const out = Object.create(null) as StateDict;
  const givenAs = new Map<string, string>();
  const conflicts: string[] = [];
  let pytorchSpelled = 0;
  let annealSpelled = 0;
  for (const [name, t] of Object.entries(input)) {
    if (name !== toAnnealName(name)) pytorchSpelled++;
    else if (name !== toPyTorchName(name)) annealSpelled++;
    const key = keys.get(name);
    if (key !== undefined) {
      const first = givenAs.get(key);
      if (first === undefined) {
        givenAs.set(key, name);
        out[key] = t;
      } else if (!sameValues(out[key]!, t, 0)) {
        conflicts.push(`${first} and ${name} are one tied tensor but hold different values`);
      }
      continue;
    }
    const buffer = recomputed.get(name);
    if (buffer) {
      // float32 sines from two libraries may differ in the last bit
      if (!sameValues(buffer.tensor, t, 1e-6)) {
        conflicts.push(`${name} is recomputed by the model (a non-persistent buffer), and the given values [${t.shape.join(', ')}] differ from its [${buffer.tensor.shape.join(', ')}]`);
      }
      continue;
    }
    out[name] = t;
  }
  return { stateDict: out, conflicts, naming: pytorchSpelled > annealSpelled ? 'pytorch' : 'anneal' };
}
