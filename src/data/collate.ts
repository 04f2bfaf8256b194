/**
 * Collation: example indices -> int32 tensors, with the token counts the trainer needs to
 * normalise the loss (numTargetTokens) and to report the padding ratio (numPadding / numTokens).
 */
import { Tensor } from '../tensor/index.js';
import { padSequences } from './batching.js';
import { paddedLength } from './loader.js';
import type { LMWindowSet } from './text.js';
import { ArgumentError } from '../errors.js';

export interface Batch {
  /** Positions the loss is computed on (non-padding targets). */
  numTargetTokens: number;
  /** All positions processed, padding included. */
  numTokens: number;
  /** Padding positions among numTokens. */
  numPadding: number;
}

export interface LMBatch extends Batch {
  /** [B, T] int32. */
  input: Tensor;
  /** [B, T] int32, input shifted by one. */
  target: Tensor;
}

/** Windows `indices` of `windows` as input/target [B, T] int32 tensors (no padding: every window is full). */
export function collateLM(windows: LMWindowSet, indices: readonly number[]): LMBatch {
  const T = windows.contextLength;
  const B = indices.length;
  const input = new Int32Array(B * T), target = new Int32Array(B * T);
  indices.forEach((w, b) => {
    const start = windows.starts[w];
    if (start === undefined) throw new ArgumentError(`collateLM: no window ${w} (there are ${windows.starts.length})`);
    input.set(windows.tokens.subarray(start, start + T), b * T);
    target.set(windows.tokens.subarray(start + 1, start + T + 1), b * T);
  });
  return { input: new Tensor(input, [B, T]), target: new Tensor(target, [B, T]), numTargetTokens: B * T, numTokens: B * T, numPadding: 0 };
}

export interface Seq2SeqPair {
  src: readonly number[];
  tgt: readonly number[];
}

export interface Seq2SeqCollateOptions {
  srcPad: number;
  tgtPad: number;
  bos: number;
  eos: number;
  /** Pad the source length and the decoder length up to a multiple of this (default 1). */
  padToMultiple?: number;
}

export interface Seq2SeqBatchWithCounts extends Batch {
  /** [B, S] int32, S = max source length padded to the multiple. */
  src: Tensor;
  /** [B, L + 1] int32 rows `bos y eos pad...`; the decoder reads tgt[:, :-1] and predicts tgt[:, 1:], L = max(len y) + 1 padded to the multiple. */
  tgt: Tensor;
}

/** Per pair, the lengths the loader pads: [source, decoder] = [len src, len tgt + 1]. */
export function seq2seqLengths(pairs: readonly Seq2SeqPair[]): [number, number][] {
  return pairs.map((p) => [p.src.length, p.tgt.length + 1]);
}

/**
 * Pairs `indices` as padded src/tgt tensors. numTokens counts source positions plus decoder
 * positions (B x S + B x L, padding included), the same as BatchLoader's budget for
 * `seq2seqLengths`; numTargetTokens is the sum of len(y) + 1 (each target and its eos).
 */
export function collateSeq2Seq(pairs: readonly Seq2SeqPair[], indices: readonly number[], options: Seq2SeqCollateOptions): Seq2SeqBatchWithCounts {
  const m = options.padToMultiple ?? 1;
  const chosen = indices.map((i) => {
    const p = pairs[i];
    if (!p) throw new ArgumentError(`collateSeq2Seq: no pair ${i} (there are ${pairs.length})`);
    return p;
  });
  const B = chosen.length;
  let maxSrc = 0, maxDec = 0, realSrc = 0, realDec = 0;
  for (const p of chosen) {
    maxSrc = Math.max(maxSrc, p.src.length);
    maxDec = Math.max(maxDec, p.tgt.length + 1);
    realSrc += p.src.length;
    realDec += p.tgt.length + 1;
  }
  const S = paddedLength(maxSrc, m), L = paddedLength(maxDec, m);
  const src = padSequences(chosen.map((p) => p.src), options.srcPad, S);
  const tgt = padSequences(chosen.map((p) => [options.bos, ...p.tgt, options.eos]), options.tgtPad, L + 1);
  const numTokens = B * (S + L);
  return { src, tgt, numTargetTokens: realDec, numTokens, numPadding: numTokens - realSrc - realDec };
}
