/**
 * The native backend: the Backend interface over the C++ addon (native/src/addon.cpp). Buffers are
 * engine ArrayBuffers whose views start 64-byte aligned, pooled like the JS backend's. Each call writes its sizes, strides and
 * scalars into the addon's shared argument block and passes only the typed arrays, so a kernel costs
 * one N-API crossing. The rare cases the addon leaves out (int32 arithmetic, tensors of rank > 16)
 * run the TypeScript kernels.
 */
import type {
  AdamArgs, AttentionArgs, AttentionBackwardArgs, Backend, BackendInfo, BinaryOp, CompareOp, GemmArgs, SgdArgs, Storage, Strided, UnaryOp,
} from '../backend.js';
import { jsBackend } from '../js/index.js';
import { adamScalars, adamStepScalars, sgdScalars } from '../js/optim.js';
import { BufferPool } from '../pool.js';
import { BackendError } from '../errors.js';

/** The functions the addon exports (see native/src/addon.cpp); scalars travel in argBlock(). */
export interface NativeAddon {
  /** How many bytes into the buffer its first `align`-aligned address lies. */
  alignOffset(buffer: ArrayBuffer, align: number): number;
  argBlock(): Float64Array;
  info(): { isa: string; threads: number; sgemm: string; bf16: string; cpu: Record<string, boolean> };
  setThreads(n: number): number;
  setIsa(isa: string): string;
  [kernel: string]: unknown;
}

type Fn = (...args: unknown[]) => void;

const UNARY: Record<UnaryOp, number> = {
  neg: 0, abs: 1, exp: 2, log: 3, sqrt: 4, rsqrt: 5, tanh: 6, sigmoid: 7, relu: 8, gelu: 9, geluTanh: 10, erf: 11,
  sign: 12, sin: 13, cos: 14, square: 15, reciprocal: 16,
};
const BINARY: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6 };
const COMPARE: Record<CompareOp, number> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };
const MAX_RANK = 16;
const ARG_SLOTS = 16384;

/** The instruction sets the native kernels can be limited to (ANNEAL_ISA, setIsa). */
export type Isa = 'portable' | 'avx2' | 'avx512';

/** The native Backend plus its own knobs. */
export interface NativeBackend extends Backend {
  /** Caps the instruction set the kernels use; returns the one now active. */
  setIsa(isa: Isa): string;
  /** Sets the worker threads (the caller included); returns the count now used. */
  setThreads(n: number): number;
  addonInfo(): ReturnType<NativeAddon['info']>;
  /** The largest power of two up to 64 that the address of a buffer's first element is a multiple of. */
  alignmentOf(s: Storage): number;
}

export function createNativeBackend(addon: NativeAddon): NativeBackend {
  const A = addon as unknown as Record<string, Fn> & NativeAddon;
  const args = addon.argBlock();
  // engine ArrayBuffers with room for a 64-byte aligned start (see pool.ts for why not external ones)
  const ALIGN = 64;
  const pool = new BufferPool((bytes) => new ArrayBuffer(bytes + ALIGN), true, undefined, (buffer) => addon.alignOffset(buffer, ALIGN));
  const k = (name: string): Fn => {
    const f = A[name];
    if (typeof f !== 'function') throw new BackendError(`the native addon has no kernel '${name}': it is older than this build; rebuild it with node scripts/build-native.mjs`);
    return f.bind(addon) as Fn;
  };
  const K = {
    unary: k('unary'), unaryBackward: k('unaryBackward'), binary: k('binary'), compare: k('compare'), where: k('where'), clamp: k('clamp'),
    clampBackward: k('clampBackward'), accumulate: k('accumulate'), copy: k('copy'), cast: k('cast'), sum: k('sum'), max: k('max'),
    softmax: k('softmax'), softmaxBackward: k('softmaxBackward'), layerNorm: k('layerNorm'), layerNormBackward: k('layerNormBackward'),
    crossEntropy: k('crossEntropy'), crossEntropyBackward: k('crossEntropyBackward'), indexSelect: k('indexSelect'), indexAdd: k('indexAdd'),
    gather: k('gather'), scatterAdd: k('scatterAdd'), bernoulliMask: k('bernoulliMask'), dropoutApply: k('dropoutApply'), adam: k('adam'),
    sgd: k('sgd'), sumPow: k('sumPow'), scaleInPlace: k('scaleInPlace'), gemm: k('gemm'), gemmBf16: k('gemmBf16'), toBf16: k('toBf16'), toFp16: k('toFp16'), fromBf16: k('fromBf16'), fromFp16: k('fromFp16'),
    attention: k('attention'), attentionBackward: k('attentionBackward'),
  };

  /** Writes [rank, ...shape] at slot i; returns the next slot. */
  const putShape = (i: number, shape: readonly number[]): number => {
    args[i++] = shape.length;
    for (const s of shape) args[i++] = s;
    return i;
  };
  /** Writes [offset, ...strides] at slot i. */
  const putStrided = (i: number, s: Strided, rank: number): number => {
    args[i++] = s.offset;
    for (let d = 0; d < rank; d++) args[i++] = s.strides[d]!;
    return i;
  };

  const gemmCall = (fn: Fn, g: GemmArgs | (Omit<GemmArgs, 'a' | 'b'> & { a: Uint16Array; b: Uint16Array })): void => {
    const { m, n, k: kk, batch } = g;
    if (m === 0 || n === 0 || batch === 0) return;
    // batches beyond what the argument block holds go in several calls
    const per = Math.floor((ARG_SLOTS - 12) / 3);
    for (let b0 = 0; b0 < batch; b0 += per) {
      const count = Math.min(per, batch - b0);
      args[0] = m; args[1] = n; args[2] = kk; args[3] = count;
      args[4] = g.aRowStride; args[5] = g.aColStride; args[6] = g.bRowStride; args[7] = g.bColStride;
      args[8] = g.ldc ?? n; args[9] = g.alpha ?? 1; args[10] = g.beta ?? 0; args[11] = 1;
      for (let i = 0; i < count; i++) {
        args[12 + i] = g.aOffsets[b0 + i]!;
        args[12 + count + i] = g.bOffsets[b0 + i]!;
        args[12 + 2 * count + i] = g.cOffsets ? g.cOffsets[b0 + i]! : (b0 + i) * m * n;
      }
      fn(g.a, g.b, g.c, g.bias ?? null);
    }
  };

  const putAttention = (i: number, a: AttentionArgs | AttentionBackwardArgs): number => {
    args[i++] = a.batch; args[i++] = a.heads; args[i++] = a.tgtLen; args[i++] = a.srcLen; args[i++] = a.headDim; args[i++] = a.valueDim;
    i = putStrided(i, a.q, 4);
    i = putStrided(i, a.k, 4);
    return putStrided(i, a.v, 4);
  };

  const backend: NativeBackend = {
    name: 'native',
    info(): BackendInfo {
      const i = addon.info();
      return { name: 'native', threads: i.threads, isa: i.isa, kernels: { sgemm: i.sgemm, bf16: i.bf16 } };
    },
    addonInfo: () => addon.info(),
    alignmentOf(s) {
      for (let a = 64; a > 1; a /= 2) if ((addon.alignOffset(s.buffer as ArrayBuffer, a) - s.byteOffset) % a === 0) return a;
      return 1;
    },
    setIsa: (isa) => addon.setIsa(isa),
    setThreads: (n) => addon.setThreads(n),
    alloc: (dtype, n, zero) => pool.alloc(dtype, n, zero),
    release: (s) => pool.release(s),
    memoryStats: () => pool.stats(),

    unary(op, x, out) {
      args[0] = UNARY[op]; args[1] = x.length;
      K.unary(x, out);
    },
    unaryBackward(op, x, y, gy, gx) {
      args[0] = UNARY[op]; args[1] = x.length;
      K.unaryBackward(x, y, gy, gx);
    },
    binary(op, a, b, out, shape) {
      if (!(out instanceof Float32Array) || shape.length > MAX_RANK) return jsBackend.binary(op, a, b, out, shape);
      args[0] = BINARY[op];
      let i = putShape(1, shape);
      i = putStrided(i, a, shape.length);
      putStrided(i, b, shape.length);
      K.binary(a.data, b.data, out);
    },
    compare(op, a, b, out, shape) {
      if (shape.length > MAX_RANK) return jsBackend.compare(op, a, b, out, shape);
      args[0] = COMPARE[op];
      let i = putShape(1, shape);
      i = putStrided(i, a, shape.length);
      putStrided(i, b, shape.length);
      K.compare(a.data, b.data, out);
    },
    where(cond, a, b, out, shape) {
      if (shape.length > MAX_RANK) return jsBackend.where(cond, a, b, out, shape);
      let i = putShape(0, shape);
      i = putStrided(i, cond, shape.length);
      i = putStrided(i, a, shape.length);
      putStrided(i, b, shape.length);
      K.where(cond.data, a.data, b.data, out);
    },
    clamp(x, lo, hi, out) {
      args[0] = lo; args[1] = hi; args[2] = x.length;
      K.clamp(x, out);
    },
    clampBackward(x, lo, hi, gy, gx) {
      args[0] = lo; args[1] = hi; args[2] = x.length;
      K.clampBackward(x, gy, gx);
    },
    accumulate(dst, src, shape) {
      if (shape.length > MAX_RANK) return jsBackend.accumulate(dst, src, shape);
      let i = putShape(0, shape);
      i = putStrided(i, dst, shape.length);
      putStrided(i, src, shape.length);
      K.accumulate(dst.data, src.data);
    },
    copy(src, dst, shape) {
      if (shape.length > MAX_RANK) return jsBackend.copy(src, dst, shape);
      let i = putShape(0, shape);
      i = putStrided(i, src, shape.length);
      putStrided(i, dst, shape.length);
      K.copy(src.data, dst.data);
    },
    cast(src: Storage, out: Storage) {
      args[0] = src.length;
      K.cast(src, out);
    },
    sum(x, outer, n, inner, out) {
      args[0] = outer; args[1] = n; args[2] = inner;
      K.sum(x, out);
    },
    max(x, outer, n, inner, values, indices) {
      args[0] = outer; args[1] = n; args[2] = inner;
      K.max(x, values, indices);
    },
    gemm: (g) => gemmCall(K.gemm, g),
    softmax(x, outer, n, inner, out) {
      args[0] = outer; args[1] = n; args[2] = inner; args[3] = 0;
      K.softmax(x, out);
    },
    softmaxBackward(y, gy, outer, n, inner, gx) {
      args[0] = outer; args[1] = n; args[2] = inner; args[3] = 0;
      K.softmaxBackward(y, gy, gx);
    },
    logSoftmax(x, outer, n, inner, out) {
      args[0] = outer; args[1] = n; args[2] = inner; args[3] = 1;
      K.softmax(x, out);
    },
    logSoftmaxBackward(y, gy, outer, n, inner, gx) {
      args[0] = outer; args[1] = n; args[2] = inner; args[3] = 1;
      K.softmaxBackward(y, gy, gx);
    },
    layerNorm(x, weight, bias, rows, cols, eps, out, mean, rstd) {
      args[0] = rows; args[1] = cols; args[2] = eps;
      K.layerNorm(x, weight, bias, out, mean, rstd);
    },
    layerNormBackward(x, weight, mean, rstd, gy, rows, cols, gx, gw, gb) {
      args[0] = rows; args[1] = cols;
      K.layerNormBackward(x, weight, mean, rstd, gy, gx, gw, gb);
    },
    indexSelect(src, outer, n, inner, index, out) {
      args[0] = outer; args[1] = n; args[2] = inner;
      K.indexSelect(src, index, out);
    },
    indexAdd(gy, outer, n, inner, index, gx) {
      args[0] = outer; args[1] = n; args[2] = inner;
      K.indexAdd(gy, index, gx);
    },
    gather(src, outer, n, inner, index, m, out) {
      args[0] = outer; args[1] = n; args[2] = inner; args[3] = m;
      K.gather(src, index, out);
    },
    scatterAdd(gy, outer, n, inner, index, m, gx) {
      args[0] = outer; args[1] = n; args[2] = inner; args[3] = m;
      K.scatterAdd(gy, index, gx);
    },
    crossEntropy(logits, targets, rows, classes, ignoreIndex, base, extra, losses, logSumExp) {
      args[0] = rows; args[1] = classes; args[2] = ignoreIndex; args[3] = base; args[4] = extra;
      K.crossEntropy(logits, targets, losses, logSumExp);
    },
    crossEntropyBackward(logits, targets, logSumExp, rowGrad, rows, classes, ignoreIndex, base, extra, gx) {
      args[0] = rows; args[1] = classes; args[2] = ignoreIndex; args[3] = base; args[4] = extra;
      K.crossEntropyBackward(logits, targets, logSumExp, rowGrad, gx);
    },
    bernoulliMask(n, keepProb, state, keep) {
      args[0] = n;
      // uniform < keepProb  <=>  (r >>> 8) < ceil(keepProb * 2^24), as the JS kernel
      args[1] = Math.ceil(keepProb * 16777216);
      K.bernoulliMask(state, keep);
    },
    dropoutApply(x, keep, scale, out) {
      args[0] = Math.fround(scale); args[1] = x.length;
      K.dropoutApply(x, keep, out);
    },
    adam(a: AdamArgs) {
      const count = a.params.length;
      if (11 + 2 * count > ARG_SLOTS) {
        // more tensors than the argument block holds: in groups
        const per = Math.floor((ARG_SLOTS - 11) / 2);
        for (let t0 = 0; t0 < count; t0 += per) {
          const sl = <T>(xs: readonly T[]) => xs.slice(t0, t0 + per);
          backend.adam({ ...a, params: sl(a.params), grads: sl(a.grads), expAvg: sl(a.expAvg), expAvgSq: sl(a.expAvgSq), maxExpAvgSq: a.maxExpAvgSq ? sl(a.maxExpAvgSq) : null, steps: sl(a.steps) });
        }
        return;
      }
      const s = adamScalars(a);
      args[0] = count; args[1] = s.beta1; args[2] = s.beta2; args[3] = s.oneMinusBeta1; args[4] = s.oneMinusBeta2;
      args[5] = s.decayFactor; args[6] = s.wd; args[7] = s.eps;
      args[8] = a.decoupled ? 1 : 0; args[9] = a.weightDecay !== 0 ? 1 : 0; args[10] = a.maximize ? 1 : 0;
      for (let t = 0; t < count; t++) {
        const st = adamStepScalars(a, a.steps[t]!);
        args[11 + 2 * t] = st.stepSize;
        args[12 + 2 * t] = st.biasCorrection2Sqrt;
      }
      K.adam(a.params, a.grads, a.expAvg, a.expAvgSq, a.maxExpAvgSq);
    },
    sgd(a: SgdArgs) {
      const count = a.params.length;
      if (8 + count > ARG_SLOTS) return jsBackend.sgd(a);
      const s = sgdScalars(a);
      args[0] = count; args[1] = s.wd; args[2] = s.momentum; args[3] = s.oneMinusDampening; args[4] = s.negLr;
      args[5] = a.weightDecay !== 0 ? 1 : 0; args[6] = a.nesterov ? 1 : 0; args[7] = a.maximize ? 1 : 0;
      for (let t = 0; t < count; t++) args[8 + t] = a.initializeBuffers[t] ? 1 : 0;
      K.sgd(a.params, a.grads, a.momentumBuffers);
    },
    sumPow(tensors, p, out) {
      args[0] = p;
      K.sumPow(tensors, out);
    },
    scaleInPlace(tensors, factor) {
      args[0] = Math.fround(factor);
      K.scaleInPlace(tensors);
    },
    attention(a: AttentionArgs) {
      let i = putAttention(0, a);
      if (a.mask) i = putStrided(i, a.mask, 4);
      else i += 5;
      args[i++] = a.scale; args[i++] = a.causal ? 1 : 0; args[i++] = a.dropoutP;
      K.attention(a.q.data, a.k.data, a.v.data, a.mask ? a.mask.data : null, a.rngState, a.weights, a.keep, a.out);
    },
    attentionBackward(a: AttentionBackwardArgs) {
      let i = putAttention(0, a);
      i = putStrided(i, a.gOut, 4);
      args[i++] = a.scale; args[i++] = a.dropoutP;
      K.attentionBackward(a.q.data, a.k.data, a.v.data, a.weights, a.keep, a.gOut.data, a.gq, a.gk, a.gv);
    },
    toBf16(x, out) {
      args[0] = x.length;
      K.toBf16(x, out);
    },
    fromBf16(x, out) {
      args[0] = x.length;
      K.fromBf16(x, out);
    },
    toFp16(x, out) {
      args[0] = x.length;
      K.toFp16(x, out);
    },
    fromFp16(x, out) {
      args[0] = x.length;
      K.fromFp16(x, out);
    },
    gemmBf16: (g) => gemmCall(K.gemmBf16, g),
  };
  return backend;
}
