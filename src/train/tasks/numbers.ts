/**
 * numbers-to-words: digits of an integer in, one word per digit out ("4096" -> "four zero nine six"),
 * on an encoder-decoder Transformer. Training numbers are drawn fresh for every batch from a seeded
 * generator (never a held-out number), or from a fixed set (data.trainSize).
 */
import { NumbersToWords, type Seq2SeqBatch } from '../../data/index.js';
import { decoderInput } from '../../loss/index.js';
import type { TransformerSeq2Seq } from '../../nn/index.js';
import { Generator, randperm, type GeneratorState, type Tensor } from '../../tensor/index.js';
import type { NumbersConfig } from '../config.js';
import { exactMatch, translateNumbers } from '../evaluate.js';
import type { SavedModelConfig } from '../modelDir.js';
import type { Batch, EvalResult, Sample, StepLoader, Task } from '../task.js';
import { buildSeq2Seq, savedConfigFor, seq2seqOptions } from './models.js';
import { scoreBatches, summedLoss, type LossOptions } from './scoring.js';

export interface NumbersBatch extends Batch {
  src: Tensor;
  tgt: Tensor;
}

function toBatch(data: NumbersToWords, numbers: readonly string[]): NumbersBatch {
  const b: Seq2SeqBatch = data.batch(numbers);
  const tokens = b.src.numel() + b.tgt.numel();
  // each number has as many source digits as target words, plus <sos> and <eos> on the target
  const real = numbers.reduce((n, x) => n + 2 * x.length + 2, 0);
  return { src: b.src, tgt: b.tgt, targetTokens: b.numTargetTokens, tokens, padding: tokens - real };
}

/**
 * Each optimizer step draws batchSize x gradAccumSteps numbers, then splits them into micro-batches,
 * so which numbers a step sees depends only on the effective batch. Fresh numbers are drawn for every
 * step (an endless stream), or, with a fixed training set, taken in a seeded order reshuffled each epoch.
 */
class NumbersLoader implements StepLoader<NumbersBatch> {
  private readonly generator: Generator;
  private steps = 0;
  private epoch = 0;
  private position = 0;
  private order: number[] = [];

  constructor(
    private readonly data: NumbersToWords,
    private readonly batchSize: number,
    private readonly gradAccumSteps: number,
    seed: number,
  ) {
    this.generator = new Generator(seed);
    if (data.train) this.order = this.shuffled();
  }

  private shuffled(): number[] {
    return Array.from(randperm(this.data.train!.length, this.generator));
  }

  private draw(count: number): string[] {
    const train = this.data.train;
    if (!train) return this.data.sampleTrain(count, this.generator);
    const out: string[] = [];
    while (out.length < count) {
      if (this.position === this.order.length) {
        this.epoch++;
        this.position = 0;
        this.order = this.shuffled();
      }
      out.push(train[this.order[this.position++]!]!);
    }
    return out;
  }

  nextStep(): NumbersBatch[] {
    const numbers = this.draw(this.batchSize * this.gradAccumSteps);
    this.steps++;
    return Array.from({ length: this.gradAccumSteps }, (_, i) => toBatch(this.data, numbers.slice(i * this.batchSize, (i + 1) * this.batchSize)));
  }

  epochs(): number {
    return this.data.train ? this.epoch + this.position / this.order.length : 0;
  }

  stepsPerEpoch(): number | null {
    return this.data.train ? Math.ceil(this.data.train.length / (this.batchSize * this.gradAccumSteps)) : null;
  }

  state(): unknown {
    return { steps: this.steps, epoch: this.epoch, position: this.position, order: this.data.train ? [...this.order] : null, generator: this.generator.getState() };
  }

  loadState(state: unknown): void {
    const s = state as { steps: number; epoch: number; position: number; order: number[] | null; generator: GeneratorState };
    this.steps = s.steps;
    this.epoch = s.epoch;
    this.position = s.position;
    if (s.order) this.order = [...s.order];
    this.generator.setState(s.generator);
  }
}

export class NumbersTask implements Task<TransformerSeq2Seq, NumbersBatch> {
  readonly name = 'numbers-to-words' as const;
  readonly data: NumbersToWords;
  private readonly lossOptions: LossOptions;

  constructor(readonly config: NumbersConfig) {
    const d = config.data;
    this.data = new NumbersToWords({ minDigits: d.minDigits, maxDigits: d.maxDigits, validSize: d.validSize, testSize: d.testSize, trainSize: d.trainSize, seed: d.seed });
    const t = config.training;
    this.lossOptions = { labelSmoothing: t.labelSmoothing, smoothing: t.smoothing, ignoreIndex: this.data.tgtVocab.padId };
  }

  private modelOptions() {
    return seq2seqOptions(this.config.model, {
      srcVocabSize: this.data.srcVocab.size,
      tgtVocabSize: this.data.tgtVocab.size,
      maxLen: this.data.maxDigits + 2,
      srcPaddingIdx: this.data.srcVocab.padId,
      tgtPaddingIdx: this.data.tgtVocab.padId,
    });
  }

  buildModel(): TransformerSeq2Seq {
    return buildSeq2Seq(this.modelOptions());
  }

  createLoader(): StepLoader<NumbersBatch> {
    const t = this.config.training;
    // a generator of its own, so batches do not depend on how many draws init or dropout took
    return new NumbersLoader(this.data, t.batchSize, t.gradAccumSteps, this.config.seed + 1);
  }

  loss(model: TransformerSeq2Seq, batch: NumbersBatch): Tensor {
    const logits = model.forward(batch.src, decoderInput(batch.tgt));
    return summedLoss(logits, batch.tgt.narrow(1, 1, batch.tgt.shape[1]! - 1), this.lossOptions);
  }

  evaluate(model: TransformerSeq2Seq, split: 'valid' | 'test'): EvalResult | null {
    const numbers = split === 'valid' ? this.data.valid : this.data.test;
    if (numbers.length === 0) return null;
    const size = this.config.training.evalBatchSize;
    const chunks: string[][] = [];
    for (let i = 0; i < numbers.length; i += size) chunks.push(numbers.slice(i, i + size));
    const scored = scoreBatches(
      model,
      chunks.map((c) => this.data.batch(c)),
      (b) => ({ logits: model.forward(b.src, decoderInput(b.tgt)), target: b.tgt.narrow(1, 1, b.tgt.shape[1]! - 1) }),
      this.lossOptions,
    );
    return { ...scored, metrics: { exactMatch: exactMatch(model, this.data, numbers).exactMatch } };
  }

  samples(model: TransformerSeq2Seq, count: number): Sample[] {
    const shown = this.data.test.length ? this.data.test.slice(0, count) : this.data.valid.slice(0, count);
    const outputs = translateNumbers(model, this.data, shown);
    return shown.map((n, i) => ({ input: n, output: outputs[i]!, expected: this.data.tgtVocab.decode(this.data.encodeTarget(n)).join(' ') }));
  }

  savedConfig(): SavedModelConfig {
    return savedConfigFor(this.config, 'seq2seq', this.modelOptions(), { vocab: { source: this.data.srcVocab.tokens, target: this.data.tgtVocab.tokens } });
  }

  artifacts(): Record<string, string> {
    return {};
  }

  describe(model: TransformerSeq2Seq): string {
    const m = this.config.model;
    return `a ${m.numEncoderLayers}+${m.numDecoderLayers}-layer Transformer (d ${m.dModel}, ${m.nhead} heads, ff ${m.dimFeedforward}, ${model.numParameters().toLocaleString('en-US')} parameters) on numbers-to-words`;
  }
}
