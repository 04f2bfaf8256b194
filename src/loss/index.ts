export { crossEntropy, languageModelLoss, sequenceToSequenceLoss, decoderInput, type CrossEntropyOptions, type Reduction, type Smoothing } from './crossEntropy.js';
export { perplexity, tokenAccuracy } from './metrics.js';
