/**
 * Fused scaled dot-product attention on the JS backend: the same steps as the composite (scores by
 * one batched gemm, scale and mask, a row softmax, dropout, the weighted sum by a second gemm) with
 * no tensor per step, the causal mask applied by index, and only the softmax weights and the
 * one-byte dropout flags kept for the backward pass.
 */
import type { AttentionArgs, AttentionBackwardArgs, Strided } from '../backend.js';
import { gemm } from './epilogue.js';
import { bernoulliMask } from './random.js';

/** Offsets of the B*H matrices of a [B, H, L, d] strided operand. */
function headOffsets(x: Strided, batch: number, heads: number): number[] {
  const out = new Array<number>(batch * heads);
  for (let b = 0; b < batch; b++) for (let h = 0; h < heads; h++) out[b * heads + h] = x.offset + b * x.strides[0]! + h * x.strides[1]!;
  return out;
}

/** Offsets of each head's block in a [B, L, H, d] contiguous output. */
function interleavedOffsets(batch: number, heads: number, len: number, dim: number): number[] {
  const out = new Array<number>(batch * heads);
  for (let b = 0; b < batch; b++) for (let h = 0; h < heads; h++) out[b * heads + h] = b * len * heads * dim + h * dim;
  return out;
}

export function attention(a: AttentionArgs): void {
  const { batch: B, heads: H, tgtLen: T, srcLen: S, headDim: D, valueDim: DV, q, k, v, weights: w } = a;
  const N = B * H;
  // weights <- q k^T (scaled below, with the mask, in float32 as the composite rounds them)
  gemm({
    m: T, n: S, k: D, batch: N,
    a: q.data, aOffsets: headOffsets(q, B, H), aRowStride: q.strides[2]!, aColStride: q.strides[3]!,
    b: k.data, bOffsets: headOffsets(k, B, H), bRowStride: k.strides[3]!, bColStride: k.strides[2]!,
    c: w,
  });
  const scale = Math.fround(a.scale);
  const mask = a.mask;
  for (let bh = 0; bh < N; bh++) {
    const b = Math.floor(bh / H), h = bh % H;
    for (let i = 0; i < T; i++) {
      const row = (bh * T + i) * S;
      const mrow = mask ? mask.offset + b * mask.strides[0]! + h * mask.strides[1]! + i * mask.strides[2]! : 0;
      const ms = mask ? mask.strides[3]! : 0;
      let mx = -Infinity;
      for (let j = 0; j < S; j++) {
        let x = Math.fround(w[row + j]! * scale);
        if (mask) x = Math.fround(x + mask.data[mrow + j * ms]!);
        if (a.causal && j > i) x = -Infinity;
        w[row + j] = x;
        if (x > mx) mx = x;
      }
      if (mx === -Infinity) mx = 0; // a fully masked row gives NaN, as in PyTorch
      let s = 0;
      for (let j = 0; j < S; j++) { const e = Math.exp(w[row + j]! - mx); w[row + j] = e; s += e; }
      const inv = 1 / s;
      for (let j = 0; j < S; j++) w[row + j] = w[row + j]! * inv;
    }
  }
  let p = w;
  if (a.dropoutP > 0) {
    const keep = a.keep!;
    bernoulliMask(N * T * S, 1 - a.dropoutP, a.rngState!, keep);
    p = dropped(w, keep, 1 / (1 - a.dropoutP));
  }
  gemm({
    m: T, n: DV, k: S, batch: N,
    a: p, aOffsets: rowBlocks(N, T * S), aRowStride: S, aColStride: 1,
    b: v.data, bOffsets: headOffsets(v, B, H), bRowStride: v.strides[2]!, bColStride: v.strides[3]!,
    c: a.out, cOffsets: interleavedOffsets(B, H, T, DV), ldc: H * DV,
  });
}

function rowBlocks(count: number, size: number): number[] {
  return Array.from({ length: count }, (_, i) => i * size);
}

let scratchP = new Float32Array(0);
let scratchG = new Float32Array(0);

/** w * (keep ? scale : 0) in float32, as dropout computes it (into a scratch buffer kept between calls). */
function dropped(w: Float32Array, keep: Uint8Array, scale: number): Float32Array {
  const s = Math.fround(scale);
  if (scratchP.length < w.length) scratchP = new Float32Array(w.length);
  const out = scratchP.subarray(0, w.length);
  for (let i = 0; i < w.length; i++) out[i] = w[i]! * (keep[i] ? s : 0);
  return out;
}

export function attentionBackward(a: AttentionBackwardArgs): void {
  const { batch: B, heads: H, tgtLen: T, srcLen: S, headDim: D, valueDim: DV, q, k, v, weights: w, gOut } = a;
  const N = B * H;
  const blocks = rowBlocks(N, T * S);
  const p = a.dropoutP > 0 ? dropped(w, a.keep!, 1 / (1 - a.dropoutP)) : w;
  if (a.gv) {
    // gv = p^T gOut
    gemm({
      m: S, n: DV, k: T, batch: N,
      a: p, aOffsets: blocks, aRowStride: 1, aColStride: S,
      b: gOut.data, bOffsets: headOffsets(gOut, B, H), bRowStride: gOut.strides[2]!, bColStride: gOut.strides[3]!,
      c: a.gv, cOffsets: interleavedOffsets(B, H, S, DV), ldc: H * DV,
    });
  }
  if (!a.gq && !a.gk) return;
  // gP = gOut v^T, then through dropout and the softmax: gS = w * (gW - sum(gW * w))
  if (scratchG.length < N * T * S) scratchG = new Float32Array(N * T * S);
  const gs = scratchG.subarray(0, N * T * S);
  gemm({
    m: T, n: S, k: DV, batch: N,
    a: gOut.data, aOffsets: headOffsets(gOut, B, H), aRowStride: gOut.strides[2]!, aColStride: gOut.strides[3]!,
    b: v.data, bOffsets: headOffsets(v, B, H), bRowStride: v.strides[3]!, bColStride: v.strides[2]!,
    c: gs,
  });
  const keep = a.dropoutP > 0 ? a.keep! : null;
  const ds = Math.fround(1 / (1 - a.dropoutP));
  for (let r = 0; r < N * T; r++) {
    const row = r * S;
    if (keep) for (let j = 0; j < S; j++) gs[row + j] = gs[row + j]! * (keep[row + j] ? ds : 0);
    let dot = 0;
    for (let j = 0; j < S; j++) dot += w[row + j]! * gs[row + j]!;
    for (let j = 0; j < S; j++) gs[row + j] = w[row + j]! * (gs[row + j]! - dot);
  }
  if (a.gq) {
    // gq = scale * gS k
    gemm({
      m: T, n: D, k: S, batch: N, alpha: a.scale,
      a: gs, aOffsets: blocks, aRowStride: S, aColStride: 1,
      b: k.data, bOffsets: headOffsets(k, B, H), bRowStride: k.strides[2]!, bColStride: k.strides[3]!,
      c: a.gq, cOffsets: interleavedOffsets(B, H, T, D), ldc: H * D,
    });
  }
  if (a.gk) {
    // gk = scale * gS^T q
    gemm({
      m: S, n: D, k: T, batch: N, alpha: a.scale,
      a: gs, aOffsets: blocks, aRowStride: 1, aColStride: S,
      b: q.data, bOffsets: headOffsets(q, B, H), bRowStride: q.strides[2]!, bColStride: q.strides[3]!,
      c: a.gk, cOffsets: interleavedOffsets(B, H, S, D), ldc: H * D,
    });
  }
}
