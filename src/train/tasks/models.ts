/** Builds the models the config sections describe. */
import type { Tokenizer } from '../../data/index.js';
import { TransformerLM, TransformerSeq2Seq, type LMOptions, type Seq2SeqOptions } from '../../nn/index.js';
import type { LanguageModelConfig, NumbersConfig, Seq2SeqConfig, TrainConfig } from '../config.js';
import { FORMAT, type SavedModelConfig } from '../modelDir.js';

export const TOKENIZER_FILE = 'tokenizer.json';

type ModelSection = NumbersConfig['model'] | Seq2SeqConfig['model'] | LanguageModelConfig['model'];

/** The options every Transformer model takes from its config section. */
function shared(m: ModelSection) {
  return {
    dModel: m.dModel,
    nhead: m.nhead,
    dimFeedforward: m.dimFeedforward,
    dropout: m.dropout,
    embeddingDropout: m.embeddingDropout,
    attentionDropout: m.attentionDropout,
    activationDropout: m.activationDropout,
    activation: m.activation,
    normFirst: m.normFirst,
    positional: m.positional,
  };
}

export function seq2seqOptions(
  m: NumbersConfig['model'] | Seq2SeqConfig['model'],
  sizes: { srcVocabSize: number; tgtVocabSize: number; maxLen: number; srcPaddingIdx: number; tgtPaddingIdx: number },
): Seq2SeqOptions {
  return { ...sizes, ...shared(m), numEncoderLayers: m.numEncoderLayers, numDecoderLayers: m.numDecoderLayers, tieWeights: m.tieWeights };
}

export function lmOptions(m: LanguageModelConfig['model'], sizes: { vocabSize: number; maxLen: number }): LMOptions {
  return { ...sizes, ...shared(m), numLayers: m.numLayers, tieWeights: m.tieWeights };
}

export const buildSeq2Seq = (options: Seq2SeqOptions): TransformerSeq2Seq => new TransformerSeq2Seq(options);
export const buildLM = (options: LMOptions): TransformerLM => new TransformerLM(options);

/** What a task's model directory records: the architecture, the data settings and the whole training config. */
export function savedConfigFor(config: TrainConfig, architecture: 'seq2seq' | 'lm', model: Seq2SeqOptions | LMOptions, extra: Partial<SavedModelConfig> = {}): SavedModelConfig {
  return { format: FORMAT, formatVersion: 2, task: config.task, architecture, model, data: { ...config.data }, trainConfig: config, ...extra };
}

/** The tokenizer file of a model directory. */
export function tokenizerFiles(tokenizer: Tokenizer): Record<string, string> {
  return { [TOKENIZER_FILE]: JSON.stringify(tokenizer.toJSON()) + '\n' };
}
