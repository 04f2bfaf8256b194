/** The data layer's BatchLoader as the loop's StepLoader: example indices collated into batches. */
import { BatchLoader, type ExampleLength, type LoaderOptions, type LoaderState } from '../../data/index.js';
import type { Batch, StepLoader } from '../task.js';

export class IndexLoader<B extends Batch> implements StepLoader<B> {
  private readonly loader: BatchLoader;

  constructor(
    lengths: readonly ExampleLength[],
    options: LoaderOptions,
    private readonly collate: (indices: readonly number[]) => B,
  ) {
    this.loader = new BatchLoader(lengths, options);
  }

  nextStep(): B[] {
    return this.loader.nextStep().map((indices) => this.collate(indices));
  }

  epochs(): number {
    return this.loader.epochProgress();
  }

  stepsPerEpoch(): number {
    return this.loader.stepsPerEpoch();
  }

  state(): LoaderState {
    return this.loader.state();
  }

  loadState(state: unknown): void {
    this.loader.loadState(state as LoaderState);
  }
}
