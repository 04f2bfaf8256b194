/**
 * Smoothing of noisy curves (per-step training losses): an exponential moving average with bias
 * correction, as fastai's SmoothLoss and TensorBoard's smoothing slider compute it. Without the
 * correction the average starts near 0, since it begins from an empty history.
 */
import { ArgumentError } from '../errors.js';

/**
 * avg_t = beta * avg_{t-1} + (1 - beta) * x_t, divided by (1 - beta^t) (t from 1). Non-finite
 * values stay non-finite at their place and poison nothing after them: they are left out of the
 * average, so a diverged step shows as a gap rather than a curve lost from there on.
 */
export function smoothEma(values: readonly number[], beta: number): number[] {
  if (!(beta >= 0 && beta < 1)) throw new ArgumentError(`smoothing beta must be in [0, 1), got ${beta}`);
  let avg = 0;
  let weight = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    avg = beta * avg + (1 - beta) * v;
    weight = beta * weight + (1 - beta);
    return avg / weight;
  });
}

/**
 * A smoothing factor that averages over about a twentieth of a curve of n points (at least 5, at
 * most 100 points: beta 0.8 to 0.99), so short and long runs both get a readable trend line.
 */
export function smoothingFor(n: number): number {
  const window = Math.min(100, Math.max(5, Math.round(n / 20)));
  return 1 - 1 / window;
}
