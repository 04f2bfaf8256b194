/**
 * An encoder-decoder Transformer for sequence-to-sequence tasks (Vaswani et al. 2017): embeddings
 * scaled by sqrt(d) plus positions, dropout, torch.nn.Transformer's core, and an output projection
 * (optionally tied to the target embedding, Press & Wolf 2017).
 */
import { full, linear, noGrad, Tensor, cat } from '../../tensor/index.js';
import * as init from '../init.js';
import { Dropout, Embedding, Linear } from '../layers.js';
import { Module, type Parameter } from '../module.js';
import { LearnedPositionalEmbedding, SinusoidalPositionalEncoding } from '../positional.js';
import { emptyDecoderCache, setGradientCheckpointing, Transformer, type DecoderLayerCache } from '../transformer.js';
import { moduleOptions, seq2seqOptions, type Seq2SeqOptions } from '../options.js';
import { ConfigError } from '../../errors.js';

export type { Seq2SeqOptions } from '../options.js';

export interface Seq2SeqMasks {
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
}

export class TransformerSeq2Seq extends Module {
  readonly srcEmbed: Embedding;
  readonly tgtEmbed: Embedding;
  readonly positions: SinusoidalPositionalEncoding | LearnedPositionalEmbedding;
  readonly embedDropout: Dropout;
  readonly core: Transformer;
  /** The projection to target-vocabulary logits; null when tied to the target embedding. */
  readonly head: Linear | null;
  readonly dModel: number;
  readonly options: Readonly<Seq2SeqOptions>;

  constructor(options: Seq2SeqOptions) {
    super();
    options = moduleOptions(seq2seqOptions, options, 'TransformerSeq2Seq');
    this.options = { ...options };
    const d = (this.dModel = options.dModel ?? 512);
    const maxLen = options.maxLen ?? 512;
    this.srcEmbed = new Embedding(options.srcVocabSize, d, { paddingIdx: options.srcPaddingIdx ?? null });
    if (options.shareEmbeddings) {
      if (options.srcVocabSize !== options.tgtVocabSize) throw new ConfigError('shareEmbeddings', `needs srcVocabSize === tgtVocabSize, got ${options.srcVocabSize} and ${options.tgtVocabSize}`);
      this.tgtEmbed = this.srcEmbed;
    } else {
      this.tgtEmbed = new Embedding(options.tgtVocabSize, d, { paddingIdx: options.tgtPaddingIdx ?? null });
    }
    this.positions = options.positional === 'learned' ? new LearnedPositionalEmbedding(maxLen, d) : new SinusoidalPositionalEncoding(d, maxLen);
    this.embedDropout = new Dropout(options.embeddingDropout ?? options.dropout ?? 0.1, options.generator);
    this.core = new Transformer({
      dModel: d,
      nhead: options.nhead ?? 8,
      numEncoderLayers: options.numEncoderLayers ?? 6,
      numDecoderLayers: options.numDecoderLayers ?? 6,
      dimFeedforward: options.dimFeedforward ?? 2048,
      dropout: options.dropout ?? 0.1,
      attentionDropout: options.attentionDropout,
      activationDropout: options.activationDropout,
      activation: options.activation ?? 'relu',
      normFirst: options.normFirst ?? false,
      layerNormEps: options.layerNormEps,
      generator: options.generator,
    });
    this.head = options.tieWeights ? null : new Linear(d, options.tgtVocabSize);
    this.resetEmbeddings();
    if (options.gradientCheckpointing !== undefined) this.setGradientCheckpointing(options.gradientCheckpointing);
  }

  /** Recompute all layers (true), none (false) or the listed ones (encoder layers first, then decoder layers) in backward. */
  setGradientCheckpointing(layers: boolean | readonly number[]): this {
    setGradientCheckpointing(this, layers);
    return this;
  }

  /** Embeddings N(0, d^-0.5) (so that after the sqrt(d) scale they have unit variance); output projection Xavier, bias 0. */
  private resetEmbeddings(): void {
    const std = this.dModel ** -0.5;
    this.srcEmbed.resetParameters(std);
    if (this.tgtEmbed !== this.srcEmbed) this.tgtEmbed.resetParameters(std);
    if (this.head) {
      init.xavierUniform_(this.head.weight);
      if (this.head.bias) init.zeros_(this.head.bias);
    }
  }

  private embed(table: Embedding, ids: Tensor, offset = 0): Tensor {
    const x = table.forward(ids).mul(Math.sqrt(this.dModel)).add(this.positions.forward(ids.shape[1]!, offset));
    return this.embedDropout.forward(x);
  }

  private paddingMask(ids: Tensor, idx: number | null | undefined): Tensor | null {
    return idx === null || idx === undefined ? null : ids.eq(idx);
  }

  /** Source ids [B, S] -> memory [B, S, d]. Padding is masked from srcPaddingIdx unless a mask is given. */
  encode(src: Tensor, srcKeyPaddingMask?: Tensor | null): Tensor {
    const mask = srcKeyPaddingMask === undefined ? this.paddingMask(src, this.options.srcPaddingIdx) : srcKeyPaddingMask;
    return this.core.encoder.forward(this.embed(this.srcEmbed, src), { srcKeyPaddingMask: mask });
  }

  /**
   * Decoder input ids [B, T] attending causally to themselves and to memory -> logits [B, T, tgtVocab].
   * With `cache` (emptyDecoderCache), tgtIn holds only the positions after those already decoded,
   * and the target is taken to have no padding.
   */
  decode(memory: Tensor, src: Tensor, tgtIn: Tensor, masks: Seq2SeqMasks = {}, cache?: DecoderLayerCache[]): Tensor {
    const srcMask = masks.srcKeyPaddingMask === undefined ? this.paddingMask(src, this.options.srcPaddingIdx) : masks.srcKeyPaddingMask;
    const tgtMask = cache ? null : masks.tgtKeyPaddingMask === undefined ? this.paddingMask(tgtIn, this.options.tgtPaddingIdx) : masks.tgtKeyPaddingMask;
    const offset = cache?.[0]?.self.key?.shape[2] ?? 0;
    const h = this.core.decoder.forward(this.embed(this.tgtEmbed, tgtIn, offset), memory, {
      tgtIsCausal: true,
      tgtKeyPaddingMask: tgtMask,
      memoryKeyPaddingMask: srcMask,
      cache,
    });
    return this.project(h);
  }

  private project(h: Tensor): Tensor {
    return this.head ? this.head.forward(h) : linear(h, this.tgtEmbed.weight as Parameter);
  }

  /**
   * A tied head has no weight of its own: a file may still hold it as head.weight (PyTorch's
   * state_dict lists tied weights under both names). Files from before the output layer was named
   * `head` call it outProj.
   */
  override stateDictAliases(): Record<string, string> {
    if (!this.head) return { 'head.weight': 'tgtEmbed.weight', 'outProj.weight': 'tgtEmbed.weight' };
    return this.head.bias ? { 'outProj.weight': 'head.weight', 'outProj.bias': 'head.bias' } : { 'outProj.weight': 'head.weight' };
  }

  /** Teacher-forced logits for target inputs tgtIn (the target shifted right, starting with <sos>). */
  forward(src: Tensor, tgtIn: Tensor, masks: Seq2SeqMasks = {}): Tensor {
    return this.decode(this.encode(src, masks.srcKeyPaddingMask), src, tgtIn, masks);
  }

  /**
   * Greedy decoding: starts every row with sosIdx and appends the most likely token until each row
   * has produced eosIdx or maxLen tokens. Returns the generated ids [B, <= maxLen] after <sos>,
   * rows that finished early padded with eosIdx.
   */
  greedyDecode(src: Tensor, options: { sosIdx: number; eosIdx: number; maxLen: number; useCache?: boolean }): Tensor {
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => {
        const B = src.shape[0]!;
        const memory = this.encode(src);
        let ys = full([B, 1], options.sosIdx, { dtype: 'int32' });
        const done = new Uint8Array(B);
        // a KV cache makes each step cost one position instead of the whole prefix
        const cache = options.useCache === false ? undefined : emptyDecoderCache(this.core.decoder.layers.length);
        for (let step = 0; step < options.maxLen; step++) {
          const logits = cache ? this.decode(memory, src, ys.narrow(1, step, 1), {}, cache) : this.decode(memory, src, ys);
          const next = logits.select(1, -1).argmax(-1);
          const nextIds = next.values() as Int32Array;
          for (let b = 0; b < B; b++) {
            if (done[b]) nextIds[b] = options.eosIdx;
            else if (nextIds[b] === options.eosIdx) done[b] = 1;
          }
          ys = cat([ys, next.reshape([B, 1])], 1);
          if (done.every((v) => v === 1)) break;
        }
        return ys.narrow(1, 1, ys.shape[1]! - 1).contiguous();
      });
    } finally {
      this.train(wasTraining);
    }
  }
}

