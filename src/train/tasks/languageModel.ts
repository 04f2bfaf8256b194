/**
 * language-model: a decoder-only Transformer trained on next-token prediction over a UTF-8 text
 * file, read in contiguous windows of data.contextLength tokens. The validation windows are a
 * contiguous span placed by data.seed, and no window crosses the split.
 */
import { buildTokenizer, collateLM, evalBatches, lmWindows, readTextFile, tokenizerFromJSON, type LMBatch, type LMWindowSet, type Tokenizer } from '../../data/index.js';
import type { TransformerLM } from '../../nn/index.js';
import { InputError } from '../../errors.js';
import { Generator, Tensor } from '../../tensor/index.js';
import type { LanguageModelConfig } from '../config.js';
import type { SavedModelConfig } from '../modelDir.js';
import type { Batch, EvalResult, Sample, StepLoader, Task } from '../task.js';
import { IndexLoader } from './indexLoader.js';
import { buildLM, lmOptions, savedConfigFor, TOKENIZER_FILE, tokenizerFiles } from './models.js';
import { scoreBatches, summedLoss, type LossOptions } from './scoring.js';

export interface LanguageModelBatch extends Batch {
  input: Tensor;
  target: Tensor;
}

const asBatch = (b: LMBatch): LanguageModelBatch => ({ input: b.input, target: b.target, targetTokens: b.numTargetTokens, tokens: b.numTokens, padding: b.numPadding });

export class LanguageModelTask implements Task<TransformerLM, LanguageModelBatch> {
  readonly name = 'language-model' as const;
  readonly tokenizer: Tokenizer;
  readonly train: LMWindowSet;
  readonly valid: LMWindowSet;
  private readonly lossOptions: LossOptions;

  /** Reads data.path; `tokenizer` (a saved model's) replaces the one built from the text. */
  constructor(readonly config: LanguageModelConfig, options: { tokenizer?: Tokenizer } = {}) {
    const d = config.data;
    const text = readTextFile(d.path);
    this.tokenizer = options.tokenizer ?? buildTokenizer(d.tokenizer, text);
    const split = lmWindows(this.tokenizer.encode(text), { contextLength: d.contextLength, validFraction: d.validFraction, seed: d.seed });
    this.train = split.train;
    this.valid = split.valid;
    const t = config.training;
    // windows hold no padding, so no target is ignored
    this.lossOptions = { labelSmoothing: t.labelSmoothing, smoothing: t.smoothing, ignoreIndex: -100 };
  }

  private modelOptions() {
    return lmOptions(this.config.model, { vocabSize: this.tokenizer.vocabSize, maxLen: this.config.data.contextLength });
  }

  buildModel(): TransformerLM {
    return buildLM(this.modelOptions());
  }

  createLoader(): StepLoader<LanguageModelBatch> {
    const t = this.config.training;
    const windows = this.train;
    return new IndexLoader(
      new Array<number>(windows.starts.length).fill(windows.contextLength),
      { batchSize: t.batchSize, maxTokens: t.maxTokens, gradAccumSteps: t.gradAccumSteps, bucket: false, padToMultiple: 1, shuffle: this.config.data.shuffle, seed: this.config.seed + 1 },
      (indices) => asBatch(collateLM(windows, indices)),
    );
  }

  loss(model: TransformerLM, batch: LanguageModelBatch): Tensor {
    return summedLoss(model.forward(batch.input), batch.target, this.lossOptions);
  }

  evaluate(model: TransformerLM, split: 'valid' | 'test'): EvalResult | null {
    if (split === 'test' || this.valid.starts.length === 0) return null;
    return scoreWindows(model, this.valid, this.config.training.evalBatchSize, this.lossOptions);
  }

  /** Continuations of the first tokens of a few validation windows, sampled (temperature 0.8, top-k 20) from a fixed seed. */
  samples(model: TransformerLM, count: number): Sample[] {
    const windows = this.valid.starts.length ? this.valid : this.train;
    const n = Math.min(count, windows.starts.length);
    const promptLength = Math.min(16, Math.floor(windows.contextLength / 4) || 1);
    const generator = new Generator(this.config.seed + 2);
    const out: Sample[] = [];
    for (let i = 0; i < n; i++) {
      const start = windows.starts[Math.floor((i * windows.starts.length) / n)]!;
      const prompt = Array.from(windows.tokens.subarray(start, start + promptLength));
      const ids = model.generate(new Tensor(Int32Array.from(prompt), [1, prompt.length]), { maxNewTokens: Math.min(120, windows.contextLength), temperature: 0.8, topK: 20, generator });
      const all = Array.from(ids.values() as Int32Array);
      out.push({ input: this.tokenizer.decode(prompt), output: this.tokenizer.decode(all.slice(prompt.length)) });
    }
    return out;
  }

  savedConfig(): SavedModelConfig {
    return savedConfigFor(this.config, 'lm', this.modelOptions(), { tokenizer: TOKENIZER_FILE });
  }

  artifacts(): Record<string, string> {
    return tokenizerFiles(this.tokenizer);
  }

  describe(model: TransformerLM): string {
    const m = this.config.model;
    return (
      `a ${m.numLayers}-layer decoder-only Transformer (d ${m.dModel}, ${m.nhead} heads, ff ${m.dimFeedforward}, ${model.numParameters().toLocaleString('en-US')} parameters) ` +
      `on ${this.config.data.path} (${this.tokenizer.kind} tokens, vocabulary ${this.tokenizer.vocabSize}, ${this.train.starts.length} training windows of ${this.config.data.contextLength})`
    );
  }
}

/** Scores every window of `windows`. */
export function scoreWindows(model: TransformerLM, windows: LMWindowSet, batchSize: number, lossOptions: LossOptions): EvalResult {
  const lengths = new Array<number>(windows.starts.length).fill(windows.contextLength);
  const batches = evalBatches(lengths, { batchSize }).map((idx) => collateLM(windows, idx));
  const scored = scoreBatches(model, batches, (b) => ({ logits: model.forward(b.input), target: b.target }), lossOptions);
  return { ...scored, metrics: {} };
}

/** Scores a language model on a whole text file, in consecutive windows of contextLength tokens. */
export function scoreTextFile(model: TransformerLM, tokenizer: Tokenizer, path: string, config: LanguageModelConfig): EvalResult {
  const tokens = Int32Array.from(tokenizer.encode(readTextFile(path)));
  const T = config.data.contextLength;
  const starts: number[] = [];
  for (let s = 0; s + T < tokens.length; s += T) starts.push(s);
  if (starts.length === 0) throw new InputError(`${path} has ${tokens.length} tokens, fewer than one window of ${T + 1} (the model's context + 1)`, path);
  const t = config.training;
  return scoreWindows(model, { tokens, starts: Int32Array.from(starts), contextLength: T }, t.evalBatchSize, { labelSmoothing: t.labelSmoothing, smoothing: t.smoothing, ignoreIndex: -100 });
}

/** The tokenizer a model directory saved. */
export function savedTokenizer(files: Record<string, string>, name: string, source: string): Tokenizer {
  let json: unknown;
  try {
    json = JSON.parse(files[name] ?? '');
  } catch {
    json = undefined;
  }
  return tokenizerFromJSON(json, source);
}
