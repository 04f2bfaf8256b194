/** Builds the models the config sections describe. */
import { TransformerLM, TransformerSeq2Seq, type LMOptions, type Seq2SeqOptions } from '../../nn/index.js';
import type { LanguageModelConfig, NumbersConfig, Seq2SeqConfig } from '../config.js';

export function seq2seqOptions(
  m: NumbersConfig['model'] | Seq2SeqConfig['model'],
  sizes: { srcVocabSize: number; tgtVocabSize: number; maxLen: number; srcPaddingIdx: number; tgtPaddingIdx: number },
): Seq2SeqOptions {
  return {
    ...sizes,
    dModel: m.dModel,
    nhead: m.nhead,
    numEncoderLayers: m.numEncoderLayers,
    numDecoderLayers: m.numDecoderLayers,
    dimFeedforward: m.dimFeedforward,
    dropout: m.dropout,
    embeddingDropout: m.embeddingDropout,
    attentionDropout: m.attentionDropout,
    activationDropout: m.activationDropout,
    activation: m.activation,
    normFirst: m.normFirst,
    positional: m.positional,
    tieOutput: m.tieOutput,
  };
}

export function lmOptions(m: LanguageModelConfig['model'], sizes: { vocabSize: number; maxLen: number }): LMOptions {
  return {
    ...sizes,
    dModel: m.dModel,
    nhead: m.nhead,
    numLayers: m.numLayers,
    dimFeedforward: m.dimFeedforward,
    dropout: m.dropout,
    embeddingDropout: m.embeddingDropout,
    attentionDropout: m.attentionDropout,
    activationDropout: m.activationDropout,
    activation: m.activation,
    normFirst: m.normFirst,
    positional: m.positional,
    tieWeights: m.tieWeights,
  };
}

export const buildSeq2Seq = (options: Seq2SeqOptions): TransformerSeq2Seq => new TransformerSeq2Seq(options);
export const buildLM = (options: LMOptions): TransformerLM => new TransformerLM(options);
