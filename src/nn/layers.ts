/** The basic layers: Linear, Embedding, LayerNorm, Dropout, and activations as modules. */
import { dropout, embedding, layerNorm, linear, Tensor, type Generator } from '../tensor/index.js';
import * as init from './init.js';
import { Module, Parameter } from './module.js';
import { embeddingOptions, layerNormOptions, linearOptions, moduleOptions, type EmbeddingOptions, type LayerNormOptions, type LinearOptions } from './options.js';
import { ArgumentError, ConfigError } from '../errors.js';

/** y = x W^T + b (torch.nn.Linear), with PyTorch's default init U(-1/sqrt(in), 1/sqrt(in)) for both. */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    options = moduleOptions(linearOptions, options, 'Linear');
    this.weight = new Parameter(Tensor.zeros([outFeatures, inFeatures]));
    this.bias = options.bias ?? true ? new Parameter(Tensor.zeros([outFeatures])) : null;
    this.resetParameters();
  }

  /** kaiming_uniform_(a=sqrt(5)) on the weight, which is U(-1/sqrt(in), 1/sqrt(in)), and the same bound for the bias. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

/** A lookup table (torch.nn.Embedding); the paddingIdx row starts at zero and never gets gradient. */
export class Embedding extends Module {
  readonly weight: Parameter;
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    options = moduleOptions(embeddingOptions, options, 'Embedding');
    let pad = options.paddingIdx ?? null;
    if (pad !== null) {
      if (pad < -numEmbeddings || pad >= numEmbeddings) throw new ConfigError('paddingIdx', `Embedding: ${pad} must be within num_embeddings ${numEmbeddings}`);
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = new Parameter(Tensor.zeros([numEmbeddings, embeddingDim]));
    this.resetParameters();
  }

  /** N(0, 1) like PyTorch; models rescale (the Transformer uses N(0, d^-0.5)). Padding row zeroed. */
  resetParameters(std = 1): void {
    init.normal_(this.weight, 0, std);
    this.zeroPaddingRow();
  }

  zeroPaddingRow(): void {
    if (this.paddingIdx === null) return;
    const d = this.embeddingDim;
    (this.weight.storage as Float32Array).fill(0, this.paddingIdx * d, (this.paddingIdx + 1) * d);
  }

  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, this.paddingIdx);
  }
}

/** torch.nn.LayerNorm over the trailing normalizedShape dims; gain 1, bias 0. */
export class LayerNorm extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly normalizedShape: readonly number[];

  constructor(
    normalizedShape: number | readonly number[],
    readonly options: LayerNormOptions = {},
  ) {
    super();
    moduleOptions(layerNormOptions, options, 'LayerNorm');
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(Tensor.zeros(this.normalizedShape)) : null;
    this.bias = affine && (options.bias ?? true) ? new Parameter(Tensor.zeros(this.normalizedShape)) : null;
    this.resetParameters();
  }

  get eps(): number {
    return this.options.eps ?? 1e-5;
  }

  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}

/** Inverted dropout, active only in training mode (torch.nn.Dropout). */
export class Dropout extends Module {
  constructor(
    /** The drop probability; the trainer changes it for a fine-tuning phase. */
    public p = 0.5,
    readonly generator?: Generator,
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ArgumentError(`Dropout: probability must be in [0, 1], got ${p}`);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }
}

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }

  forward(x: Tensor): Tensor {
    return x.gelu({ approximate: this.approximate });
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
