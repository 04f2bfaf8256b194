/**
 * Composition: `join` runs phases one after another, handing each its local step (0 at its start), and
 * `sequential` is PyTorch's SequentialLR over milestones. SequentialLR restarts each scheduler at its
 * milestone with step(0), so its values are exactly join's with phase lengths = milestone gaps.
 */
import { ConfigError } from '../errors.js';
import { integerOption, withMomentum, type Schedule } from './schedule.js';

export interface Phase {
  schedule: Schedule;
  /** Steps the phase lasts; the last phase may leave it out and runs on indefinitely. */
  steps?: number;
}

/** Phases back to back; phase i sees step - (steps of the phases before it). */
export function join(phases: readonly Phase[]): Schedule {
  if (!Array.isArray(phases) || phases.length === 0) throw new ConfigError('phases', 'join needs at least one phase');
  const starts: number[] = [0];
  phases.forEach((p, i) => {
    if (typeof p?.schedule !== 'function') throw new ConfigError(`phases[${i}].schedule`, 'must be a schedule function');
    if (i < phases.length - 1) starts.push(starts[i]! + integerOption(`phases[${i}].steps`, p.steps));
  });
  const at = (step: number): { phase: Phase; local: number } => {
    let i = 0;
    while (i < phases.length - 1 && step >= starts[i + 1]!) i++;
    return { phase: phases[i]!, local: step - starts[i]! };
  };
  const schedule = (step: number): number => {
    const { phase, local } = at(step);
    return phase.schedule(local);
  };
  if (!phases.some((p) => p.schedule.momentum)) return schedule;
  return withMomentum(schedule, (step) => {
    const { phase, local } = at(step);
    return phase.schedule.momentum?.(local);
  });
}

/**
 * PyTorch's SequentialLR: schedules[i] runs from milestones[i - 1] (0 for the first), restarted at 0.
 * Milestones must be increasing and positive (PyTorch 1.13 misbehaves on a milestone of 0).
 */
export function sequential(schedules: readonly Schedule[], milestones: readonly number[]): Schedule {
  if (!Array.isArray(schedules) || !Array.isArray(milestones) || milestones.length !== schedules.length - 1) {
    throw new ConfigError(
      'milestones',
      `sequential expects one milestone fewer than schedules, got ${schedules?.length} schedules and ${milestones?.length} milestones`,
    );
  }
  let previous = 0;
  const phases = schedules.map((schedule, i): Phase => {
    if (i === schedules.length - 1) return { schedule };
    const m = integerOption(`milestones[${i}]`, milestones[i], { min: 1 });
    if (m <= previous) throw new ConfigError(`milestones[${i}]`, `milestones must increase, got ${m} after ${previous}`);
    const steps = m - previous;
    previous = m;
    return { schedule, steps };
  });
  return join(phases);
}
