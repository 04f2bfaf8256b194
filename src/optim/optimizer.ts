/**
 * The optimizer base, after torch/optim/optimizer.py: parameter groups with their own options,
 * per-parameter state, zeroGrad, and a state dict that stores parameters by position so it can be
 * loaded into a freshly built optimizer over a freshly built model.
 */
import { ArgumentError, ConfigError } from '../errors.js';
import { fieldPath, strictOptions, type OptionsSchema } from '../options.js';
import { keep, Tensor } from '../tensor/index.js';

/** Options every optimizer has; a scheduler writes `lr` on each group. */
export interface BaseOptions {
  lr: number;
}

/** The least an optimizer's options have: an lr, which is null where the optimizer computes its own (Adafactor's relative step). */
export interface LrOption {
  lr: number | null;
}

export type ParamGroupInput<O> = { params: Iterable<Tensor> } & Partial<O>;
export type ParamsInput<O> = Iterable<Tensor> | readonly ParamGroupInput<O>[];

/** A group as the optimizer holds it: its parameters and its full set of options. */
export type ParamGroup<O> = O & { params: Tensor[]; initialLr?: number };

export type StateValue = Tensor | number | boolean | null;
export type ParamState = Record<string, StateValue>;

export interface OptimizerStateDict<O = Record<string, unknown>> {
  /** Per-parameter state, keyed by the parameter's position across all groups. */
  state: Record<number, ParamState>;
  /** Each group's options with `params` as positions instead of tensors. */
  paramGroups: (Omit<ParamGroup<O>, 'params'> & { params: number[] })[];
}

/** A parameter list or state dict the optimizer cannot take (bad option values are ConfigErrors). */
export class OptimizerError extends ArgumentError {
  override name = 'OptimizerError';
}

/**
 * What an optimizer declares about its options: its name for errors, the zod schema of its option
 * object (a description on every field), and wrong names worth a suggestion (`learningRate` -> `lr`).
 * The same schema checks the constructor's options and every parameter group's overrides.
 */
export interface OptimizerSpec {
  name: string;
  schema: OptionsSchema;
  aliases?: Readonly<Record<string, string>>;
}

/** Names PyTorch and other libraries use for the options every optimizer shares. */
export const commonAliases: Readonly<Record<string, string>> = {
  learningRate: 'lr',
  learning_rate: 'lr',
  epsilon: 'eps',
  decay: 'weightDecay',
  l2: 'weightDecay',
};

/**
 * The constructor's options, checked against the optimizer's schema (unknown names are an
 * UnknownOptionError with a suggestion; bad values a ConfigError naming the field), with undefined
 * entries dropped so they leave the defaults in place.
 */
export function checkOptimizerOptions<T extends object>(spec: OptimizerSpec, options: T | undefined): T {
  strictOptions(spec.schema, options, spec.name, { aliases: { ...commonAliases, ...spec.aliases } });
  return Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined)) as T;
}

function isGroupList<O>(params: ParamsInput<O>): params is readonly ParamGroupInput<O>[] {
  return Array.isArray(params) && params.length > 0 && !(params[0] instanceof Tensor);
}

export abstract class Optimizer<O extends LrOption = BaseOptions> {
  readonly defaults: Readonly<O>;
  readonly paramGroups: ParamGroup<O>[] = [];
  readonly state = new Map<Tensor, ParamState>();

  /**
   * `spec` declares the option object's schema: the constructor's options (checked by the subclass
   * with checkOptimizerOptions before they become `defaults`) and every group's overrides are
   * checked against it. Without one (a subclass of its own) groups are taken as they are.
   */
  constructor(params: ParamsInput<O>, defaults: O, private readonly spec?: OptimizerSpec) {
    this.defaults = Object.freeze({ ...defaults });
    const groups = isGroupList(params) ? params : [{ params } as ParamGroupInput<O>];
    if (groups.length === 0) throw new OptimizerError('optimizer got an empty parameter list');
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group; options it leaves out come from the optimizer's defaults. */
  addParamGroup(group: ParamGroupInput<O>): void {
    const path = `paramGroups[${this.paramGroups.length}]`;
    if (group === null || typeof group !== 'object' || !('params' in group)) {
      throw new OptimizerError(`${path}: a parameter group is an object { params, ...options }`);
    }
    const { params: groupParams, ...overrides } = group as { params: Iterable<Tensor> } & Record<string, unknown>;
    if (this.spec) strictOptions(this.spec.schema, overrides, this.spec.name, { path, aliases: { ...commonAliases, ...this.spec.aliases } });
    for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete overrides[k];
    const params = [...groupParams];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new OptimizerError('optimizer can only optimize Tensors');
      if (!p.isLeaf) throw new OptimizerError("can't optimize a non-leaf Tensor");
    }
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    for (const p of params) {
      if (seen.has(p)) throw new OptimizerError('some parameters appear in more than one parameter group');
      seen.add(p);
    }
    const full = { ...this.defaults, ...overrides, params } as ParamGroup<O>;
    // a rule that ties options together names the group when the group set one of them
    this.validateGroup(full, Object.keys(overrides).length > 0 ? path : '');
    this.paramGroups.push(full);
  }

  /**
   * Checks the rules that tie a group's options together (the schema checked each alone); throws a
   * ConfigError naming the field under `path` (`paramGroups[1]`, or '' for the constructor's options).
   */
  protected validateGroup(group: ParamGroup<O>, path: string): void {
    if (group.lr !== null && !(group.lr >= 0)) throw new ConfigError(fieldPath(path, 'lr'), `must be >= 0, got ${group.lr}`);
  }

  /** Clears gradients; by default sets them to null like PyTorch 2 (set_to_none=True). */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (!p.grad) continue;
        if (setToNone) p.grad = null;
        else p.grad.zero_();
      }
    }
  }

  /** Updates every parameter that has a gradient. A closure, if given, re-evaluates the loss first. */
  step(closure?: () => number): number | undefined {
    const loss = closure?.();
    for (const group of this.paramGroups) this.updateGroup(group);
    return loss;
  }

  protected abstract updateGroup(group: ParamGroup<O>): void;

  /** Per-parameter state, created on first use. */
  protected stateFor(p: Tensor, init: () => ParamState): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = init();
      // optimizer state lives across steps: no scope may release it
      for (const v of Object.values(s)) if (v instanceof Tensor) keep(v);
      this.state.set(p, s);
    }
    return s;
  }

  stateDict(): OptimizerStateDict<O> {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...options } = g;
      return {
        ...options,
        params: params.map((p) => {
          if (!index.has(p)) index.set(p, index.size);
          return index.get(p)!;
        }),
      } as OptimizerStateDict<O>['paramGroups'][number];
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /** Restores state and group options (the groups' parameters stay this optimizer's own). */
  loadStateDict(sd: OptimizerStateDict<O>): void {
    if (!sd || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object') {
      throw new OptimizerError('loadStateDict: expected an object with `state` and `paramGroups`');
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new OptimizerError(`loaded state dict has ${sd.paramGroups.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    sd.paramGroups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i]!.params.length) {
        throw new OptimizerError(
          `loaded state dict contains a parameter group (${i}) of ${g.params.length} parameters, the optimizer's has ${this.paramGroups[i]!.params.length}`,
        );
      }
    });
    const byIndex = new Map<number, Tensor>();
    sd.paramGroups.forEach((g, i) => g.params.forEach((idx, j) => byIndex.set(idx, this.paramGroups[i]!.params[j]!)));
    this.state.clear();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(key));
      if (!p) throw new OptimizerError(`loadStateDict: state for parameter ${key} matches no parameter`);
      const copy: ParamState = {};
      for (const [name, v] of Object.entries(s)) {
        copy[name] = v instanceof Tensor ? keep(new Tensor(v.toTypedArray(), v.shape)) : v;
      }
      this.state.set(p, copy);
    }
    sd.paramGroups.forEach((g, i) => {
      const { params: _ignored, ...options } = g;
      Object.assign(this.paramGroups[i]!, options);
    });
  }
}
