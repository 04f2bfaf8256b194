import type { Backend } from '../backend.js';
import { crossEntropy, crossEntropyBackward } from './crossEntropy.js';
import { binary, cast, clamp, clampBackward, compare, copy, unary, unaryBackward, where } from './elementwise.js';
import { gemm } from './gemm.js';
import { gather, indexAdd, indexSelect, scatterAdd } from './indexing.js';
import { layerNorm, layerNormBackward } from './layernorm.js';
import { max, sum } from './reduce.js';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward } from './softmax.js';

/** The pure TypeScript reference backend: runs anywhere, and is the source of truth for the others. */
export const jsBackend: Backend = {
  name: 'js',
  unary, unaryBackward, binary, compare, where, clamp, clampBackward, copy, cast,
  sum, max, gemm,
  softmax, softmaxBackward, logSoftmax, logSoftmaxBackward,
  layerNorm, layerNormBackward,
  indexSelect, indexAdd, gather, scatterAdd,
  crossEntropy, crossEntropyBackward,
};
