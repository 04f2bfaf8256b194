/** The optimizer and LR scheduler a config describes, over a model's weight-decay groups. */
import { createScheduler, LRScheduler, ReduceLROnPlateau, type SchedulableOptimizer } from '../lr/index.js';
import type { Module } from '../nn/index.js';
import { Adafactor, Adam, AdamW, paramGroupsWithDecay, SGD, type Optimizer } from '../optim/index.js';
import type { TrainConfig } from './config.js';

export type TrainOptimizer = Optimizer<{ lr: number | null }>;

/** The configured optimizer; biases, norms and positional parameters get no weight decay. */
export function buildOptimizer(config: Pick<TrainConfig, 'optimizer'>, model: Module): TrainOptimizer {
  const o = config.optimizer;
  const groups = paramGroupsWithDecay(model, { weightDecay: o.weightDecay });
  switch (o.name) {
    case 'adamw': return new AdamW(groups, { lr: o.lr, betas: o.betas, eps: o.eps });
    case 'adam': return new Adam(groups, { lr: o.lr, betas: o.betas, eps: o.eps });
    case 'sgd': return new SGD(groups, { lr: o.lr, momentum: o.momentum, nesterov: o.nesterov });
    case 'adafactor':
      // Hugging Face's defaults with the relative step; otherwise an external schedule, as HF recommends for fine-tuning
      return o.relativeStep
        ? new Adafactor(groups, { lr: null })
        : new Adafactor(groups, { lr: o.lr, relativeStep: false, scaleParameter: false, warmupInit: false });
  }
}

export type TrainScheduler = LRScheduler | ReduceLROnPlateau;

/**
 * The configured schedule over the run's optimizer steps, or null when the optimizer computes its
 * own LR (Adafactor's relative step). A schedule that needs totalSteps and leaves it out gets the run's.
 */
export function buildScheduler(config: TrainConfig, optimizer: TrainOptimizer, totalSteps: number, tokensPerStep?: number): TrainScheduler | null {
  if (config.optimizer.relativeStep) return null;
  return createScheduler(optimizer as SchedulableOptimizer, config.schedule, { context: { totalSteps, tokensPerStep } });
}
