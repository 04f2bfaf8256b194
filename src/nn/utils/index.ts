export { clipGradNorm, clipGradNorm_, clipGradValue, clipGradValue_, totalNorm, clipGradNormOptions, clipGradNormExtraOptions, type ClipGradNormOptions } from './clipGrad.js';
export { checkpoint, checkpointWith, type CheckpointOptions } from '../../tensor/checkpoint.js';
