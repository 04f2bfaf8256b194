/** Matrix products: matmul with PyTorch's broadcasting rules, and the fused linear layer op. */
import { getBackend } from '../../backend/index.js';
import { recordOp } from '../autograd.js';
import { autocastDtype, type HalfDtype } from '../autocast.js';
import { fromHalf, roundHalf, toHalf } from '../half.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, formatShape, numelOf, ShapeError } from '../shape.js';
import { allocFloat, floatData, Tensor } from '../tensor.js';
import { crossSaves, toDtype } from './elementwise.js';
import { halfGemm, type HalfOperand } from './halfGemm.js';
import { sumToShape } from './reduce.js';

/** Byte-free description of one batched operand for the gemm kernel. */
function batchOffsets(x: Tensor, batchShape: readonly number[]): number[] {
  return batchOffsetsOf(x.shape, x.strides, x.offset, batchShape);
}

function batchOffsetsOf(shape: readonly number[], xStrides: readonly number[], offset: number, batchShape: readonly number[]): number[] {
  const xBatch = shape.slice(0, -2);
  const strides = broadcastStrides(xBatch, xStrides.slice(0, -2), batchShape);
  const count = numelOf(batchShape);
  const offsets = new Array<number>(count);
  const idx = new Array<number>(batchShape.length).fill(0);
  let off = offset;
  for (let b = 0; b < count; b++) {
    offsets[b] = off;
    for (let d = batchShape.length - 1; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < batchShape[d]!) break;
      off -= strides[d]! * batchShape[d]!;
      idx[d] = 0;
    }
  }
  return offsets;
}

/** Batched product of tensors with rank >= 2 whose batch dims broadcast. */
function batchedMatmul(a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.ndim - 2]!;
  const k = a.shape[a.ndim - 1]!;
  const k2 = b.shape[b.ndim - 2]!;
  const n = b.shape[b.ndim - 1]!;
  if (k !== k2) throw new ShapeError(`matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied (${k} != ${k2})`);
  const batchShape = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), 'matmul');
  const batch = numelOf(batchShape);
  const half = autocastDtype();
  if (half) return batchedMatmulHalf(half, a, b, m, n, k, batchShape);
  const out = allocFloat(batch * m * n);
  getBackend().gemm({
    m, n, k, batch,
    a: a.storage as Float32Array, aOffsets: batchOffsets(a, batchShape), aRowStride: a.strides[a.ndim - 2]!, aColStride: a.strides[a.ndim - 1]!,
    b: b.storage as Float32Array, bOffsets: batchOffsets(b, batchShape), bRowStride: b.strides[b.ndim - 2]!, bColStride: b.strides[b.ndim - 1]!,
    c: out,
  });
  const result = new Tensor(out, [...batchShape, m, n]);
  return recordOp(result, 'matmul', [a, b], (g) => [
    a.requiresGrad ? sumToShape(batchedMatmul(g, b.mT), a.shape) : null,
    b.requiresGrad ? sumToShape(batchedMatmul(a.mT, g), b.shape) : null,
  ], { saves: crossSaves(a, b) });
}

/** batchedMatmul inside autocast: 16-bit operands, saved as such for a backward that runs in the half format too. */
function batchedMatmulHalf(dtype: HalfDtype, a: Tensor, b: Tensor, m: number, n: number, k: number, batchShape: readonly number[]): Tensor {
  const batch = numelOf(batchShape);
  const aOffsets = batchOffsetsOf(a.shape, contiguousStrides(a.shape), 0, batchShape);
  const bOffsets = batchOffsetsOf(b.shape, contiguousStrides(b.shape), 0, batchShape);
  const ah = toHalf(dtype, floatData(a));
  const bh = toHalf(dtype, floatData(b));
  const out = halfGemm(dtype, m, n, k, batch, { data: ah, offsets: aOffsets, rowStride: k, colStride: 1 }, { data: bh, offsets: bOffsets, rowStride: n, colStride: 1 });
  const result = new Tensor(out, [...batchShape, m, n]);
  return recordOp(result, 'matmul', [a, b], (g) => {
    const gOffsets = Array.from({ length: batch }, (_, i) => i * m * n);
    const gh: HalfOperand = { data: toHalf(dtype, floatData(g)), offsets: gOffsets, rowStride: n, colStride: 1 };
    // ga = g b^T and gb = a^T g, the transposes as strides over the saved 16-bit operands
    const ga = a.requiresGrad ? halfGemm(dtype, m, k, n, batch, gh, { data: bh, offsets: bOffsets, rowStride: 1, colStride: n }) : null;
    const gb = b.requiresGrad ? halfGemm(dtype, k, n, m, batch, { data: ah, offsets: aOffsets, rowStride: 1, colStride: k }, { ...gh, rowStride: n, colStride: 1 }) : null;
    return [
      ga ? sumToShape(new Tensor(ga, [...batchShape, m, k]), a.shape) : null,
      gb ? sumToShape(new Tensor(gb, [...batchShape, k, n]), b.shape) : null,
    ];
  }, { saves: crossSaves(a, b) });
}

/** Matrix product with torch.matmul's semantics for 1-D, 2-D and batched (broadcast) operands. */
export function matmul(x: Tensor, y: Tensor): Tensor {
  if (x.ndim === 0 || y.ndim === 0) throw new ShapeError('matmul: both arguments need at least one dimension');
  const a = toDtype(x, 'float32');
  const b = toDtype(y, 'float32');
  if (a.ndim === 1 && b.ndim === 1) return batchedMatmul(a.unsqueeze(0), b.unsqueeze(1)).reshape([]);
  if (a.ndim === 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
  if (b.ndim === 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
  if (b.ndim === 2 && a.ndim > 2) {
    // fold the batch into rows: one large product instead of many, and one for the weight's gradient
    const lead = a.shape.slice(0, -1);
    return batchedMatmul(a.reshape([-1, a.shape[a.ndim - 1]!]), b).reshape([...lead, b.shape[1]!]);
  }
  return batchedMatmul(a, b);
}

const ZERO_OFFSET = [0];

function gemm2d(
  m: number, n: number, k: number,
  a: Float32Array, aRowStride: number, aColStride: number,
  b: Float32Array, bRowStride: number, bColStride: number,
  bias: Float32Array | null = null,
): Float32Array {
  const c = allocFloat(m * n);
  getBackend().gemm({ m, n, k, batch: 1, a, aOffsets: ZERO_OFFSET, aRowStride, aColStride, b, bOffsets: ZERO_OFFSET, bRowStride, bColStride, c, bias });
  return c;
}

/**
 * y = x W^T + b for x [..., in], W [out, in], b [out] (torch.nn.functional.linear). One op rather
 * than matmul + add so the backward computes dW = g^T x directly in W's layout.
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D [out, in], got ${formatShape(weight.shape)}`);
  const [outF, inF] = weight.shape as [number, number];
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== inF) {
    throw new ShapeError(`linear: input ${formatShape(input.shape)} does not end in the weight's in_features ${inF}`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outF)) throw new ShapeError(`linear: bias must be [${outF}], got ${formatShape(bias.shape)}`);
  const x = toDtype(input, 'float32');
  const half = autocastDtype();
  if (half) return linearHalf(half, input, x, weight, bias);
  const rows = x.numel() / inF;
  const xs = floatData(x);
  const ws = floatData(weight);
  // the bias is the gemm's epilogue: no second pass over the output, no second buffer
  const out = gemm2d(rows, outF, inF, xs, inF, 1, ws, 1, inF, bias ? floatData(bias) : null);
  const result = new Tensor(out, [...x.shape.slice(0, -1), outF]);
  const inputs = bias ? [input, weight, bias] : [input, weight];
  return recordOp(result, 'linear', inputs, (g) => {
    const gs = floatData(g);
    const gx = input.requiresGrad ? new Tensor(gemm2d(rows, inF, outF, gs, outF, 1, ws, inF, 1), input.shape) : null;
    const gw = weight.requiresGrad ? new Tensor(gemm2d(outF, inF, rows, gs, 1, outF, xs, inF, 1), weight.shape) : null;
    let gb: Tensor | null = null;
    if (bias?.requiresGrad) {
      const acc = allocFloat(outF);
      getBackend().sum(gs, 1, rows, outF, acc);
      gb = new Tensor(acc, bias.shape);
    }
    return [gx, gw, gb];
  }, { saves: crossSaves(x, weight) });
}

/** linear inside autocast: bias rounded too (PyTorch casts all three), x and W saved as 16-bit. */
function linearHalf(dtype: HalfDtype, input: Tensor, x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const [outF, inF] = weight.shape as [number, number];
  const rows = x.numel() / inF;
  const xh = toHalf(dtype, floatData(x));
  const wh = toHalf(dtype, floatData(weight));
  const bh = bias ? roundHalf(dtype, floatData(bias).slice()) : null;
  const one = ZERO_OFFSET;
  const out = halfGemm(dtype, rows, outF, inF, 1, { data: xh, offsets: one, rowStride: inF, colStride: 1 }, { data: wh, offsets: one, rowStride: 1, colStride: inF }, bh);
  const result = new Tensor(out, [...x.shape.slice(0, -1), outF]);
  const inputs = bias ? [input, weight, bias] : [input, weight];
  return recordOp(result, 'linear', inputs, (g) => {
    const gh = toHalf(dtype, floatData(g));
    const gx = input.requiresGrad
      ? new Tensor(halfGemm(dtype, rows, inF, outF, 1, { data: gh, offsets: one, rowStride: outF, colStride: 1 }, { data: wh, offsets: one, rowStride: inF, colStride: 1 }), input.shape)
      : null;
    const gw = weight.requiresGrad
      ? new Tensor(halfGemm(dtype, outF, inF, rows, 1, { data: gh, offsets: one, rowStride: 1, colStride: outF }, { data: xh, offsets: one, rowStride: inF, colStride: 1 }), weight.shape)
      : null;
    let gb: Tensor | null = null;
    if (bias?.requiresGrad) {
      const acc = allocFloat(outF);
      // the widened gradient is dead after the sum: untracked by the scopes, handed back at once
      const backend = getBackend();
      const wide = fromHalf(dtype, gh, backend.alloc('float32', gh.length) as Float32Array);
      backend.sum(wide, 1, rows, outF, acc);
      backend.release(wide);
      gb = new Tensor(roundHalf(dtype, acc), bias.shape);
    }
    return [gx, gw, gb];
  }, { saves: crossSaves(x, weight) });
}

/** 2-D matrix product with torch.mm's checks: both operands matrices, inner sizes equal. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2) throw new ShapeError(`mm: self must be a matrix, got shape ${formatShape(a.shape)}`);
  if (b.ndim !== 2) throw new ShapeError(`mm: mat2 must be a matrix, got shape ${formatShape(b.shape)}`);
  if (a.shape[1] !== b.shape[0]) {
    throw new ShapeError(`mm: mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`);
  }
  return matmul(a, b);
}

/** Batched matrix product [B, n, m] @ [B, m, p] -> [B, n, p] with torch.bmm's checks (no broadcasting). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3) throw new ShapeError(`bmm: batch1 must be a 3D tensor, got shape ${formatShape(a.shape)}`);
  if (b.ndim !== 3) throw new ShapeError(`bmm: batch2 must be a 3D tensor, got shape ${formatShape(b.shape)}`);
  if (b.shape[0] !== a.shape[0] || b.shape[1] !== a.shape[2]) {
    throw new ShapeError(`bmm: expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}]`);
  }
  return matmul(a, b);
}
