/**
 * Stopping rules as pure functions of the run's history: each returns the reason to stop, or null.
 * The loop asks them after every evaluation (and the convergence rule after every step); they keep
 * no state of their own, so a resumed run decides exactly as an uninterrupted one would.
 */
import type { EvalRecord } from './state.js';

/** Whether `loss` improves on `best` by more than minDelta (Keras/Hugging Face's EarlyStopping rule). */
export function improves(loss: number, best: number | null, minDelta: number): boolean {
  return best === null || loss < best - minDelta;
}

/** Evaluations since the last one that improved on every earlier one by more than minDelta. */
export function evaluationsSinceBest(history: readonly EvalRecord[], minDelta: number): number {
  let best: number | null = null;
  let since = 0;
  for (const e of history) {
    if (improves(e.loss, best, minDelta)) {
      best = e.loss;
      since = 0;
    } else since++;
  }
  return since;
}

/** Early stopping: `patience` evaluations in a row without a better validation loss. */
export function earlyStopping(history: readonly EvalRecord[], patience: number | null, minDelta: number): string | null {
  if (patience === null || history.length === 0) return null;
  const since = evaluationsSinceBest(history, minDelta);
  if (since < patience) return null;
  return `early stopping: validation loss did not improve by more than ${minDelta} for ${since} evaluations (training.patience ${patience})`;
}

/** The task's target metric reached at the last evaluation. */
export function targetReached(history: readonly EvalRecord[], targets: { targetExactMatch: number | null; targetPerplexity: number | null }): string | null {
  const last = history[history.length - 1];
  if (!last) return null;
  const em = last.metrics.exactMatch;
  if (targets.targetExactMatch !== null && em !== undefined && em >= targets.targetExactMatch) {
    return `validation exact match ${em} reached the target ${targets.targetExactMatch} (training.targetExactMatch)`;
  }
  if (targets.targetPerplexity !== null && last.perplexity <= targets.targetPerplexity) {
    return `validation perplexity ${last.perplexity.toPrecision(4)} reached the target ${targets.targetPerplexity} (training.targetPerplexity)`;
  }
  return null;
}

/**
 * Convergence: the mean training loss of the last `window` steps differs from that of the window
 * before it by less than `threshold` (relative). Needs 2 x window losses.
 */
export function converged(losses: readonly number[], convergence: { window: number; threshold: number } | null): string | null {
  if (convergence === null) return null;
  const { window, threshold } = convergence;
  if (losses.length < 2 * window) return null;
  const mean = (a: readonly number[]) => a.reduce((s, x) => s + x, 0) / a.length;
  const last = mean(losses.slice(losses.length - window));
  const before = mean(losses.slice(losses.length - 2 * window, losses.length - window));
  const change = Math.abs(last - before) / Math.max(Math.abs(before), 1e-12);
  if (change >= threshold) return null;
  return `converged: the mean training loss changed by ${(100 * change).toFixed(2)}% over the last ${window} steps (training.convergence.threshold ${threshold})`;
}
