/**
 * How a family registers itself (fairseq style): its name, a line about it, and its options declared
 * beside the code, which serve the registry's checks, the config's errors and the CLI's help alike.
 */
import type { Schedule } from './schedule.js';

export type OptionType = 'number' | 'integer' | 'string' | 'boolean' | 'number[]' | 'number|number[]';

/** One option of a family, as its config field and CLI flag (kebab-case of the name) describe it. */
export interface OptionSpec {
  type: OptionType;
  description: string;
  /** Allowed values of a string option. */
  choices?: readonly string[];
}

interface EntryBase {
  /** The registry name: Hugging Face's get_scheduler name, or PyTorch's class name. */
  name: string;
  description: string;
  options: Readonly<Record<string, OptionSpec>>;
}

/** A family that is a pure function of the step. */
export interface StepScheduleEntry extends EntryBase {
  kind: 'step';
  /** Builds the schedule from type-checked options and the parameter group's base LR. */
  build(options: Record<string, unknown>, baseLr: number | undefined): Schedule;
}

/** A scheduler driven by a metric rather than the step (ReduceLROnPlateau). */
export interface MetricScheduleEntry extends EntryBase {
  kind: 'metric';
}

export type ScheduleEntry = StepScheduleEntry | MetricScheduleEntry;

/** The warmup options of every family that warms up (see steps.ts). */
export const warmupOptionSpecs = {
  warmupSteps: { type: 'integer', description: 'W: optimizer steps of linear warmup from 0 (default 0)' },
  warmupRatio: { type: 'number', description: 'W as a fraction of totalSteps, rounded up (instead of warmupSteps)' },
  warmupTokens: { type: 'number', description: 'W in training tokens, divided by tokensPerStep and rounded up (instead of warmupSteps)' },
  tokensPerStep: { type: 'number', description: 'tokens per optimizer step, for warmupTokens' },
} as const satisfies Record<string, OptionSpec>;

export const totalStepsSpec = { type: 'integer', description: 'T: total optimizer steps of the run' } as const satisfies OptionSpec;

export const minLrSpecs = {
  minLr: { type: 'number', description: 'absolute LR the decay ends at (instead of minLrRatio)' },
  minLrRatio: { type: 'number', description: 'LR the decay ends at, as a fraction of the base LR (default 0)' },
} as const satisfies Record<string, OptionSpec>;
