// GFLOP/s of the TypeScript reference backend's gemm (dist/backend/js/gemm.js) on the training
// shapes of native/test/shapes.txt (lm-small and seq2seq-tiny by default) and n = 1024, as JSON lines.
//   npm run build && node bench/js_gemm.mjs [--filter SUBSTR] [--module path/to/gemm.js] [--min-time S] [--clock wall|cpu]
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const filter = opt('--filter', '');
const minTime = Number(opt('--min-time', '1'));
// --clock cpu: this process's CPU time, not wall time (steadier when other jobs share the machine)
const cpuClock = opt('--clock', 'wall') === 'cpu';
const now = () => { if (!cpuClock) return performance.now(); const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const modulePath = resolve(opt('--module', resolve(root, 'dist/backend/js/gemm.js')));
const { gemm } = await import(pathToFileURL(modulePath).href);

const shapes = readFileSync(resolve(root, 'native/test/shapes.txt'), 'utf8').split('\n')
  .filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/))
  .map(([name, batch, m, n, k, layout]) => ({ name, batch: +batch, m: +m, n: +n, k: +k, layout }))
  .filter((s) => (filter ? s.name.includes(filter) : s.name === 'square1024' || s.name.startsWith('small.') || s.name.startsWith('tiny.')));

for (const s of shapes) {
  const { batch, m, n, k, layout } = s;
  const a = Float32Array.from({ length: batch * m * k }, (_, i) => Math.sin(i) );
  const b = Float32Array.from({ length: batch * k * n }, (_, i) => Math.cos(i));
  const c = new Float32Array(batch * m * n);
  const ta = layout[0] === 'T', tb = layout[1] === 'T';
  const argsG = {
    m, n, k, batch, c,
    a, aOffsets: Array.from({ length: batch }, (_, i) => i * m * k), aRowStride: ta ? 1 : k, aColStride: ta ? m : 1,
    b, bOffsets: Array.from({ length: batch }, (_, i) => i * k * n), bRowStride: tb ? 1 : n, bColStride: tb ? k : 1,
  };
  gemm(argsG);
  const samples = [];
  const t0 = performance.now();
  while (samples.length < 3 || (performance.now() - t0) / 1000 < minTime) {
    const t = now();
    gemm(argsG);
    samples.push((now() - t) / 1000);
  }
  samples.sort((x, y) => x - y);
  const best = samples[0], median = samples[samples.length >> 1];
  const flops = 2 * batch * m * n * k;
  console.log(JSON.stringify({ shape: s.name, batch, m, n, k, layout, engine: 'anneal-js', gflops_median: +(flops / median / 1e9).toFixed(2), gflops_best: +(flops / best / 1e9).toFixed(2) }));
}
