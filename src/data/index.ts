export { Vocab, PAD, SOS, EOS } from './vocab.js';
export { padSequences, seq2seqBatch, type Seq2SeqBatch } from './batching.js';
export { NumbersToWords, numberToWords, sourceVocab, targetVocab, DIGIT_WORDS, type NumbersOptions } from './numbers.js';
export {
  charTokenizer, byteTokenizer, loadTokenizer, huggingFaceTokenizer, tokenizerFromJSON, buildTokenizer,
  PAD_TOKEN, BOS_TOKEN, EOS_TOKEN, UNK_TOKEN,
  type Tokenizer, type TokenizerJSON, type TokenizerSpec, type CharTokenizerJSON, type ByteTokenizerJSON, type HuggingFaceTokenizerJSON,
} from './tokenizer.js';
export { readTextFile, lmWindows, type LMWindowSet, type LMSplit, type LMWindowOptions } from './text.js';
export { readTsv, parseTsv, type TsvPair } from './tsv.js';
export { splitExamples, type SplitOptions, type Split } from './split.js';
export { BatchLoader, evalBatches, batchTokens, paddedLength, type LoaderOptions, type LoaderState, type ExampleLength } from './loader.js';
export {
  collateLM, collateSeq2Seq, seq2seqLengths,
  type Batch, type LMBatch, type Seq2SeqPair, type Seq2SeqCollateOptions, type Seq2SeqBatchWithCounts,
} from './collate.js';
export { firstInvalidUtf8, decodeUtf8Strict, type Utf8Position } from './utf8.js';
