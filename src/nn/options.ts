/**
 * The option objects of the nn modules, as zod schemas (the project's one schema language): each
 * field's description sits beside it, the TypeScript types are inferred from them, and a module
 * constructor checks its options with strictOptions, so a misspelt key (`dropuot`) is an error that
 * names it and suggests the right one instead of being silently ignored. Defaults are applied by
 * the constructors and given in the descriptions.
 */
import { z } from 'zod';
import { strictOptions, type OptionsSchema } from '../options.js';
import { Generator } from '../tensor/index.js';

const rate = () => z.number().min(0).max(1);
const positiveInt = () => z.number().int().positive();
const generator = z.instanceof(Generator).optional().describe('draws the dropout masks; the default generator when omitted');

/** PyTorch's snake_case names, and other names users carry over, mapped to ours for the suggestions. */
export const moduleAliases: Readonly<Record<string, string>> = {
  d_model: 'dModel',
  n_head: 'nhead',
  num_heads: 'nhead',
  dim_feedforward: 'dimFeedforward',
  layer_norm_eps: 'layerNormEps',
  norm_first: 'normFirst',
  batch_first: 'batchFirst',
  tie_word_embeddings: 'tieWeights',
  tieOutput: 'tieWeights',
  tieEmbeddings: 'tieWeights',
  padding_idx: 'paddingIdx',
  elementwise_affine: 'elementwiseAffine',
};

export const linearOptions = z.strictObject({
  bias: z.boolean().optional().describe('learn an additive bias (default true)'),
});

export const embeddingOptions = z.strictObject({
  paddingIdx: z.number().int().nullable().optional().describe('the row of the padding token: starts at zero and gets no gradient (default none)'),
});

export const layerNormOptions = z.strictObject({
  eps: z.number().positive().optional().describe('added to the variance (default 1e-5)'),
  elementwiseAffine: z.boolean().optional().describe('learn a gain and a bias (default true)'),
  bias: z.boolean().optional().describe('learn the bias, when elementwiseAffine (default true)'),
});

export const learnedPositionalOptions = z.strictObject({
  std: z.number().positive().optional().describe('std of the N(0, std^2) init (default dModel^-0.5)'),
});

export const multiheadAttentionOptions = z.strictObject({
  dropout: rate().optional().describe('dropout on the attention weights (default 0)'),
  bias: z.boolean().optional().describe('biases in the input and output projections (default true)'),
  batchFirst: z.boolean().optional().describe('inputs are [batch, seq, embed] (default true here, unlike PyTorch) or [seq, batch, embed]'),
  generator,
});

const activation = z.enum(['relu', 'gelu', 'gelu_tanh']);

export const transformerLayerOptions = z.strictObject({
  dimFeedforward: positiveInt().optional().describe('inner width of the feed-forward block (default 2048)'),
  dropout: rate().optional().describe('residual-branch dropout, and the default of the other two rates (default 0.1)'),
  attentionDropout: rate().optional().describe('dropout on attention weights (default: dropout)'),
  activationDropout: rate().optional().describe('dropout inside the feed-forward block (default: dropout)'),
  activation: activation.optional().describe("feed-forward activation (default 'relu')"),
  layerNormEps: z.number().positive().optional().describe('LayerNorm eps (default 1e-5)'),
  normFirst: z.boolean().optional().describe('pre-norm (LayerNorm before each sublayer, Xiong et al. 2020) instead of post-norm (default false)'),
  bias: z.boolean().optional().describe('biases in linear layers and LayerNorms (default true)'),
  generator,
});

export const transformerOptions = transformerLayerOptions.extend({
  dModel: positiveInt().optional().describe('width of the residual stream (default 512)'),
  nhead: positiveInt().optional().describe('attention heads, dividing dModel (default 8)'),
  numEncoderLayers: positiveInt().optional().describe('encoder layers (default 6)'),
  numDecoderLayers: positiveInt().optional().describe('decoder layers (default 6)'),
});

/** What the encoder-decoder and the decoder-only models share. */
const modelFields = {
  dModel: positiveInt().optional().describe('width of the residual stream'),
  nhead: positiveInt().optional().describe('attention heads, dividing dModel'),
  dimFeedforward: positiveInt().optional().describe('inner width of the feed-forward blocks'),
  dropout: rate().optional().describe('residual-branch dropout; the default of the other three rates (default 0.1)'),
  embeddingDropout: rate().optional().describe('dropout on embeddings + positions (default: dropout)'),
  attentionDropout: rate().optional().describe('dropout on attention weights (default: dropout)'),
  activationDropout: rate().optional().describe('dropout inside the feed-forward blocks (default: dropout)'),
  activation: activation.optional().describe('feed-forward activation'),
  normFirst: z.boolean().optional().describe('pre-norm instead of post-norm'),
  layerNormEps: z.number().positive().optional().describe('LayerNorm eps (default 1e-5)'),
  positional: z.enum(['sinusoidal', 'learned']).optional().describe('fixed sinusoidal positions or learned position embeddings'),
  maxLen: positiveInt().optional().describe('the most positions a sequence may have'),
  tieWeights: z.boolean().optional().describe('the output layer (head) reuses the (target) embedding matrix (Press & Wolf 2017)'),
  gradientCheckpointing: z.union([z.boolean(), z.array(z.number().int().min(0))]).optional()
    .describe('recompute Transformer layers in backward instead of storing their activations: true for all, or layer indices (encoder layers first, then decoder layers); default false'),
  generator,
};

export const seq2seqOptions = z.strictObject({
  ...modelFields,
  dModel: modelFields.dModel.describe('width of the residual stream (default 512)'),
  srcVocabSize: positiveInt().describe('source vocabulary size'),
  tgtVocabSize: positiveInt().describe('target vocabulary size'),
  numEncoderLayers: positiveInt().optional().describe('encoder layers (default 6)'),
  numDecoderLayers: positiveInt().optional().describe('decoder layers (default 6)'),
  srcPaddingIdx: z.number().int().nullable().optional().describe('source padding id: masked from attention (default none)'),
  tgtPaddingIdx: z.number().int().nullable().optional().describe('target padding id: masked from attention (default none)'),
  shareEmbeddings: z.boolean().optional().describe('one embedding table for source and target (needs equal vocabularies)'),
});

export const lmOptions = z.strictObject({
  ...modelFields,
  dModel: modelFields.dModel.describe('width of the residual stream (default 128)'),
  vocabSize: positiveInt().describe('vocabulary size'),
  numLayers: positiveInt().optional().describe('decoder blocks (default 4)'),
  embeddingInitStd: z.number().positive().optional().describe('std of the token (and learned position) embedding init (default dModel^-0.5)'),
  scaleEmbeddings: z.boolean().optional().describe('multiply token embeddings by sqrt(dModel) (Vaswani et al.; GPT does not)'),
  paddingIdx: z.number().int().nullable().optional().describe('padding id of the token embedding (default none)'),
});

export const loadStateDictOptions = z.strictObject({
  strict: z.boolean().optional().describe('missing and unexpected keys are errors (default true); shape mismatches always are'),
});

export type LinearOptions = z.input<typeof linearOptions>;
export type EmbeddingOptions = z.input<typeof embeddingOptions>;
export type LayerNormOptions = z.input<typeof layerNormOptions>;
export type MultiheadAttentionOptions = z.input<typeof multiheadAttentionOptions>;
export type TransformerLayerOptions = z.input<typeof transformerLayerOptions>;
export type TransformerOptions = z.input<typeof transformerOptions>;
export type Seq2SeqOptions = z.input<typeof seq2seqOptions>;
export type LMOptions = z.input<typeof lmOptions>;
/** The options both model kinds share. */
export type TransformerModelOptions = Omit<LMOptions, 'vocabSize' | 'numLayers' | 'embeddingInitStd' | 'scaleEmbeddings' | 'paddingIdx'>;

/** Checks a module's option object: unknown keys are named with a suggestion, bad values with their field. */
export function moduleOptions<S extends OptionsSchema>(schema: S, value: unknown, module: string): z.output<S> {
  return strictOptions(schema, value, module, { aliases: moduleAliases });
}
