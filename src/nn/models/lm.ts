/**
 * A decoder-only language model (GPT-style, Radford et al. 2018/2019): token embeddings plus
 * positions, a stack of causal self-attention blocks (pre-norm by default, with a final LayerNorm),
 * and an output head tied to the token embedding by default.
 */
import { cat, linear, multinomial, noGrad, Tensor, type Generator } from '../../tensor/index.js';
import * as init from '../init.js';
import { Dropout, Embedding, LayerNorm, Linear } from '../layers.js';
import { Module, ModuleList, type Parameter } from '../module.js';
import { LearnedPositionalEmbedding, SinusoidalPositionalEncoding } from '../positional.js';
import { emptyKVCache, type KVCache } from '../attention.js';
import { setGradientCheckpointing, TransformerEncoderLayer } from '../transformer.js';
import { lmOptions, moduleOptions, type LMOptions } from '../options.js';

export type { LMOptions } from '../options.js';

export class TransformerLM extends Module {
  readonly tokEmbed: Embedding;
  readonly positions: LearnedPositionalEmbedding | SinusoidalPositionalEncoding;
  readonly embedDropout: Dropout;
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: LayerNorm | null;
  readonly head: Linear | null;
  readonly dModel: number;
  readonly maxLen: number;
  readonly options: Readonly<LMOptions>;

  constructor(options: LMOptions) {
    super();
    options = moduleOptions(lmOptions, options, 'TransformerLM');
    this.options = { ...options };
    const d = (this.dModel = options.dModel ?? 128);
    this.maxLen = options.maxLen ?? 1024;
    const std = options.embeddingInitStd ?? d ** -0.5;
    this.tokEmbed = new Embedding(options.vocabSize, d, { paddingIdx: options.paddingIdx ?? null });
    this.tokEmbed.resetParameters(std);
    this.positions = options.positional === 'sinusoidal' ? new SinusoidalPositionalEncoding(d, this.maxLen) : new LearnedPositionalEmbedding(this.maxLen, d, { std });
    this.embedDropout = new Dropout(options.embeddingDropout ?? options.dropout ?? 0.1, options.generator);
    const normFirst = options.normFirst ?? true;
    const layer = new TransformerEncoderLayer(d, options.nhead ?? 4, {
      dimFeedforward: options.dimFeedforward ?? 4 * d,
      dropout: options.dropout ?? 0.1,
      attentionDropout: options.attentionDropout,
      activationDropout: options.activationDropout,
      activation: options.activation ?? 'gelu',
      normFirst,
      layerNormEps: options.layerNormEps,
      generator: options.generator,
    });
    this.layers = new ModuleList(Array.from({ length: options.numLayers ?? 4 }, () => {
      const l = layer.clone();
      l.resetParameters();
      return l;
    }));
    // pre-norm leaves the residual stream unnormalised, so it needs a final norm; post-norm does not
    this.norm = normFirst ? new LayerNorm(d, { eps: options.layerNormEps }) : null;
    if (options.tieWeights ?? true) this.head = null;
    else {
      this.head = new Linear(d, options.vocabSize, { bias: false });
      init.xavierUniform_(this.head.weight);
    }
    if (options.gradientCheckpointing !== undefined) this.setGradientCheckpointing(options.gradientCheckpointing);
  }

  /** Recompute all layers (true), none (false) or the listed ones in backward instead of storing activations. */
  setGradientCheckpointing(layers: boolean | readonly number[]): this {
    setGradientCheckpointing(this, layers);
    return this;
  }

  /**
   * Token ids [B, T] -> next-token logits [B, T, vocab], each position seeing only itself and earlier
   * ones. With `cache` (one KVCache per layer, from emptyCache()), ids are the positions after those
   * already cached: each step of generation then costs one position, not the whole prefix.
   */
  forward(ids: Tensor, options: { keyPaddingMask?: Tensor | null; positionOffset?: number; cache?: KVCache[] } = {}): Tensor {
    const T = ids.shape[1]!;
    const cached = options.cache?.[0]?.key?.shape[2] ?? 0;
    let x = this.tokEmbed.forward(ids);
    if (this.options.scaleEmbeddings) x = x.mul(Math.sqrt(this.dModel));
    x = this.embedDropout.forward(x.add(this.positions.forward(T, options.positionOffset ?? cached)));
    let i = 0;
    for (const layer of this.layers) x = layer.forward(x, { isCausal: true, srcKeyPaddingMask: options.keyPaddingMask, cache: options.cache?.[i++] });
    if (this.norm) x = this.norm.forward(x);
    return this.head ? this.head.forward(x) : linear(x, this.tokEmbed.weight as Parameter);
  }

  /** A tied output layer has no weight of its own: a file may still hold it as head.weight (PyTorch's state_dict lists tied weights under both names). */
  override stateDictAliases(): Record<string, string> {
    return this.head ? {} : { 'head.weight': 'tokEmbed.weight' };
  }

  /** An empty KV cache, one per layer, for incremental decoding. */
  emptyCache(): KVCache[] {
    return Array.from({ length: this.layers.length }, () => emptyKVCache());
  }

  /**
   * Extends prompts [B, T0] by maxNewTokens tokens, sampling from softmax(logits / temperature)
   * restricted to the topK most likely (greedy when temperature is 0). A KV cache (useCache, the
   * default) makes each new token cost one position while the context fits in maxLen; past maxLen
   * the context slides, keeping its last maxLen tokens, and each token recomputes that window (as
   * without the cache, since learned positions shift).
   */
  generate(prompt: Tensor, options: { maxNewTokens: number; temperature?: number; topK?: number; generator?: Generator; useCache?: boolean }): Tensor {
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => {
        let ids = prompt;
        const temperature = options.temperature ?? 1;
        let cache = options.useCache === false ? null : this.emptyCache();
        for (let i = 0; i < options.maxNewTokens; i++) {
          let logits: Tensor;
          if (cache && ids.shape[1]! <= this.maxLen) {
            const done = cache[0]!.key?.shape[2] ?? 0;
            logits = this.forward(ids.narrow(1, done, ids.shape[1]! - done), { cache }).select(1, -1);
          } else {
            cache = null;
            const context = ids.shape[1]! > this.maxLen ? ids.narrow(1, ids.shape[1]! - this.maxLen, this.maxLen) : ids;
            logits = this.forward(context).select(1, -1);
          }
          let next: Tensor;
          if (temperature === 0) next = logits.argmax(-1, true);
          else {
            let scaled = logits.div(temperature);
            if (options.topK !== undefined && options.topK < scaled.shape[1]!) {
              const kth = kthLargest(scaled, options.topK);
              scaled = scaled.maskedFill(scaled.lt(kth), -Infinity);
            }
            next = multinomial(scaled.softmax(-1), 1, { generator: options.generator });
          }
          ids = cat([ids, next], 1);
        }
        return ids;
      });
    } finally {
      this.train(wasTraining);
    }
  }
}

/** [B, V] -> [B, 1]: each row's k-th largest value. */
function kthLargest(x: Tensor, k: number): Tensor {
  const [B, V] = x.shape as [number, number];
  const values = x.values() as Float32Array;
  const out = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    const row = Array.from(values.subarray(b * V, (b + 1) * V)).sort((p, q) => q - p);
    out[b] = row[k - 1]!;
  }
  return new Tensor(out, [B, 1]);
}
