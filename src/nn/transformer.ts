/**
 * Transformer layers and stacks with torch.nn.Transformer's structure and argument names (batch
 * first). Dropout is applied in the four places the literature uses: embeddings (in the models),
 * attention weights (`attentionDropout`), residual branches (`dropout`) and inside the feed-forward
 * block (`activationDropout`); the last two default to `dropout` as in PyTorch, which uses one rate.
 */
import { checkpointWith, isGradEnabled, type Generator, type Tensor } from '../tensor/index.js';
import { causalMask, emptyKVCache, MultiheadAttention, type KVCache } from './attention.js';
import * as init from './init.js';
import { Dropout, LayerNorm, Linear } from './layers.js';
import { Module, ModuleList } from './module.js';
import { moduleOptions, transformerLayerOptions, transformerOptions, type TransformerLayerOptions, type TransformerOptions } from './options.js';
import { ConfigError } from '../errors.js';

export type Activation = 'relu' | 'gelu' | 'gelu_tanh';

export type { TransformerLayerOptions, TransformerOptions } from './options.js';

function activate(x: Tensor, activation: Activation): Tensor {
  switch (activation) {
    case 'relu': return x.relu();
    case 'gelu': return x.gelu();
    case 'gelu_tanh': return x.gelu({ approximate: 'tanh' });
  }
}

function checkActivation(a: string): Activation {
  if (a !== 'relu' && a !== 'gelu' && a !== 'gelu_tanh') throw new ConfigError('activation', `unknown value '${a}'`, ['relu', 'gelu', 'gelu_tanh']);
  return a;
}

/** Checkpoint only where it saves memory: a training forward that records a graph, not cached decoding. */
function checkpointing(layer: TransformerEncoderLayer | TransformerDecoderLayer, cache: unknown): boolean {
  return layer.gradientCheckpointing && layer.training && isGradEnabled() && cache === undefined;
}

function checkpointOptions(layer: TransformerEncoderLayer | TransformerDecoderLayer) {
  return { generators: layer.generator ? [layer.generator] : [], parameters: layer.parameters() };
}

/**
 * Turns gradient checkpointing on for every Transformer layer of `model` (true), none (false), or
 * the listed ones, numbered in module order: an encoder-decoder's encoder layers, then its decoder's.
 */
export function setGradientCheckpointing(model: Module, layers: boolean | readonly number[]): void {
  const all = [...model.modules()].filter((m): m is TransformerEncoderLayer | TransformerDecoderLayer => m instanceof TransformerEncoderLayer || m instanceof TransformerDecoderLayer);
  if (Array.isArray(layers)) {
    for (const i of layers) {
      if (!Number.isInteger(i) || i < 0 || i >= all.length) throw new ConfigError('gradientCheckpointing', `layer index ${i} is out of range: the model has ${all.length} Transformer layers (0-${all.length - 1})`);
    }
  }
  all.forEach((l, i) => { l.gradientCheckpointing = Array.isArray(layers) ? layers.includes(i) : layers === true; });
}

/** The position-wise feed-forward block shared by both layer kinds: linear2(dropout(act(linear1(x)))). */
function feedForward(x: Tensor, linear1: Linear, linear2: Linear, inner: Dropout, activation: Activation): Tensor {
  return linear2.forward(inner.forward(activate(linear1.forward(x), activation)));
}

/** Xavier-uniform on every weight matrix, zeros for biases, LayerNorm at (1, 0). */
function resetLayer(layer: Module): void {
  for (const m of layer.modules()) {
    if (m instanceof MultiheadAttention) m.resetParameters();
    else if (m instanceof Linear) {
      init.xavierUniform_(m.weight);
      if (m.bias) init.zeros_(m.bias);
    } else if (m instanceof LayerNorm) m.resetParameters();
  }
}

export class TransformerEncoderLayer extends Module {
  readonly selfAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly normFirst: boolean;
  readonly activation: Activation;
  readonly generator?: Generator;
  /** Recompute this layer's activations in backward instead of storing them (setGradientCheckpointing). */
  gradientCheckpointing = false;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    options: TransformerLayerOptions = {},
  ) {
    super();
    options = moduleOptions(transformerLayerOptions, options, new.target.name);
    const p = options.dropout ?? 0.1;
    const ff = options.dimFeedforward ?? 2048;
    const eps = options.layerNormEps ?? 1e-5;
    const g = (this.generator = options.generator);
    this.selfAttn = new MultiheadAttention(dModel, nhead, { dropout: options.attentionDropout ?? p, bias: options.bias, generator: g });
    this.linear1 = new Linear(dModel, ff, { bias: options.bias });
    this.dropout = new Dropout(options.activationDropout ?? p, g);
    this.linear2 = new Linear(ff, dModel, { bias: options.bias });
    this.norm1 = new LayerNorm(dModel, { eps, bias: options.bias });
    this.norm2 = new LayerNorm(dModel, { eps, bias: options.bias });
    this.dropout1 = new Dropout(p, g);
    this.dropout2 = new Dropout(p, g);
    this.normFirst = options.normFirst ?? false;
    this.activation = checkActivation(options.activation ?? 'relu');
    this.resetParameters();
  }

  resetParameters(): void {
    resetLayer(this);
  }

  private selfAttentionBlock(x: Tensor, mask?: Tensor | null, keyPaddingMask?: Tensor | null, isCausal?: boolean, cache?: KVCache): Tensor {
    const [out] = this.selfAttn.forward(x, x, x, { attnMask: mask, keyPaddingMask, isCausal, needWeights: false, cache });
    return this.dropout1.forward(out);
  }

  private feedForwardBlock(x: Tensor): Tensor {
    return this.dropout2.forward(feedForward(x, this.linear1, this.linear2, this.dropout, this.activation));
  }

  /** With a cache (causal decoding), src holds only the new positions; earlier ones come from the cache. */
  forward(src: Tensor, options: { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean; cache?: KVCache } = {}): Tensor {
    if (checkpointing(this, options.cache)) return checkpointWith(checkpointOptions(this), (x) => this.run(x, options), src);
    return this.run(src, options);
  }

  private run(src: Tensor, options: { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean; cache?: KVCache }): Tensor {
    let x = src;
    const o = options;
    if (this.normFirst) {
      x = x.add(this.selfAttentionBlock(this.norm1.forward(x), o.srcMask, o.srcKeyPaddingMask, o.isCausal, o.cache));
      x = x.add(this.feedForwardBlock(this.norm2.forward(x)));
    } else {
      x = this.norm1.forward(x.add(this.selfAttentionBlock(x, o.srcMask, o.srcKeyPaddingMask, o.isCausal, o.cache)));
      x = this.norm2.forward(x.add(this.feedForwardBlock(x)));
    }
    return x;
  }
}

export interface DecoderCallOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  /** Use a causal mask on the target when tgtMask is not given. */
  tgtIsCausal?: boolean;
}

/** A decoder layer's caches for incremental decoding: its self-attention and its (fixed) cross-attention. */
export interface DecoderLayerCache {
  self: KVCache;
  cross: KVCache;
}

export function emptyDecoderCache(layers: number): DecoderLayerCache[] {
  return Array.from({ length: layers }, () => ({ self: emptyKVCache(), cross: emptyKVCache() }));
}

export class TransformerDecoderLayer extends Module {
  readonly selfAttn: MultiheadAttention;
  readonly multiheadAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly norm3: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly dropout3: Dropout;
  readonly normFirst: boolean;
  readonly activation: Activation;
  readonly generator?: Generator;
  /** Recompute this layer's activations in backward instead of storing them (setGradientCheckpointing). */
  gradientCheckpointing = false;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    options: TransformerLayerOptions = {},
  ) {
    super();
    options = moduleOptions(transformerLayerOptions, options, new.target.name);
    const p = options.dropout ?? 0.1;
    const ff = options.dimFeedforward ?? 2048;
    const eps = options.layerNormEps ?? 1e-5;
    const g = (this.generator = options.generator);
    const attnP = options.attentionDropout ?? p;
    this.selfAttn = new MultiheadAttention(dModel, nhead, { dropout: attnP, bias: options.bias, generator: g });
    this.multiheadAttn = new MultiheadAttention(dModel, nhead, { dropout: attnP, bias: options.bias, generator: g });
    this.linear1 = new Linear(dModel, ff, { bias: options.bias });
    this.dropout = new Dropout(options.activationDropout ?? p, g);
    this.linear2 = new Linear(ff, dModel, { bias: options.bias });
    this.norm1 = new LayerNorm(dModel, { eps, bias: options.bias });
    this.norm2 = new LayerNorm(dModel, { eps, bias: options.bias });
    this.norm3 = new LayerNorm(dModel, { eps, bias: options.bias });
    this.dropout1 = new Dropout(p, g);
    this.dropout2 = new Dropout(p, g);
    this.dropout3 = new Dropout(p, g);
    this.normFirst = options.normFirst ?? false;
    this.activation = checkActivation(options.activation ?? 'relu');
    this.resetParameters();
  }

  resetParameters(): void {
    resetLayer(this);
  }

  private selfAttentionBlock(x: Tensor, o: DecoderCallOptions, cache?: DecoderLayerCache): Tensor {
    const [out] = this.selfAttn.forward(x, x, x, { attnMask: o.tgtMask, keyPaddingMask: o.tgtKeyPaddingMask, isCausal: o.tgtIsCausal, needWeights: false, cache: cache?.self });
    return this.dropout1.forward(out);
  }

  private crossAttentionBlock(x: Tensor, memory: Tensor, o: DecoderCallOptions, cache?: DecoderLayerCache): Tensor {
    const [out] = this.multiheadAttn.forward(x, memory, memory, { attnMask: o.memoryMask, keyPaddingMask: o.memoryKeyPaddingMask, needWeights: false, cache: cache?.cross });
    return this.dropout2.forward(out);
  }

  private feedForwardBlock(x: Tensor): Tensor {
    return this.dropout3.forward(feedForward(x, this.linear1, this.linear2, this.dropout, this.activation));
  }

  /** With a cache (incremental decoding), tgt holds only the new positions. */
  forward(tgt: Tensor, memory: Tensor, options: DecoderCallOptions & { cache?: DecoderLayerCache } = {}): Tensor {
    if (checkpointing(this, options.cache)) return checkpointWith(checkpointOptions(this), (x, m) => this.run(x, m!, options), tgt, memory);
    return this.run(tgt, memory, options);
  }

  private run(tgt: Tensor, memory: Tensor, options: DecoderCallOptions & { cache?: DecoderLayerCache }): Tensor {
    let x = tgt;
    const c = options.cache;
    if (this.normFirst) {
      x = x.add(this.selfAttentionBlock(this.norm1.forward(x), options, c));
      x = x.add(this.crossAttentionBlock(this.norm2.forward(x), memory, options, c));
      x = x.add(this.feedForwardBlock(this.norm3.forward(x)));
    } else {
      x = this.norm1.forward(x.add(this.selfAttentionBlock(x, options, c)));
      x = this.norm2.forward(x.add(this.crossAttentionBlock(x, memory, options, c)));
      x = this.norm3.forward(x.add(this.feedForwardBlock(x)));
    }
    return x;
  }
}

/** A stack of numLayers deep copies of encoderLayer, then an optional final norm (torch.nn.TransformerEncoder). */
export class TransformerEncoder extends Module {
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, norm: LayerNorm | null = null) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.clone()));
    this.norm = norm;
  }

  forward(src: Tensor, options: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean } = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, { srcMask: options.mask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.isCausal });
    return this.norm ? this.norm.forward(x) : x;
  }
}

/** A stack of numLayers deep copies of decoderLayer, then an optional final norm (torch.nn.TransformerDecoder). */
export class TransformerDecoder extends Module {
  readonly layers: ModuleList<TransformerDecoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, norm: LayerNorm | null = null) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => decoderLayer.clone()));
    this.norm = norm;
  }

  /** `cache` holds one DecoderLayerCache per layer for incremental decoding (emptyDecoderCache). */
  forward(tgt: Tensor, memory: Tensor, options: DecoderCallOptions & { cache?: DecoderLayerCache[] } = {}): Tensor {
    let x = tgt;
    let i = 0;
    for (const layer of this.layers) x = layer.forward(x, memory, { ...options, cache: options.cache?.[i++] });
    return this.norm ? this.norm.forward(x) : x;
  }
}


/**
 * The encoder-decoder of torch.nn.Transformer: both stacks end in a LayerNorm (PyTorch adds these
 * final norms for post-norm too). Every layer is re-initialised independently, so the deep copies
 * do not start identical.
 */
export class Transformer extends Module {
  readonly encoder: TransformerEncoder;
  readonly decoder: TransformerDecoder;
  readonly dModel: number;
  readonly nhead: number;

  constructor(options: TransformerOptions = {}) {
    super();
    options = moduleOptions(transformerOptions, options, 'Transformer');
    this.dModel = options.dModel ?? 512;
    this.nhead = options.nhead ?? 8;
    const eps = options.layerNormEps ?? 1e-5;
    const { dModel: _d, nhead: _h, numEncoderLayers: _e, numDecoderLayers: _n, ...layerOptions } = options;
    const encLayer = new TransformerEncoderLayer(this.dModel, this.nhead, layerOptions);
    const decLayer = new TransformerDecoderLayer(this.dModel, this.nhead, layerOptions);
    this.encoder = new TransformerEncoder(encLayer, options.numEncoderLayers ?? 6, new LayerNorm(this.dModel, { eps, bias: options.bias }));
    this.decoder = new TransformerDecoder(decLayer, options.numDecoderLayers ?? 6, new LayerNorm(this.dModel, { eps, bias: options.bias }));
    this.resetParameters();
  }

  resetParameters(): void {
    for (const layer of this.encoder.layers) layer.resetParameters();
    for (const layer of this.decoder.layers) layer.resetParameters();
  }

  /** Transformer.generate_square_subsequent_mask. */
  static generateSquareSubsequentMask(size: number): Tensor {
    return causalMask(size);
  }

  forward(
    src: Tensor,
    tgt: Tensor,
    options: { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null } & DecoderCallOptions = {},
  ): Tensor {
    const memory = this.encoder.forward(src, { mask: options.srcMask, srcKeyPaddingMask: options.srcKeyPaddingMask });
    return this.decoder.forward(tgt, memory, options);
  }
}
