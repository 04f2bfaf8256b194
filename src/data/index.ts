export { Vocab, PAD, SOS, EOS } from './vocab.js';
export { padSequences, seq2seqBatch, type Seq2SeqBatch } from './batching.js';
export { NumbersToWords, numberToWords, sourceVocab, targetVocab, DIGIT_WORDS, type NumbersOptions } from './numbers.js';
