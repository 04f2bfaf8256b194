import type { Generator } from '../../tensor/index.js';
import type { Activation } from '../transformer.js';

/** Architecture options the encoder-decoder and the decoder-only models share. */
export interface TransformerModelOptions {
  dModel?: number;
  nhead?: number;
  dimFeedforward?: number;
  /** Residual-branch dropout; the default for the other three rates. */
  dropout?: number;
  /** Dropout on embeddings + positions. */
  embeddingDropout?: number;
  /** Dropout on attention weights. */
  attentionDropout?: number;
  /** Dropout inside the feed-forward block. */
  activationDropout?: number;
  activation?: Activation;
  normFirst?: boolean;
  layerNormEps?: number;
  positional?: 'sinusoidal' | 'learned';
  maxLen?: number;
  /** Draws dropout masks; the default generator when omitted. */
  generator?: Generator;
}
