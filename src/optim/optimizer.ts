/**
 * The optimizer base, after torch/optim/optimizer.py: parameter groups with their own options,
 * per-parameter state, zeroGrad, and a state dict that stores parameters by position so it can be
 * loaded into a freshly built optimizer over a freshly built model.
 */
import { ArgumentError } from '../errors.js';
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

function isGroupList<O>(params: ParamsInput<O>): params is readonly ParamGroupInput<O>[] {
  return Array.isArray(params) && params.length > 0 && !(params[0] instanceof Tensor);
}

export abstract class Optimizer<O extends LrOption = BaseOptions> {
  readonly defaults: Readonly<O>;
  readonly paramGroups: ParamGroup<O>[] = [];
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: ParamsInput<O>, defaults: O) {
    this.defaults = Object.freeze({ ...defaults });
    const groups = isGroupList(params) ? params : [{ params } as ParamGroupInput<O>];
    if (groups.length === 0) throw new OptimizerError('optimizer got an empty parameter list');
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group; options it leaves out come from the optimizer's defaults. */
  addParamGroup(group: ParamGroupInput<O>): void {
    const params = [...group.params];
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
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    this.validateGroup(full);
    this.paramGroups.push(full);
  }

  /** Checks a group's options; subclasses throw OptimizerError naming the bad option. */
  protected validateGroup(group: ParamGroup<O>): void {
    if (group.lr !== null && !(group.lr >= 0)) throw new OptimizerError(`Invalid learning rate: ${group.lr}`);
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
