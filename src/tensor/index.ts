export { Tensor, type TensorLike } from './tensor.js';
export type { NestedArray } from './format.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled, AutogradError, type GradNode } from './autograd.js';
export { Generator, defaultGenerator, manualSeed, getRngState, setRngState, randperm, type GeneratorState } from './random.js';
export { ShapeError, type Shape } from './shape.js';
export {
  tensor, zeros, ones, full, empty, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, randint, bernoulli, multinomial, randLike, randnLike, triu, tril,
  type TensorOptions, type RandomOptions,
} from './creation.js';
export {
  add, sub, mul, div, pow, maximum, minimum, neg, abs, exp, log, sqrt, rsqrt, tanh, sigmoid, relu, gelu, erf,
  sign, sin, cos, square, reciprocal, clamp, where, maskedFill, logicalNot, logicalAnd, logicalOr,
} from './ops/elementwise.js';
export { sum, mean, sumToShape } from './ops/reduce.js';
export { matmul, linear } from './ops/matmul.js';
export { cat, stack } from './ops/join.js';
export { indexSelect, gather, embedding } from './ops/indexing.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export { layerNorm } from './ops/normalization.js';
export { dropout } from './ops/dropout.js';
export { crossEntropy, type CrossEntropyOptions, type Reduction, type Smoothing } from './ops/crossEntropy.js';

import type { Tensor } from './tensor.js';

/** Function forms of the shape ops (torch.reshape, torch.transpose, ...). */
export const reshape = (x: Tensor, shape: readonly number[]): Tensor => x.reshape(shape);
export const transpose = (x: Tensor, dim0: number, dim1: number): Tensor => x.transpose(dim0, dim1);
export const permute = (x: Tensor, dims: readonly number[]): Tensor => x.permute(dims);
export const flatten = (x: Tensor, startDim = 0, endDim = -1): Tensor => x.flatten(startDim, endDim);
export const unsqueeze = (x: Tensor, dim: number): Tensor => x.unsqueeze(dim);
export const squeeze = (x: Tensor, dim?: number): Tensor => x.squeeze(dim);
export const argmax = (x: Tensor, dim?: number, keepdim = false): Tensor => x.argmax(dim, keepdim);
export const argmin = (x: Tensor, dim?: number, keepdim = false): Tensor => x.argmin(dim, keepdim);

export { tidy, keep, ReleasedTensorError } from './scope.js';
