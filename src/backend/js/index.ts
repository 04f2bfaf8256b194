import type { Backend } from '../backend.js';
import { BufferPool } from '../pool.js';
import { attention, attentionBackward } from './attention.js';
import { crossEntropy, crossEntropyBackward } from './crossEntropy.js';
import { accumulate, binary, cast, clamp, clampBackward, compare, copy, unary, unaryBackward, where } from './elementwise.js';
import { gemm } from './epilogue.js';
import { gemmThreads } from './gemmPool.js';
import { fromBf16, fromFp16, toBf16, toFp16 } from './half.js';
import { gather, indexAdd, indexSelect, scatterAdd } from './indexing.js';
import { layerNorm, layerNormBackward } from './layernorm.js';
import { adam, scaleInPlace, sgd, sumPow } from './optim.js';
import { bernoulliMask, dropoutApply } from './random.js';
import { max, sum } from './reduce.js';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward } from './softmax.js';

// ArrayBuffers come zero-filled from the engine
const pool = new BufferPool((bytes) => new ArrayBuffer(bytes), true);

/** The pure TypeScript reference backend: runs anywhere, and is the source of truth for the others. */
export const jsBackend: Backend = {
  name: 'js',
  info: () => ({ name: 'js', threads: gemmThreads(), isa: 'js', kernels: {} }),
  alloc: (dtype, n, zero) => pool.alloc(dtype, n, zero),
  release: (s) => pool.release(s),
  memoryStats: () => pool.stats(),
  unary, unaryBackward, binary, compare, where, clamp, clampBackward, accumulate, copy, cast,
  sum, max, gemm,
  softmax, softmaxBackward, logSoftmax, logSoftmaxBackward,
  layerNorm, layerNormBackward,
  indexSelect, indexAdd, gather, scatterAdd,
  crossEntropy, crossEntropyBackward,
  bernoulliMask, dropoutApply,
  adam, sgd, sumPow, scaleInPlace,
  attention, attentionBackward,
  toBf16, fromBf16, toFp16, fromFp16,
};
