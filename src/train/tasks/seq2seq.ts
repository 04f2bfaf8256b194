/**
 * seq2seq: an encoder-decoder Transformer on a TSV file of `source<TAB>target` lines, with one
 * tokenizer for both sides. Every line is checked before training (a bad one is named by file and
 * line). Batches are bucketed by length by default, so they carry little padding.
 */
import {
  buildTokenizer, collateSeq2Seq, evalBatches, readTsv, seq2seqLengths, splitExamples,
  type Seq2SeqBatchWithCounts, type Seq2SeqPair, type Tokenizer, type TsvPair,
} from '../../data/index.js';
import { decoderInput } from '../../loss/index.js';
import type { TransformerSeq2Seq } from '../../nn/index.js';
import type { Tensor } from '../../tensor/index.js';
import type { Seq2SeqConfig } from '../config.js';
import type { SavedModelConfig } from '../modelDir.js';
import type { Batch, EvalResult, Sample, StepLoader, Task } from '../task.js';
import { IndexLoader } from './indexLoader.js';
import { buildSeq2Seq, savedConfigFor, seq2seqOptions, TOKENIZER_FILE, tokenizerFiles } from './models.js';
import { scoreBatches, summedLoss, type LossOptions } from './scoring.js';

export interface Seq2SeqTaskBatch extends Batch {
  src: Tensor;
  tgt: Tensor;
}

const asBatch = (b: Seq2SeqBatchWithCounts): Seq2SeqTaskBatch => ({ src: b.src, tgt: b.tgt, targetTokens: b.numTargetTokens, tokens: b.numTokens, padding: b.numPadding });

/** Greedy translations of token-id sources, in batches; decoding stops at eos or maxLen tokens. */
export function translateIds(model: TransformerSeq2Seq, tokenizer: Tokenizer, sources: readonly (readonly number[])[], maxLen: number, batchSize = 64): string[] {
  const out: string[] = [];
  for (let i = 0; i < sources.length; i += batchSize) {
    const chunk = sources.slice(i, i + batchSize).map((src) => ({ src, tgt: [] as number[] }));
    const { src } = collateSeq2Seq(chunk, chunk.map((_, j) => j), { srcPad: tokenizer.padId, tgtPad: tokenizer.padId, bos: tokenizer.bosId, eos: tokenizer.eosId });
    const longest = Math.max(...chunk.map((c) => c.src.length));
    const ids = model.greedyDecode(src, { sosIdx: tokenizer.bosId, eosIdx: tokenizer.eosId, maxLen: Math.min(maxLen, 2 * longest + 10) });
    for (const row of ids.toArray() as number[][]) {
      const end = row.indexOf(tokenizer.eosId);
      out.push(tokenizer.decode(end < 0 ? row : row.slice(0, end)));
    }
  }
  return out;
}

export class Seq2SeqTask implements Task<TransformerSeq2Seq, Seq2SeqTaskBatch> {
  readonly name = 'seq2seq' as const;
  readonly tokenizer: Tokenizer;
  readonly trainLines: TsvPair[];
  readonly validLines: TsvPair[];
  readonly train: Seq2SeqPair[];
  readonly valid: Seq2SeqPair[];
  /** Positions the model supports: room for the longest sequence seen, with margin for longer inputs. */
  readonly maxLen: number;
  private readonly lossOptions: LossOptions;

  /** Reads data.path (and data.validPath); `tokenizer` (a saved model's) replaces the one built from the text; `evalPath` makes a file the validation set without reading the training data. */
  constructor(readonly config: Seq2SeqConfig, options: { tokenizer?: Tokenizer; evalPath?: string } = {}) {
    const d = config.data;
    const lines = options.evalPath ? [] : readTsv(d.path);
    if (options.evalPath) {
      this.trainLines = [];
      this.validLines = readTsv(options.evalPath);
    } else if (d.validPath) {
      this.trainLines = lines;
      this.validLines = readTsv(d.validPath);
    } else {
      const split = splitExamples(lines, { validFraction: d.validFraction, seed: d.seed });
      this.trainLines = split.train;
      this.validLines = split.valid;
    }
    this.tokenizer = options.tokenizer ?? buildTokenizer(d.tokenizer, this.trainLines.map((l) => `${l.source}\n${l.target}`).join('\n'));
    const encode = (l: TsvPair): Seq2SeqPair => ({ src: this.tokenizer.encode(l.source), tgt: this.tokenizer.encode(l.target) });
    this.train = this.trainLines.map(encode);
    this.valid = this.validLines.map(encode);
    let longest = 0;
    for (const p of [...this.train, ...this.valid]) longest = Math.max(longest, p.src.length, p.tgt.length + 2);
    this.maxLen = Math.max(64, 2 * longest);
    const t = config.training;
    this.lossOptions = { labelSmoothing: t.labelSmoothing, smoothing: t.smoothing, ignoreIndex: this.tokenizer.padId };
  }

  private modelOptions() {
    const V = this.tokenizer.vocabSize;
    const pad = this.tokenizer.padId;
    return seq2seqOptions(this.config.model, { srcVocabSize: V, tgtVocabSize: V, maxLen: this.maxLen, srcPaddingIdx: pad, tgtPaddingIdx: pad });
  }

  private collateOptions() {
    const k = this.tokenizer;
    return { srcPad: k.padId, tgtPad: k.padId, bos: k.bosId, eos: k.eosId, padToMultiple: this.config.data.padToMultiple };
  }

  buildModel(): TransformerSeq2Seq {
    return buildSeq2Seq(this.modelOptions());
  }

  createLoader(): StepLoader<Seq2SeqTaskBatch> {
    const t = this.config.training;
    const d = this.config.data;
    const pairs = this.train;
    const o = this.collateOptions();
    return new IndexLoader(
      seq2seqLengths(pairs),
      { batchSize: t.batchSize, maxTokens: t.maxTokens, gradAccumSteps: t.gradAccumSteps, bucket: d.bucket, padToMultiple: d.padToMultiple, shuffle: d.shuffle, seed: this.config.seed + 1 },
      (indices) => asBatch(collateSeq2Seq(pairs, indices, o)),
    );
  }

  loss(model: TransformerSeq2Seq, batch: Seq2SeqTaskBatch): Tensor {
    const logits = model.forward(batch.src, decoderInput(batch.tgt));
    return summedLoss(logits, batch.tgt.narrow(1, 1, batch.tgt.shape[1]! - 1), this.lossOptions);
  }

  /** Loss, perplexity, token accuracy and exact match (greedy decoding) over pairs. */
  score(model: TransformerSeq2Seq, pairs: readonly Seq2SeqPair[], targets: readonly string[]): EvalResult {
    const o = this.collateOptions();
    const batches = evalBatches(seq2seqLengths(pairs), { batchSize: this.config.training.evalBatchSize, padToMultiple: o.padToMultiple }).map((idx) => collateSeq2Seq(pairs, idx, o));
    const scored = scoreBatches(model, batches, (b) => ({ logits: model.forward(b.src, decoderInput(b.tgt)), target: b.tgt.narrow(1, 1, b.tgt.shape[1]! - 1) }), this.lossOptions);
    const outputs = translateIds(model, this.tokenizer, pairs.map((p) => p.src), (model.options.maxLen ?? this.maxLen) - 1);
    const correct = outputs.filter((o, i) => o === targets[i]).length;
    return { ...scored, metrics: { exactMatch: pairs.length ? correct / pairs.length : NaN } };
  }

  evaluate(model: TransformerSeq2Seq, split: 'valid' | 'test'): EvalResult | null {
    if (split === 'test' || this.valid.length === 0) return null;
    return this.score(model, this.valid, this.validLines.map((l) => this.tokenizer.decode(this.tokenizer.encode(l.target))));
  }

  samples(model: TransformerSeq2Seq, count: number): Sample[] {
    const lines = (this.validLines.length ? this.validLines : this.trainLines).slice(0, count);
    const outputs = translateIds(model, this.tokenizer, lines.map((l) => this.tokenizer.encode(l.source)), (model.options.maxLen ?? this.maxLen) - 1);
    return lines.map((l, i) => ({ input: l.source, output: outputs[i]!, expected: l.target }));
  }

  savedConfig(): SavedModelConfig {
    return savedConfigFor(this.config, 'seq2seq', this.modelOptions(), { tokenizer: TOKENIZER_FILE });
  }

  artifacts(): Record<string, string> {
    return tokenizerFiles(this.tokenizer);
  }

  describe(model: TransformerSeq2Seq): string {
    const m = this.config.model;
    return (
      `a ${m.numEncoderLayers}+${m.numDecoderLayers}-layer Transformer (d ${m.dModel}, ${m.nhead} heads, ff ${m.dimFeedforward}, ${model.numParameters().toLocaleString('en-US')} parameters) ` +
      `on ${this.config.data.path} (${this.train.length} training and ${this.valid.length} validation pairs, ${this.tokenizer.kind} tokens, vocabulary ${this.tokenizer.vocabSize})`
    );
  }
}
