/**
 * Padding ratio (padding tokens / all tokens, source + decoder positions) over one training
 * epoch of a seq2seq TSV, with and without length bucketing, for a fixed batch size and a token
 * budget. Character-level tokens.
 *   npm test (or: npx tsc -p tsconfig.test.json) && node build/bench/padding.js [FILE.tsv]
 */
import { join } from 'node:path';
import { data } from 'anneal';

const path = process.argv[2] ?? join(process.cwd(), 'examples', 'data', 'pig-latin.tsv');
const pairs = data.readTsv(path);
const tok = data.charTokenizer(pairs.map((p) => p.source + p.target).join(''));
const encoded = pairs.map((p) => ({ src: tok.encode(p.source), tgt: tok.encode(p.target) }));
const lengths = data.seq2seqLengths(encoded);

console.log(`${path}: ${pairs.length} pairs, ${tok.vocabSize} char ids`);
console.log('batching                       padToMultiple  bucket  steps  padding ratio');
for (const [label, batchSize, maxTokens] of [['batchSize 32', 32, null], ['maxTokens 8192', 32, 8192]] as const) {
  for (const padToMultiple of [1, 8]) {
    for (const bucket of [false, true]) {
      const loader = new data.BatchLoader(lengths, { batchSize, maxTokens, gradAccumSteps: 1, bucket, padToMultiple, shuffle: true, seed: 0 });
      let padding = 0, tokens = 0;
      const steps = loader.stepsPerEpoch();
      for (let s = 0; s < steps; s++) {
        for (const mb of loader.nextStep()) {
          const b = data.collateSeq2Seq(encoded, mb, { srcPad: tok.padId, tgtPad: tok.padId, bos: tok.bosId, eos: tok.eosId, padToMultiple });
          padding += b.numPadding;
          tokens += b.numTokens;
        }
      }
      console.log(`${label.padEnd(31)}${String(padToMultiple).padEnd(15)}${(bucket ? 'on' : 'off').padEnd(8)}${String(steps).padEnd(7)}${(padding / tokens).toFixed(3)}`);
    }
  }
}
