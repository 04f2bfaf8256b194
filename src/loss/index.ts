export { crossEntropy, languageModelLoss, sequenceToSequenceLoss, decoderInput, type CrossEntropyOptions, type Reduction, type Smoothing } from './crossEntropy.js';
export { perplexity, tokenAccuracy, calibrationError, type CalibrationBin, type CalibrationOptions } from './metrics.js';
export { mseLoss } from './mse.js';
export { crossEntropyOptions, mseLossOptions, lossOptions, type CrossEntropyLossOptions, type MseLossOptions } from './options.js';
