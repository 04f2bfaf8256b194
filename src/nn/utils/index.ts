export { clipGradNorm, clipGradNorm_, clipGradValue, clipGradValue_, totalNorm } from './clipGrad.js';
