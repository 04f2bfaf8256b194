/** Greedy translation and exact-match scoring for sequence-to-sequence models on the numbers task. */
import type { NumbersToWords } from '../data/index.js';
import type { TransformerSeq2Seq } from '../nn/index.js';

/** Greedy translations of digit strings, decoded in batches to bound memory. */
export function translateNumbers(model: TransformerSeq2Seq, data: NumbersToWords, numbers: readonly string[], batchSize = 500): string[] {
  const out: string[] = [];
  for (let start = 0; start < numbers.length; start += batchSize) {
    const chunk = numbers.slice(start, start + batchSize);
    const { src } = data.batch(chunk);
    const ids = model.greedyDecode(src, { sosIdx: data.tgtVocab.sosId, eosIdx: data.tgtVocab.eosId, maxLen: src.shape[1]! + 1 });
    const rows = ids.toArray() as number[][];
    for (const row of rows) out.push(data.tgtVocab.decode(row).join(' '));
  }
  return out;
}

export interface ExactMatch {
  correct: number;
  total: number;
  exactMatch: number;
}

/** Fraction of numbers whose greedy translation equals the reference word for word. */
export function exactMatch(model: TransformerSeq2Seq, data: NumbersToWords, numbers: readonly string[]): ExactMatch {
  const predictions = translateNumbers(model, data, numbers);
  let correct = 0;
  numbers.forEach((n, i) => {
    if (predictions[i] === data.tgtVocab.decode(data.encodeTarget(n)).join(' ')) correct++;
  });
  return { correct, total: numbers.length, exactMatch: numbers.length ? correct / numbers.length : NaN };
}
