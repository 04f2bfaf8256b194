/** Positional information for Transformers: fixed sinusoids (Vaswani et al. 2017, sec. 3.5) or learned embeddings. */
import { Tensor } from '../tensor/index.js';
import { ShapeError } from '../tensor/shape.js';
import * as init from './init.js';
import { Module, Parameter } from './module.js';
import { learnedPositionalOptions, moduleOptions } from './options.js';

/**
 * The table PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(...). Intermediate values are
 * rounded to float32 in the order PyTorch's usual construction computes them, so the table equals
 * the one built with torch.exp(torch.arange(0, d, 2) * (-log(10000) / d)).
 */
export function sinusoidalTable(maxLen: number, dModel: number): Tensor {
  const f = Math.fround;
  const t = Tensor.zeros([maxLen, dModel]);
  const s = t.storage as Float32Array;
  const coef = f(-Math.log(10000) / dModel);
  for (let i = 0; i < dModel; i += 2) {
    const div = f(Math.exp(f(i * coef)));
    for (let pos = 0; pos < maxLen; pos++) {
      const angle = f(pos * div);
      s[pos * dModel + i] = Math.sin(angle);
      if (i + 1 < dModel) s[pos * dModel + i + 1] = Math.cos(angle);
    }
  }
  return t;
}

/** Adds nothing learnable: returns PE[offset : offset + seqLen] for inputs [batch, seqLen, d]. */
export class SinusoidalPositionalEncoding extends Module {
  readonly table: Tensor;

  constructor(readonly dModel: number, readonly maxLen = 5000) {
    super();
    // not persistent: it is recomputed from (maxLen, dModel), so checkpoints need not carry it
    this.table = this.registerBuffer('pe', sinusoidalTable(maxLen, dModel), false)!;
  }

  /** Positions [offset, offset + seqLen) as a [seqLen, d] tensor. */
  forward(seqLen: number, offset = 0): Tensor {
    if (offset + seqLen > this.maxLen) throw new ShapeError(`positional encoding: position ${offset + seqLen - 1} exceeds maxLen ${this.maxLen}`);
    return this.table.narrow(0, offset, seqLen);
  }
}

/** Learned absolute positions (GPT, BERT): an embedding row per position, initialised N(0, std^2). */
export class LearnedPositionalEmbedding extends Module {
  readonly weight: Parameter;

  constructor(readonly maxLen: number, readonly dModel: number, options: { std?: number } = {}) {
    super();
    options = moduleOptions(learnedPositionalOptions, options, 'LearnedPositionalEmbedding');
    this.weight = new Parameter(Tensor.zeros([maxLen, dModel]));
    init.normal_(this.weight, 0, options.std ?? dModel ** -0.5);
  }

  forward(seqLen: number, offset = 0): Tensor {
    if (offset + seqLen > this.maxLen) throw new ShapeError(`positional embedding: position ${offset + seqLen - 1} exceeds maxLen ${this.maxLen}`);
    return this.weight.narrow(0, offset, seqLen);
  }
}
