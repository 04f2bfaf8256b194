// Trains bench's lm-small step loop (AdamW, clipping 1.0, label smoothing 0.1) through the public API
// of any anneal dist/ directory, so that builds without `anneal bench --config` (e.g. 01ea97b) can be
// timed against the current one in one run:
//   ANNEAL_BACKEND=js node bench/lm_small_compare.mjs /tmp/old01/dist [steps] [warmup]
// Prints one JSON line: median step seconds and tokens/s.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [dist = 'dist', stepsArg = '10', warmupArg = '2'] = process.argv.slice(2);
const a = await import(pathToFileURL(resolve(dist, 'index.js')).href);
const steps = Number(stepsArg), warmup = Number(warmupArg);
const c = { vocab: 256, dModel: 128, layers: 4, heads: 4, dFF: 512, seq: 128, batch: 16 };
a.manualSeed(0);
const data = new a.Generator(1);
const model = new a.nn.TransformerLM({
  vocabSize: c.vocab, dModel: c.dModel, numLayers: c.layers, nhead: c.heads, dimFeedforward: c.dFF, maxLen: c.seq,
  dropout: 0.1, activation: 'gelu', normFirst: true, positional: 'learned', tieWeights: true, embeddingInitStd: 0.02,
});
const ids = Array.from({ length: steps + warmup }, () => a.randint(0, c.vocab, [c.batch, c.seq + 1], { generator: data }));
const params = model.parameters();
const opt = new a.optim.AdamW(params, { lr: 3e-4, betas: [0.9, 0.98], eps: 1e-8, weightDecay: 0.01 });
model.train();
const tidy = a.tidy ?? ((f) => f());
const times = [];
let last = NaN;
for (let i = 0; i < steps + warmup; i++) {
  const t0 = performance.now();
  last = tidy(() => {
    const x = ids[i].narrow(1, 0, c.seq), y = ids[i].narrow(1, 1, c.seq);
    const l = a.loss.crossEntropy(model.forward(x), y, { labelSmoothing: 0.1 });
    opt.zeroGrad();
    l.backward();
    return l.item();
  });
  tidy(() => { a.nn.utils.clipGradNorm(params, 1.0); opt.step(); });
  if (i >= warmup) times.push((performance.now() - t0) / 1000);
}
times.sort((x, y) => x - y);
const med = times[times.length >> 1];
const info = a.backend?.getBackend?.().info?.();
console.log(JSON.stringify({ dist, median_step_s: med, tokens_per_s: (c.batch * c.seq) / med, final_loss: last, threads: info?.threads ?? 1 }));
