export { Module, ModuleList, Sequential, Parameter, StateDictError, type StateDict, type UnaryModule } from './module.js';
export { Linear, Embedding, LayerNorm, Dropout, ReLU, GELU, Tanh, Identity } from './layers.js';
export {
  MultiheadAttention, attention, causalMask, mergeMasks, toAdditiveMask, scaledDotProductAttention,
  type MultiheadAttentionOptions, type AttentionCallOptions,
} from './attention.js';
export {
  TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder, Transformer, setGradientCheckpointing,
  type TransformerLayerOptions, type TransformerOptions, type DecoderCallOptions, type Activation,
} from './transformer.js';
export { toPyTorchName, toAnnealName, type Naming } from './pytorchNames.js';
export { toPyTorchStateDict, loadWeights, loadWeightsFrom, saveWeights } from './weights.js';
export { SinusoidalPositionalEncoding, LearnedPositionalEmbedding, sinusoidalTable } from './positional.js';
export { CrossEntropyLoss, MSELoss } from './loss.js';
export { TransformerSeq2Seq, type Seq2SeqOptions, type Seq2SeqMasks } from './models/seq2seq.js';
export { TransformerLM, type LMOptions } from './models/lm.js';
export type { TransformerModelOptions, LinearOptions, EmbeddingOptions, LayerNormOptions } from './options.js';
export * as options from './options.js';
export * as functional from './functional.js';
export * as init from './init.js';
export * as utils from './utils/index.js';
