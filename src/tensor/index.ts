export { Tensor, type TensorLike } from './tensor.js';
export type { NestedArray } from './format.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled, AutogradError, type GradNode } from './autograd.js';
export { Generator, defaultGenerator, manualSeed, getRngState, setRngState, randperm, type GeneratorState } from './random.js';
export { ShapeError, type Shape } from './shape.js';
export { describeTensor } from './autograd.js';
export { checkpoint, checkpointWith, type CheckpointOptions } from './checkpoint.js';
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
export { matmul, mm, bmm, linear } from './ops/matmul.js';
export { autocast, autocastDtype, PRECISIONS, type HalfDtype, type Precision } from './autocast.js';
export { topk, type TopkOptions } from './ops/topk.js';
export { DTYPES } from './dtype.js';
export { cat, stack } from './ops/join.js';
export { indexSelect, gather, embedding } from './ops/indexing.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export { layerNorm } from './ops/normalization.js';
export { dropout } from './ops/dropout.js';
export { crossEntropy, type CrossEntropyOptions, type Reduction, type Smoothing } from './ops/crossEntropy.js';

import type { Tensor } from './tensor.js';

/** Function forms of the shape and indexing ops (torch.reshape, torch.narrow, torch.select, ...). */
export const reshape = (x: Tensor, shape: readonly number[]): Tensor => x.reshape(shape);
export const transpose = (x: Tensor, dim0: number, dim1: number): Tensor => x.transpose(dim0, dim1);
/** 2-D transpose (torch.t). */
export const t = (x: Tensor): Tensor => x.t();
export const permute = (x: Tensor, dims: readonly number[]): Tensor => x.permute(dims);
export const flatten = (x: Tensor, startDim = 0, endDim = -1): Tensor => x.flatten(startDim, endDim);
export const unsqueeze = (x: Tensor, dim: number): Tensor => x.unsqueeze(dim);
export const squeeze = (x: Tensor, dim?: number): Tensor => x.squeeze(dim);
/** A view of `length` entries along dim from `start` (torch.narrow). */
export const narrow = (x: Tensor, dim: number, start: number, length: number): Tensor => x.narrow(dim, start, length);
/** x[..., start:end:step] along one dim, as a view (Python's slicing; torch has no function of this name). */
export const slice = (x: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor => x.slice(dim, start, end, step);
/** One entry of dim, removing it (torch.select). */
export const select = (x: Tensor, dim: number, index: number): Tensor => x.select(dim, index);
/** Views of consecutive pieces along dim (torch.split). */
export const split = (x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] => x.split(splitSize, dim);
/** `chunks` views of (nearly) equal size along dim (torch.chunk). */
export const chunk = (x: Tensor, chunks: number, dim = 0): Tensor[] => x.chunk(chunks, dim);
/** A contiguous copy that is part of the graph (torch.clone). */
export const clone = (x: Tensor): Tensor => x.clone();
export const argmax = (x: Tensor, dim?: number, keepdim = false): Tensor => x.argmax(dim, keepdim);
export const argmin = (x: Tensor, dim?: number, keepdim = false): Tensor => x.argmin(dim, keepdim);

/** Largest element; with a dim, the values and int32 indices along it (torch.max). */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  return dim === undefined ? x.max() : x.max(dim, keepdim);
}

/** Smallest element; with a dim, the values and int32 indices along it (torch.min). */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  return dim === undefined ? x.min() : x.min(dim, keepdim);
}

export { tidy, keep, ReleasedTensorError } from './scope.js';
