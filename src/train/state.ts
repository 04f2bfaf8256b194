/**
 * Everything the training loop carries from one step to the next, in one object that a checkpoint
 * saves and a resume restores (nanoGPT's checkpoint dict, grown to what exact resume needs: every
 * random generator, the loader's place, the optimizer and scheduler, the evaluation history the
 * stopping rules read).
 */
import type { GradScalerState } from '../amp/index.js';
import type { OptimizerStateDict } from '../optim/index.js';
import type { GeneratorState } from '../tensor/index.js';

/** One evaluation, as the stopping rules and the best-model choice see it. */
export interface EvalRecord {
  step: number;
  loss: number;
  perplexity: number;
  tokenAccuracy: number;
  metrics: Record<string, number>;
}

export interface TrainState {
  /** Optimizer steps taken, fine-tuning included. */
  step: number;
  phase: 'main' | 'finetune';
  /** Optimizer steps taken in the current phase. */
  phaseStep: number;
  /** Passes over the training data (fractional). */
  epoch: number;
  /** Target tokens trained on. */
  tokens: number;
  /** Seconds of training before this process started (maxTime counts across resumes). */
  elapsedSeconds: number;
  loader: unknown;
  /** The default generator (init, dropout), by name with any others a task keeps. */
  rng: Record<string, GeneratorState>;
  optimizer: OptimizerStateDict<Record<string, unknown>>;
  /** The LR scheduler's state; null when the optimizer sets its own LR. */
  scheduler: unknown;
  /** The best evaluation by validation loss so far. */
  best: EvalRecord | null;
  /** Evaluations since the best one (early stopping's patience counter). */
  sinceBest: number;
  history: EvalRecord[];
  /** Recent training losses, as many as the convergence rule reads. */
  recentLosses: number[];
  /** The loss scaler's state when training.lossScaling is on (fp16), else absent. */
  gradScaler?: GradScalerState;
  /** Optimizer steps skipped because their gradients overflowed (loss scaling). */
  skippedSteps?: number;
}

export function initialState(): Omit<TrainState, 'loader' | 'rng' | 'optimizer' | 'scheduler'> {
  return { step: 0, phase: 'main', phaseStep: 0, epoch: 0, tokens: 0, elapsedSeconds: 0, best: null, sinceBest: 0, history: [], recentLosses: [] };
}
