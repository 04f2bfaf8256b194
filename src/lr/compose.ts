/**
 * Composition: `join` runs phases one after another, handing each its local step (0 at its start), and
 * `sequential` is PyTorch's SequentialLR over milestones. SequentialLR restarts each scheduler at its
 * milestone with step(0), so its values are exactly join's with phase lengths = milestone gaps.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { fieldPath, parseConfig } from '../options.js';
import { withMomentum, type Schedule } from './schedule.js';

const phaseSchema = z.strictObject({
  schedule: z.custom<Schedule>((f) => typeof f === 'function', 'must be a schedule function').describe('the schedule of the phase, fed the step counted from its start'),
  steps: z.int().min(0).optional().describe('steps the phase lasts; the last phase may leave it out and runs on indefinitely'),
});

export type Phase = z.input<typeof phaseSchema>;

/** Phases back to back; phase i sees step - (steps of the phases before it). */
export function join(phases: readonly Phase[]): Schedule {
  const checked = parseConfig(z.array(phaseSchema).min(1, 'join needs at least one phase'), phases, 'phases');
  const starts: number[] = [0];
  checked.forEach((p, i) => {
    if (i === checked.length - 1) return;
    if (p.steps === undefined) throw new ConfigError(`phases[${i}].steps`, 'is required (only the last phase may leave it out)');
    starts.push(starts[i]! + p.steps);
  });
  const at = (step: number): { phase: Phase; local: number } => {
    let i = 0;
    while (i < checked.length - 1 && step >= starts[i + 1]!) i++;
    return { phase: checked[i]!, local: step - starts[i]! };
  };
  const schedule = (step: number): number => {
    const { phase, local } = at(step);
    return phase.schedule(local);
  };
  if (!checked.some((p) => p.schedule.momentum)) return schedule;
  return withMomentum(schedule, (step) => {
    const { phase, local } = at(step);
    return phase.schedule.momentum?.(local);
  });
}

/** SequentialLR's milestones: step numbers >= 1 (PyTorch 1.13 misbehaves on a milestone of 0). */
export const milestonesSchema = z.array(z.int().min(1)).describe('steps at which each schedule after the first starts, restarted at 0');

/**
 * Checks milestones against the number of schedules: one fewer, increasing. `path` is where they sit
 * (`schedule` in a config); errors name `path.milestones[i]`.
 */
export function checkMilestones(milestones: unknown, schedules: number, path = ''): number[] {
  const field = fieldPath(path, 'milestones');
  const checked = parseConfig(milestonesSchema, milestones, field);
  if (checked.length !== schedules - 1) {
    throw new ConfigError(field, `sequential expects one milestone fewer than schedules, got ${schedules} schedules and ${checked.length} milestones`);
  }
  checked.forEach((m, i) => {
    if (i > 0 && m <= checked[i - 1]!) throw new ConfigError(`${field}[${i}]`, `milestones must increase, got ${m} after ${checked[i - 1]}`);
  });
  return checked;
}

/** PyTorch's SequentialLR: schedules[i] runs from milestones[i - 1] (0 for the first), restarted at 0. */
export function sequential(schedules: readonly Schedule[], milestones: readonly number[]): Schedule {
  if (!Array.isArray(schedules)) throw new ConfigError('schedules', `must be a list of schedule functions, got ${typeof schedules}`);
  const checked = checkMilestones(milestones, schedules.length);
  return join(schedules.map((schedule, i): Phase => (i === schedules.length - 1 ? { schedule } : { schedule, steps: checked[i]! - (checked[i - 1] ?? 0) })));
}
