/**
 * The seam between the training loop and what is trained. A task owns its data, builds its model,
 * hands the loop each optimizer step's micro-batches from a seeded, resumable loader, computes a
 * batch's summed loss, and evaluates a model; the loop knows nothing else about it.
 */
import type { Module } from '../nn/index.js';
import type { Tensor } from '../tensor/index.js';
import type { TaskName, TrainConfig } from './config.js';
import type { SavedModelConfig } from './modelDir.js';

/** What the loop reads of any batch. */
export interface Batch {
  /** Target positions that count in the loss (padding excluded). */
  readonly targetTokens: number;
  /** Every token position the batch holds, padding included (sources too). */
  readonly tokens: number;
  /** Padding positions among `tokens`. */
  readonly padding: number;
}

/** Yields each optimizer step's micro-batches; its state resumes it exactly. */
export interface StepLoader<B extends Batch = Batch> {
  /** The micro-batches of the next optimizer step (gradAccumSteps of them). */
  nextStep(): B[];
  /** Passes over the training data completed so far, fractional mid-epoch. */
  epochs(): number;
  /** Optimizer steps per epoch; null when the data is an endless stream. */
  stepsPerEpoch(): number | null;
  state(): unknown;
  loadState(state: unknown): void;
}

/** One evaluation of a model on a split. */
export interface EvalResult {
  /** The training objective (label smoothing included) per target token. */
  loss: number;
  /** exp of the plain cross-entropy per target token (no label smoothing). */
  perplexity: number;
  tokenAccuracy: number;
  targetTokens: number;
  /** The task's own metrics (exactMatch for seq2seq tasks). */
  metrics: Record<string, number>;
}

export interface Sample {
  input: string;
  output: string;
  expected?: string;
}

export interface Task<M extends Module = Module, B extends Batch = Batch> {
  readonly name: TaskName;
  readonly config: TrainConfig;
  /** The model the config describes; called after seeding, so its init is reproducible. */
  buildModel(): M;
  createLoader(): StepLoader<B>;
  /** The summed training objective over the batch's target tokens. */
  loss(model: M, batch: B): Tensor;
  /** Metrics on a held-out split, or null when the task has no such split. */
  evaluate(model: M, split: 'valid' | 'test'): EvalResult | null;
  /** A few outputs to show a person: translations or generated text. */
  samples(model: M, count: number): Sample[];
  /** What the model directory records beside the weights, so the model can be rebuilt and used. */
  savedConfig(model: M): SavedModelConfig;
  /** Extra files of the model directory (the tokenizer), by name. */
  artifacts(): Record<string, string>;
  /** A one-line description for the start of a run. */
  describe(model: M): string;
}
