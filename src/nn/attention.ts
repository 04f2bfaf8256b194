/**
 * Multi-head attention (Vaswani et al. 2017, sec. 3.2) with torch.nn.MultiheadAttention's
 * parameter layout (packed inProjWeight [3E, E], outProj) and mask conventions: a boolean mask is
 * true where attention is NOT allowed, a float mask is added to the scores.
 */
import { cat, full, linear, Tensor, where, type Generator } from '../tensor/index.js';
import { attentionComposite, canFuseAttention, fusedAttention, maskParts, sharedCausalMask } from '../tensor/ops/attention.js';
import { ShapeError } from '../tensor/shape.js';
import * as init from './init.js';
import { Linear } from './layers.js';
import { Module, Parameter } from './module.js';
import { moduleOptions, multiheadAttentionOptions, type MultiheadAttentionOptions } from './options.js';
import { ArgumentError } from '../errors.js';

/** A float [sz, sz] mask with -inf above the diagonal: position i sees positions <= i (Transformer.generate_square_subsequent_mask). */
export function causalMask(size: number): Tensor {
  const t = full([size, size], 0);
  const s = t.storage as Float32Array;
  for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) s[i * size + j] = -Infinity;
  return t;
}

/** Turns a boolean "not allowed" mask into an additive float one (0 / -inf); float masks pass through. */
export function toAdditiveMask(mask: Tensor): Tensor {
  return mask.dtype === 'float32' ? mask : where(mask, -Infinity, 0);
}

/**
 * Keys and values of the positions an attention layer has already seen, [B, H, L, dh] each, so
 * incremental decoding projects only the new positions (a KV cache). For cross-attention the cache
 * holds the projected memory, computed once.
 */
export interface KVCache {
  key: Tensor | null;
  value: Tensor | null;
}

/** An empty cache per layer. */
export function emptyKVCache(): KVCache {
  return { key: null, value: null };
}

/** [T, past + T] additive mask: query i (at position past + i) sees keys 0..past + i. */
export function offsetCausalMask(tgtLen: number, past: number): Tensor {
  const S = past + tgtLen;
  const t = full([tgtLen, S], 0);
  const s = t.storage as Float32Array;
  for (let i = 0; i < tgtLen; i++) for (let j = past + i + 1; j < S; j++) s[i * S + j] = -Infinity;
  return t;
}

/**
 * Combines an attention mask ([T, S] or [B*H, T, S]) and a key padding mask ([B, S]) into one
 * additive mask broadcastable to the scores [B, H, T, S]; null when there is neither.
 */
export function mergeMasks(
  batch: number, heads: number, tgtLen: number, srcLen: number,
  attnMask: Tensor | null | undefined, keyPaddingMask: Tensor | null | undefined, isCausal = false,
): Tensor | null {
  let merged: Tensor | null = null;
  // a causal mask built once per size; attention() applies it by index and never reads it
  const causal = isCausal && !attnMask;
  if (causal) attnMask = sharedCausalMask(tgtLen);
  if (attnMask) {
    let m = toAdditiveMask(attnMask);
    if (m.ndim === 2) {
      if (m.shape[0] !== tgtLen || m.shape[1] !== srcLen) throw new ShapeError(`attnMask should be [${tgtLen}, ${srcLen}], got [${m.shape.join(', ')}]`);
    } else if (m.ndim === 3) {
      if (m.shape[0] !== batch * heads || m.shape[1] !== tgtLen || m.shape[2] !== srcLen) {
        throw new ShapeError(`3-D attnMask should be [${batch * heads}, ${tgtLen}, ${srcLen}], got [${m.shape.join(', ')}]`);
      }
      m = m.reshape([batch, heads, tgtLen, srcLen]);
    } else throw new ShapeError(`attnMask must be 2-D or 3-D, got [${m.shape.join(', ')}]`);
    merged = m;
  }
  if (keyPaddingMask) {
    if (keyPaddingMask.ndim !== 2 || keyPaddingMask.shape[0] !== batch || keyPaddingMask.shape[1] !== srcLen) {
      throw new ShapeError(`keyPaddingMask should be [${batch}, ${srcLen}], got [${keyPaddingMask.shape.join(', ')}]`);
    }
    const k = toAdditiveMask(keyPaddingMask).reshape([batch, 1, 1, srcLen]);
    merged = merged ? merged.add(k) : k;
    if (causal) maskParts.set(merged, { causal: true, rest: k });
  }
  return merged;
}

/**
 * softmax(q k^T * scale + mask) v over [..., T, dh] inputs, with dropout on the weights. Returns
 * the output and the attention weights. [B, H, L, d] operands run as one fused op (the composite of
 * tensor/ops/attention.ts is its reference); a mask from mergeMasks has its causal part applied by index.
 */
export function attention(
  q: Tensor, k: Tensor, v: Tensor,
  options: { mask?: Tensor | null; dropoutP?: number; training?: boolean; scale?: number; generator?: Generator } = {},
): [Tensor, Tensor] {
  const given = options.mask ?? null;
  const parts = given ? maskParts.get(given) : undefined;
  const mask = parts ? parts.rest : given;
  const causal = parts?.causal ?? false;
  const dropoutP = (options.training ?? true) ? (options.dropoutP ?? 0) : 0;
  const o = { mask, causal, dropoutP, scale: options.scale, generator: options.generator };
  return canFuseAttention(q, k, v, mask) ? fusedAttention(q, k, v, o) : attentionComposite(q, k, v, o);
}

/**
 * torch.nn.functional.scaled_dot_product_attention: note that there a boolean mask is true where
 * attention IS allowed (the opposite of nn.MultiheadAttention's masks).
 */
export function scaledDotProductAttention(
  q: Tensor, k: Tensor, v: Tensor,
  options: { attnMask?: Tensor | null; dropoutP?: number; isCausal?: boolean; scale?: number; generator?: Generator } = {},
): Tensor {
  let mask: Tensor | null = null;
  if (options.attnMask) mask = options.attnMask.dtype === 'float32' ? options.attnMask : where(options.attnMask, 0, -Infinity);
  const o = { mask, causal: options.isCausal ?? false, dropoutP: options.dropoutP ?? 0, scale: options.scale, generator: options.generator };
  return (canFuseAttention(q, k, v, mask) ? fusedAttention(q, k, v, o) : attentionComposite(q, k, v, o))[0];
}

export type { MultiheadAttentionOptions } from './options.js';

export interface AttentionCallOptions {
  /** [B, S]: true (or -inf) where a key is padding and must get no attention. */
  keyPaddingMask?: Tensor | null;
  /** [T, S] or [B*H, T, S]: true (or -inf) where attention is not allowed. */
  attnMask?: Tensor | null;
  /** Adds a causal mask (position i sees keys <= i) when attnMask is not given. */
  isCausal?: boolean;
  /** Return the attention weights (PyTorch's default true); the layers pass false. */
  needWeights?: boolean;
  /** Average the returned weights over heads (PyTorch's default true). */
  averageAttnWeights?: boolean;
  /**
   * Incremental decoding: self-attention appends the new positions' keys and values to the cache
   * and attends over all of them (causal by position); cross-attention projects the memory on the
   * first call and reuses it after.
   */
  cache?: KVCache;
}

export class MultiheadAttention extends Module {
  readonly inProjWeight: Parameter;
  readonly inProjBias: Parameter | null;
  readonly outProj: Linear;
  readonly headDim: number;
  /** Dropout on the attention weights; the trainer changes it for a fine-tuning phase. */
  dropoutP: number;
  readonly batchFirst: boolean;
  private readonly generator?: Generator;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    options = moduleOptions(multiheadAttentionOptions, options, 'MultiheadAttention');
    if (embedDim % numHeads !== 0) throw new ArgumentError(`MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    this.headDim = embedDim / numHeads;
    this.dropoutP = options.dropout ?? 0;
    this.batchFirst = options.batchFirst ?? true;
    this.generator = options.generator;
    const bias = options.bias ?? true;
    this.inProjWeight = new Parameter(Tensor.zeros([3 * embedDim, embedDim]));
    this.inProjBias = bias ? new Parameter(Tensor.zeros([3 * embedDim])) : null;
    this.outProj = new Linear(embedDim, embedDim, { bias });
    this.resetParameters();
  }

  /**
   * Xavier-uniform on each of the q, k, v projections as separate [E, E] matrices (as the paper's
   * implementations with separate projections do), and on the output projection; biases zero.
   */
  resetParameters(): void {
    const E = this.embedDim;
    for (let i = 0; i < 3; i++) init.xavierUniform_(this.inProjWeight.narrow(0, i * E, E));
    if (this.inProjBias) init.zeros_(this.inProjBias);
    init.xavierUniform_(this.outProj.weight);
    if (this.outProj.bias) init.zeros_(this.outProj.bias);
  }

  private project(x: Tensor, chunk: number, count: number): Tensor {
    const E = this.embedDim;
    const w = this.inProjWeight.narrow(0, chunk * E, count * E);
    const b = this.inProjBias ? this.inProjBias.narrow(0, chunk * E, count * E) : null;
    return linear(x, w, b);
  }

  /** [B, L, E] -> [B, H, L, dh] as a view. */
  private splitHeads(x: Tensor): Tensor {
    const [B, L] = x.shape as [number, number];
    return x.view([B, L, this.numHeads, this.headDim]).permute([0, 2, 1, 3]);
  }

  /** Returns [output, weights]; weights is null unless needWeights (the default, as in PyTorch). */
  forward(query: Tensor, key: Tensor, value: Tensor, options: AttentionCallOptions = {}): [Tensor, Tensor | null] {
    if (!this.batchFirst) {
      // keep identity between query/key/value so self-attention still takes the packed path
      const tq = query.transpose(0, 1);
      const tk = key === query ? tq : key.transpose(0, 1);
      const tv = value === key ? tk : value === query ? tq : value.transpose(0, 1);
      const [out, w] = this.forwardBatchFirst(tq, tk, tv, options);
      return [out.transpose(0, 1), w];
    }
    return this.forwardBatchFirst(query, key, value, options);
  }

  private forwardBatchFirst(query: Tensor, key: Tensor, value: Tensor, options: AttentionCallOptions): [Tensor, Tensor | null] {
    if (query.ndim !== 3 || query.shape[2] !== this.embedDim) {
      throw new ShapeError(`MultiheadAttention: query must be [batch, seq, ${this.embedDim}], got [${query.shape.join(', ')}]`);
    }
    const E = this.embedDim;
    const [B, T] = query.shape as [number, number];
    const S = key.shape[1]!;
    let q: Tensor, k: Tensor, v: Tensor;
    const cache = options.cache;
    if (cache && (query !== key || key !== value)) {
      // cross-attention: the memory does not change while decoding
      q = this.splitHeads(this.project(query, 0, 1));
      if (!cache.key || !cache.value) {
        const kv = this.project(key, 1, 2);
        cache.key = this.splitHeads(kv.narrow(2, 0, E)).contiguous();
        cache.value = this.splitHeads(kv.narrow(2, E, E)).contiguous();
      }
      const mask = mergeMasks(B, this.numHeads, T, cache.key.shape[2]!, options.attnMask, options.keyPaddingMask, false);
      return this.finish(q, cache.key, cache.value, mask, B, T, options);
    }
    if (cache) {
      const qkv = this.project(query, 0, 3);
      q = this.splitHeads(qkv.narrow(2, 0, E));
      const kNew = this.splitHeads(qkv.narrow(2, E, E));
      const vNew = this.splitHeads(qkv.narrow(2, 2 * E, E));
      const past = cache.key ? cache.key.shape[2]! : 0;
      cache.key = cache.key ? cat([cache.key, kNew], 2) : kNew.contiguous();
      cache.value = cache.value ? cat([cache.value, vNew], 2) : vNew.contiguous();
      const causal = options.isCausal && !options.attnMask && T > 1 ? offsetCausalMask(T, past) : null;
      let mask = mergeMasks(B, this.numHeads, T, past + T, options.attnMask, options.keyPaddingMask, false);
      if (causal) mask = mask ? mask.add(causal) : causal;
      return this.finish(q, cache.key, cache.value, mask, B, T, options);
    }
    if (query === key && key === value) {
      // self-attention: one product for q, k and v
      const qkv = this.project(query, 0, 3);
      [q, k, v] = [qkv.narrow(2, 0, E), qkv.narrow(2, E, E), qkv.narrow(2, 2 * E, E)];
    } else if (key === value) {
      q = this.project(query, 0, 1);
      const kv = this.project(key, 1, 2);
      [k, v] = [kv.narrow(2, 0, E), kv.narrow(2, E, E)];
    } else {
      [q, k, v] = [this.project(query, 0, 1), this.project(key, 1, 1), this.project(value, 2, 1)];
    }
    const mask = mergeMasks(B, this.numHeads, T, S, options.attnMask, options.keyPaddingMask, options.isCausal);
    return this.finish(this.splitHeads(q), this.splitHeads(k), this.splitHeads(v), mask, B, T, options);
  }

  /** Attention over per-head q [B, H, T, dh], k and v [B, H, S, dh], then the output projection. */
  private finish(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, B: number, T: number, options: AttentionCallOptions): [Tensor, Tensor | null] {
    const E = this.embedDim;
    const [heads, weights] = attention(q, k, v, {
      mask,
      dropoutP: this.dropoutP,
      training: this.training,
      generator: this.generator,
    });
    const merged = heads.permute([0, 2, 1, 3]).reshape([B, T, E]);
    const out = this.outProj.forward(merged);
    if (!(options.needWeights ?? true)) return [out, null];
    return [out, (options.averageAttnWeights ?? true) ? weights.mean(1) : weights];
  }
}

