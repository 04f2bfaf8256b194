/**
 * Dynamic loss scaling for fp16 training: torch.cuda.amp.GradScaler (PyTorch 1.13, torch/cuda/amp/
 * grad_scaler.py), same defaults and the same per-optimizer stage rules. The loss is multiplied by
 * the scale before backward so small fp16 gradients do not flush to zero; `unscale` divides the
 * gradients back (in place, float32: grad * float32(1 / scale)) and records whether any is Inf or
 * NaN; `step` skips the optimizer when one was; `update` halves the scale after an overflow and
 * doubles it after `growthInterval` clean steps in a row.
 */
import { z } from 'zod';
import { getBackend } from '../backend/index.js';
import { ArgumentError } from '../errors.js';
import { strictOptions } from '../options.js';
import { floatData } from '../tensor/tensor.js';
import type { Tensor } from '../tensor/index.js';

export const gradScalerOptions = z.strictObject({
  initScale: z.number().positive().optional().describe('the first loss scale (PyTorch: init_scale, 2^16)'),
  growthFactor: z.number().gt(1).optional().describe('the scale is multiplied by this after growthInterval steps without Inf/NaN gradients (growth_factor, 2)'),
  backoffFactor: z.number().gt(0).lt(1).optional().describe('the scale is multiplied by this after a step with Inf/NaN gradients, which is skipped (backoff_factor, 0.5)'),
  growthInterval: z.number().int().positive().optional().describe('clean steps in a row before the scale grows (growth_interval, 2000)'),
  enabled: z.boolean().optional().describe('false makes every method a pass-through (scale 1, step always steps), as PyTorch\'s enabled=False'),
});

export type GradScalerOptions = z.input<typeof gradScalerOptions>;

/** What stateDict() returns and loadStateDict() takes (PyTorch's keys in camelCase). */
export interface GradScalerState {
  scale: number;
  growthFactor: number;
  backoffFactor: number;
  growthInterval: number;
  growthTracker: number;
}

/** What the scaler needs of an optimizer (any of optim's): its parameters and its step. */
export interface ScaledOptimizer {
  readonly paramGroups: readonly { readonly params: readonly Tensor[] }[];
  step(): unknown;
}

type Optimizer = ScaledOptimizer;

type Stage = 'ready' | 'unscaled' | 'stepped';

interface PerOptimizer {
  stage: Stage;
  foundInf: boolean;
}

export class GradScaler {
  private scale_: number;
  private growthFactor: number;
  private backoffFactor: number;
  private growthInterval: number;
  private growthTracker = 0;
  readonly enabled: boolean;
  private perOptimizer = new Map<Optimizer, PerOptimizer>();

  constructor(options: GradScalerOptions = {}) {
    const o = strictOptions(gradScalerOptions, options, 'GradScaler');
    this.scale_ = Math.fround(o.initScale ?? 2 ** 16);
    this.growthFactor = o.growthFactor ?? 2;
    this.backoffFactor = o.backoffFactor ?? 0.5;
    this.growthInterval = o.growthInterval ?? 2000;
    this.enabled = o.enabled ?? true;
  }

  /** loss * scale (float32), or loss itself when disabled. */
  scale(loss: Tensor): Tensor {
    return this.enabled ? loss.mul(this.scale_) : loss;
  }

  /**
   * Divides the optimizer's gradients by the scale in place and records whether any is Inf or NaN
   * (PyTorch's unscale_, e.g. before clipping). At most once per optimizer between update()s.
   */
  unscale(optimizer: Optimizer): void {
    if (!this.enabled) return;
    const s = this.stateOf(optimizer);
    if (s.stage === 'unscaled') throw new ArgumentError('unscale() has already been called on this optimizer since the last update()');
    if (s.stage === 'stepped') throw new ArgumentError('unscale() is being called after step()');
    const grads: Float32Array[] = [];
    for (const g of optimizer.paramGroups) for (const p of g.params) if (p.grad) grads.push(floatData(p.grad));
    const backend = getBackend();
    const maxAbs = new Float64Array(grads.length);
    if (grads.length > 0) backend.sumPow(grads, Infinity, maxAbs);
    s.foundInf = maxAbs.some((m) => !Number.isFinite(m));
    // PyTorch: inv_scale = scale.double().reciprocal().float(), multiplied in even when an Inf was found
    const inv = Math.fround(1 / this.scale_);
    if (grads.length > 0) backend.scaleInPlace(grads, inv);
    s.stage = 'unscaled';
  }

  /** Unscales if unscale() was not called, then steps the optimizer unless a gradient was Inf/NaN. Returns whether it stepped. */
  step(optimizer: Optimizer): boolean {
    if (!this.enabled) {
      optimizer.step();
      return true;
    }
    const s = this.stateOf(optimizer);
    if (s.stage === 'stepped') throw new ArgumentError('step() has already been called since the last update()');
    if (s.stage === 'ready') this.unscale(optimizer);
    s.stage = 'stepped';
    if (s.foundInf) return false;
    optimizer.step();
    return true;
  }

  /** Whether the optimizer's last unscale() found an Inf or NaN gradient (since the last update()). */
  foundInf(optimizer: Optimizer): boolean {
    return this.perOptimizer.get(optimizer)?.foundInf ?? false;
  }

  /**
   * Adjusts the scale after the step: ×backoffFactor if any optimizer found an Inf/NaN gradient,
   * ×growthFactor after growthInterval clean steps in a row (PyTorch's _amp_update_scale_). A
   * `newScale` sets the scale instead.
   */
  update(newScale?: number): void {
    if (!this.enabled) return;
    if (newScale !== undefined) {
      if (!(newScale > 0)) throw new ArgumentError(`update: newScale must be a positive number, got ${newScale}`);
      this.scale_ = Math.fround(newScale);
    } else {
      if (this.perOptimizer.size === 0) throw new ArgumentError('No inf checks were recorded prior to update(): call unscale() or step() first');
      let found = false;
      for (const s of this.perOptimizer.values()) found ||= s.foundInf;
      if (found) {
        this.scale_ = Math.fround(this.scale_ * this.backoffFactor);
        this.growthTracker = 0;
      } else if (this.growthTracker + 1 === this.growthInterval) {
        const grown = Math.fround(this.scale_ * this.growthFactor);
        // PyTorch keeps the old scale when growing would overflow float32
        if (Number.isFinite(grown)) this.scale_ = grown;
        this.growthTracker = 0;
      } else {
        this.growthTracker++;
      }
    }
    this.perOptimizer.clear();
  }

  /** The current scale (1 when disabled). */
  getScale(): number {
    return this.enabled ? this.scale_ : 1;
  }

  /** Clean steps since the last growth or backoff. */
  getGrowthTracker(): number {
    return this.growthTracker;
  }

  stateDict(): GradScalerState {
    return { scale: this.scale_, growthFactor: this.growthFactor, backoffFactor: this.backoffFactor, growthInterval: this.growthInterval, growthTracker: this.growthTracker };
  }

  loadStateDict(state: GradScalerState): void {
    for (const k of ['scale', 'growthFactor', 'backoffFactor', 'growthInterval', 'growthTracker'] as const) {
      if (typeof state?.[k] !== 'number') throw new ArgumentError(`GradScaler.loadStateDict: the state has no numeric '${k}'`);
    }
    this.scale_ = state.scale;
    this.growthFactor = state.growthFactor;
    this.backoffFactor = state.backoffFactor;
    this.growthInterval = state.growthInterval;
    this.growthTracker = state.growthTracker;
  }

  private stateOf(optimizer: Optimizer): PerOptimizer {
    let s = this.perOptimizer.get(optimizer);
    if (!s) this.perOptimizer.set(optimizer, (s = { stage: 'ready', foundInf: false }));
    return s;
  }
}
