/**
 * Module and Parameter, after torch.nn.Module: a module owns its parameters, buffers and
 * submodules, discovered from its own properties in the order they were declared, and exposes them
 * under PyTorch-style dotted names ("encoder.layers.0.selfAttn.inProjWeight").
 */
import type { Storage } from '../backend/index.js';
import { loadStateDictOptions, moduleOptions } from './options.js';
import { ArgumentError } from '../errors.js';
import { Generator, keep, noGrad, Tensor } from '../tensor/index.js';
import { renameToPyTorch, resolveStateDictNames, toPyTorchName, type Naming } from './pytorchNames.js';

/** A tensor that a Module registers as a learnable parameter (requiresGrad by default). */
export class Parameter extends Tensor {
  constructor(data: Tensor | Storage, options: { requiresGrad?: boolean; shape?: readonly number[] } = {}) {
    const source = data instanceof Tensor ? data : null;
    const storage = source ? source.toTypedArray() : (data as Storage);
    super(storage, options.shape ?? (source ? source.shape : [storage.length]));
    this.requiresGrad = options.requiresGrad ?? true;
    // a model built inside tidy() keeps its parameters
    keep(this);
  }
}

/** A state dict that does not fit the module: missing, unexpected or mis-shaped tensors. */
export class StateDictError extends ArgumentError {
  override name = 'StateDictError';
  constructor(
    message: string,
    readonly missingKeys: string[] = [],
    readonly unexpectedKeys: string[] = [],
    readonly shapeMismatches: string[] = [],
  ) {
    super(message);
  }
}

export type StateDict = Record<string, Tensor>;

interface Buffer {
  tensor: Tensor | null;
  persistent: boolean;
}

export abstract class Module {
  /** Whether the module is in training mode (dropout active); see train() / eval(). */
  training = true;
  private readonly bufferTable = new Map<string, Buffer>();

  /** Registers a tensor that is state but not a parameter (e.g. positional tables); persistent ones go in stateDict(). */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): Tensor | null {
    if (tensor) keep(tensor);
    this.bufferTable.set(name, { tensor, persistent });
    return tensor;
  }

  /** Direct submodules with their attribute names. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [name, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([name, value]);
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, each once, with dotted names ('' for this one). */
  namedModules(prefix = '', seen = new Set<Module>()): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name, seen));
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters directly owned by this module (not its children). */
  protected ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [name, value] of Object.entries(this)) if (value instanceof Parameter) out.push([name, value]);
    return out;
  }

  /** Every parameter with its dotted name; a parameter shared by two modules is listed once. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modName, mod] of modules) {
      for (const [name, p] of mod.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        const full = modName ? `${modName}.${name}` : name;
        // errors name a parameter by the longest path it was listed under: the whole model's, once it lists them
        if (p.name === null || p.name.length < full.length) p.name = full;
        out.push([full, p]);
      }
    }
    return out;
  }

  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modName, mod] of modules) {
      for (const [name, b] of mod.bufferTable) if (b.tensor) out.push([modName ? `${modName}.${name}` : name, b.tensor]);
    }
    return out;
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /** Number of parameter elements (trainable only, if asked). */
  numParameters(options: { trainableOnly?: boolean } = {}): number {
    let n = 0;
    for (const p of this.parameters()) if (!options.trainableOnly || p.requiresGrad) n += p.numel();
    return n;
  }

  /** Sets training mode here and in every descendant; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: dropout off. Same as train(false). */
  eval(): this {
    return this.train(false);
  }

  /** Calls fn on every descendant and then on this module (torch's Module.apply). */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Parameters and persistent buffers by dotted name; the tensors share storage with the module.
   * `naming: 'pytorch'` spells the names as the equivalent PyTorch module's state_dict() does
   * (snake_case: `selfAttn.inProjWeight` -> `self_attn.in_proj_weight`; see pytorchNames.ts).
   */
  stateDict(options: { naming?: Naming } = {}): StateDict {
    const out: StateDict = {};
    for (const [modName, mod] of this.namedModules()) {
      for (const [name, p] of mod.ownParameters()) out[modName ? `${modName}.${name}` : name] = p.detach();
      for (const [name, b] of mod.bufferTable) {
        if (b.persistent && b.tensor) out[modName ? `${modName}.${name}` : name] = b.tensor.detach();
      }
    }
    if (options.naming !== 'pytorch') return out;
    const renamed = renameToPyTorch(out);
    if (renamed.collisions.length) throw new StateDictError(`${this.constructor.name} has no PyTorch naming: ${renamed.collisions.join('; ')}`);
    return renamed.stateDict;
  }

  /**
   * Other names under which a file may hold this module's state (relative names: alias -> own key),
   * such as the output layer's weight when it is tied to an embedding. loadStateDict accepts them.
   */
  stateDictAliases(): Record<string, string> {
    return {};
  }

  /**
   * Copies values from a state dict into this module's tensors in place. In strict mode (the
   * default) missing and unexpected keys are errors; a shape mismatch always is. The error lists
   * every offending key. Keys may be spelled anneal's way or PyTorch's (pytorchNames.ts), and a tied
   * weight may come under any of its names.
   */
  loadStateDict(stateDict: StateDict, options: boolean | { strict?: boolean } = true): { missingKeys: string[]; unexpectedKeys: string[] } {
    // PyTorch's load_state_dict(sd, strict=False), written either way
    const strict = typeof options === 'boolean' ? options : moduleOptions(loadStateDictOptions, options, 'loadStateDict').strict ?? true;
    const own = this.stateDict();
    const resolved = resolveStateDictNames(this, stateDict, own);
    stateDict = resolved.stateDict;
    const spell = (k: string) => (resolved.naming === 'pytorch' ? toPyTorchName(k) : k);
    const missingKeys = Object.keys(own).filter((k) => !Object.hasOwn(stateDict, k));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !Object.hasOwn(own, k));
    const shapeMismatches: string[] = [];
    for (const [k, target] of Object.entries(own)) {
      const src = stateDict[k];
      if (!src) continue;
      if (src.shape.length !== target.shape.length || src.shape.some((s, i) => s !== target.shape[i])) {
        shapeMismatches.push(`${spell(k)}: checkpoint has [${src.shape.join(', ')}], model has [${target.shape.join(', ')}]`);
      }
    }
    if (shapeMismatches.length > 0 || resolved.conflicts.length > 0 || (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0))) {
      const parts: string[] = [];
      if (missingKeys.length) parts.push(`missing keys: ${missingKeys.map(spell).join(', ')}`);
      if (unexpectedKeys.length && strict) parts.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
      if (shapeMismatches.length) parts.push(`shape mismatches: ${shapeMismatches.join('; ')}`);
      if (resolved.conflicts.length) parts.push(`conflicting values: ${resolved.conflicts.join('; ')}`);
      throw new StateDictError(`Error(s) in loading state dict for ${this.constructor.name}: ${parts.join('. ')}`, missingKeys, unexpectedKeys, shapeMismatches);
    }
    noGrad(() => {
      for (const [k, target] of Object.entries(own)) {
        const src = stateDict[k];
        if (src) target.copy_(src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * A deep copy with fresh parameter and buffer storage (what torch's copy.deepcopy gives
   * TransformerEncoder for its layers). Shared parameters stay shared within the copy.
   */
  clone(): this {
    const copies = new Map<object, unknown>();
    const copyValue = (v: unknown): unknown => {
      if (v === null || typeof v !== 'object') return v;
      if (copies.has(v)) return copies.get(v);
      // a copied module keeps drawing from the same random stream, or its dropout would repeat the original's
      if (v instanceof Generator) return v;
      if (v instanceof Parameter) {
        const p = new Parameter(v, { requiresGrad: v.requiresGrad });
        copies.set(v, p);
        return p;
      }
      if (v instanceof Tensor) {
        const t = new Tensor(v.toTypedArray(), v.shape);
        copies.set(v, t);
        return t;
      }
      if (Array.isArray(v)) {
        const arr: unknown[] = [];
        copies.set(v, arr);
        for (const x of v) arr.push(copyValue(x));
        return arr;
      }
      if (v instanceof Map) {
        const m = new Map();
        copies.set(v, m);
        for (const [key, x] of v) m.set(key, copyValue(x));
        return m;
      }
      const obj = Object.create(Object.getPrototypeOf(v)) as Record<string, unknown>;
      copies.set(v, obj);
      for (const key of Reflect.ownKeys(v)) {
        const desc = Object.getOwnPropertyDescriptor(v, key)!;
        if ('value' in desc) desc.value = copyValue(desc.value);
        Object.defineProperty(obj, key, desc);
      }
      return obj;
    };
    return copyValue(this) as this;
  }
}

/** Holds submodules in a list, named by index ("layers.0", "layers.1", ...). */
export class ModuleList<M extends Module = Module> extends Module {
  readonly items: M[];

  constructor(modules: Iterable<M> = []) {
    super();
    this.items = [...modules];
  }

  override namedChildren(): [string, Module][] {
    return this.items.map((m, i) => [String(i), m]);
  }

  get length(): number {
    return this.items.length;
  }

  at(i: number): M {
    const m = this.items.at(i);
    if (!m) throw new ArgumentError(`ModuleList index ${i} is out of range for ${this.items.length} modules`);
    return m;
  }

  append(m: M): this {
    this.items.push(m);
    return this;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
}

/** A module mapping one tensor to one tensor, which Sequential can chain. */
export interface UnaryModule {
  forward(x: Tensor): Tensor;
}

/** Chains modules: forward(x) = mN(...m1(x)). */
export class Sequential extends ModuleList<Module & UnaryModule> {
  constructor(...modules: (Module & UnaryModule)[]) {
    super(modules);
  }

  forward(x: Tensor): Tensor {
    let h = x;
    for (const m of this.items) h = m.forward(h);
    return h;
  }
}
