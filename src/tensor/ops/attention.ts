/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1) as one op: weights =
 * softmax(scale q k^T + mask), out = dropout(weights) v, forward and backward in backend kernels.
 * `attentionComposite` is the same computation from primitives, the reference the fused op is
 * tested against; both draw the dropout mask from the generator in the same order, so they give
 * the same masks. The fused op applies a causal mask by index (no -inf tensor), keeps only the
 * weights and one-byte dropout flags for the backward pass, and writes its output with the heads
 * interleaved ([B, T, H, d] in memory), so merging the heads afterwards is a view.
 */
import { getBackend, type Strided } from '../../backend/index.js';
import { recordOp } from '../autograd.js';
import { defaultGenerator, type Generator } from '../random.js';
import { broadcastStrides } from '../shape.js';
import { keep } from '../scope.js';
import { allocFloat, allocStorage, floatData, Tensor } from '../tensor.js';
import { dropout } from './dropout.js';
import { full } from '../creation.js';

export interface AttentionOptions {
  /** Additive float mask broadcastable to the scores [..., T, S], or null. */
  mask?: Tensor | null;
  /** Hide key j from query i when j > i, without a mask tensor. */
  causal?: boolean;
  /** Dropout on the weights (already 0 outside training). */
  dropoutP?: number;
  scale?: number;
  generator?: Generator;
}

/**
 * What a mask returned by nn's mergeMasks stands for, so attention can apply its causal part by
 * index: `rest` is the remainder (key padding) or null.
 */
export const maskParts = new WeakMap<Tensor, { causal: boolean; rest: Tensor | null }>();

const causalCache = new Map<number, Tensor>();

/** A shared [size, size] causal mask (0 on and below the diagonal, -inf above), built once per size; never modify it. */
export function sharedCausalMask(size: number): Tensor {
  let m = causalCache.get(size);
  if (!m) {
    m = keep(full([size, size], 0));
    const s = m.storage as Float32Array;
    for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) s[i * size + j] = -Infinity;
    maskParts.set(m, { causal: true, rest: null });
    causalCache.set(size, m);
  }
  return m;
}

/** The composite reference: softmax(q k^T * scale + mask) v with dropout on the weights; returns [out, weights]. */
export function attentionComposite(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): [Tensor, Tensor] {
  const dh = q.shape[q.ndim - 1]!;
  const scale = options.scale ?? 1 / Math.sqrt(dh);
  // scaling q rather than the scores: T*dh multiplies instead of T*S, as PyTorch does
  let scores = q.mul(scale).matmul(k.mT);
  let mask = options.mask ?? null;
  if (options.causal) {
    const T = q.shape[q.ndim - 2]!, S = k.shape[k.ndim - 2]!;
    const c = sharedCausalMask(Math.max(T, S)).narrow(0, 0, T).narrow(1, 0, S);
    mask = mask ? mask.add(c) : c;
  }
  if (mask) scores = scores.add(mask);
  const weights = scores.softmax(-1);
  const p = options.dropoutP ?? 0;
  const attn = p > 0 ? dropout(weights, p, true, options.generator ?? defaultGenerator) : weights;
  return [attn.matmul(v), weights];
}

/** Whether the fused op takes these operands: [B, H, L, d] float32, a float mask that needs no gradient. */
export function canFuseAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null): boolean {
  if (q.ndim !== 4 || k.ndim !== 4 || v.ndim !== 4) return false;
  if (q.dtype !== 'float32' || k.dtype !== 'float32' || v.dtype !== 'float32') return false;
  const [B, H, , D] = q.shape as [number, number, number, number];
  if (k.shape[0] !== B || v.shape[0] !== B || k.shape[1] !== H || v.shape[1] !== H) return false;
  if (k.shape[3] !== D || v.shape[2] !== k.shape[2]) return false;
  if (mask) {
    if (mask.dtype !== 'float32' || mask.requiresGrad || mask.ndim > 4) return false;
    const target = [B, H, q.shape[2]!, k.shape[2]!];
    const shift = 4 - mask.ndim;
    for (let d = 0; d < mask.ndim; d++) if (mask.shape[d] !== 1 && mask.shape[d] !== target[d + shift]) return false;
  }
  return true;
}

function strided4(t: Tensor): Strided<Float32Array> {
  return { data: t.storage as Float32Array, offset: t.offset, strides: t.strides };
}

/** The fused op; check canFuseAttention first. Returns [out [B, H, T, dv], weights [B, H, T, S]]. */
export function fusedAttention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): [Tensor, Tensor] {
  const [B, H, T, D] = q.shape as [number, number, number, number];
  const S = k.shape[2]!, DV = v.shape[3]!;
  const scale = options.scale ?? 1 / Math.sqrt(D);
  const p = options.dropoutP ?? 0;
  const mask = options.mask ?? null;
  const n = B * H * T * S;
  const weights = allocFloat(n);
  const kept = p > 0 ? (allocStorage('bool', n) as Uint8Array) : null;
  const out = allocFloat(B * T * H * DV);
  const backend = getBackend();
  const generator = options.generator ?? defaultGenerator;
  const rngState = p > 0 ? generator.stateWords() : null;
  const dims = { batch: B, heads: H, tgtLen: T, srcLen: S, headDim: D, valueDim: DV };
  backend.attention({
    ...dims, q: strided4(q), k: strided4(k), v: strided4(v), scale, causal: options.causal ?? false,
    mask: mask ? { data: mask.storage as Float32Array, offset: mask.offset, strides: broadcastStrides(mask.shape, mask.strides, [B, H, T, S]) } : null,
    dropoutP: p, rngState, weights, keep: kept, out,
  });
  if (rngState) generator.setStateWords(rngState);
  const result = new Tensor(out, [B, H, T, DV], [T * H * DV, DV, H * DV, 1]);
  const w = new Tensor(weights, [B, H, T, S]);
  recordOp(result, 'attention', [q, k, v], (g) => {
    const gq = q.requiresGrad ? allocFloat(B * T * H * D) : null;
    const gk = k.requiresGrad ? allocFloat(B * S * H * D) : null;
    const gv = v.requiresGrad ? allocFloat(B * S * H * DV) : null;
    backend.attentionBackward({
      ...dims, q: strided4(q), k: strided4(k), v: strided4(v), scale, dropoutP: p, weights, keep: kept,
      gOut: strided4(g), gq, gk, gv,
    });
    // each gradient laid out like the projections it flows back into: [B, L, H, d]
    return [
      gq ? new Tensor(gq, [B, H, T, D], [T * H * D, D, H * D, 1]) : null,
      gk ? new Tensor(gk, [B, H, S, D], [S * H * D, D, H * D, 1]) : null,
      gv ? new Tensor(gv, [B, H, S, DV], [S * H * DV, DV, H * DV, 1]) : null,
    ];
  }, { saves: [q, k, v, w] });
  // the weights, when used, differentiate through the softmax to q and k
  recordOp(w, 'attentionWeights', [q, k], (gw) => {
    const gs = allocFloat(n);
    backend.softmaxBackward(weights, floatData(gw), B * H * T, S, 1, gs);
    const gScores = new Tensor(gs, [B, H, T, S]);
    return [q.requiresGrad ? gScores.matmul(k).mul(scale) : null, k.requiresGrad ? gScores.mT.matmul(q).mul(scale) : null];
  }, { saves: [q, k, w] });
  return [result, w];
}
