/** Padding variable-length id sequences into rectangular int32 batches. */
import { Tensor } from '../tensor/index.js';
import { ArgumentError } from '../errors.js';

/** [B, maxLen] int32, each row left-aligned and filled with padId (torch's pad_sequence, batch first). */
export function padSequences(seqs: readonly (readonly number[])[], padId: number, length?: number): Tensor {
  const L = length ?? Math.max(0, ...seqs.map((s) => s.length));
  const out = new Int32Array(seqs.length * L).fill(padId);
  seqs.forEach((s, i) => {
    if (s.length > L) throw new ArgumentError(`padSequences: a sequence of length ${s.length} exceeds length ${L}`);
    out.set(s, i * L);
  });
  return new Tensor(out, [seqs.length, L]);
}

export interface Seq2SeqBatch {
  /** Source ids [B, S], padded. */
  src: Tensor;
  /** Target ids [B, T] as <sos> y1 .. yn <eos>, padded; the decoder reads tgt[:, :-1] and predicts tgt[:, 1:]. */
  tgt: Tensor;
  /** Number of target tokens predicted (non-padding positions of tgt[:, 1:]). */
  numTargetTokens: number;
}

export function seq2seqBatch(
  pairs: readonly { src: readonly number[]; tgt: readonly number[] }[],
  ids: { srcPad: number; tgtPad: number; sos: number; eos: number },
): Seq2SeqBatch {
  const src = padSequences(pairs.map((p) => p.src), ids.srcPad);
  const tgt = padSequences(pairs.map((p) => [ids.sos, ...p.tgt, ids.eos]), ids.tgtPad);
  const numTargetTokens = pairs.reduce((n, p) => n + p.tgt.length + 1, 0);
  return { src, tgt, numTargetTokens };
}
