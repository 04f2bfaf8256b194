// GFLOP/s of the TypeScript reference backend's gemm on the training shapes of
// native/test/shapes.txt (lm-small and seq2seq-tiny by default) and n = 1024, as JSON lines.
// Several implementations (--module a.js,b.js) are timed in turns, call by call, so that they see
// the same machine (it is shared: compare only figures from one run).
//   npm run build && node bench/js_gemm.mjs [--filter SUBSTR] [--module dist/backend/js/gemm.js,...]
//                                           [--rounds N] [--clock wall|cpu]
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const filter = opt('--filter', '');
const rounds = Number(opt('--rounds', '7'));
// --clock cpu: this process's CPU time, not wall time
const cpuClock = opt('--clock', 'wall') === 'cpu';
const now = () => { if (!cpuClock) return performance.now(); const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const modules = [];
for (const path of opt('--module', resolve(root, 'dist/backend/js/gemm.js')).split(',')) {
  modules.push({ path, gemm: (await import(pathToFileURL(resolve(path)).href)).gemm });
}

const shapes = readFileSync(resolve(root, 'native/test/shapes.txt'), 'utf8').split('\n')
  .filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/))
  .map(([name, batch, m, n, k, layout]) => ({ name, batch: +batch, m: +m, n: +n, k: +k, layout }))
  .filter((s) => (filter ? s.name.includes(filter) : s.name === 'square1024' || s.name.startsWith('small.') || s.name.startsWith('tiny.')));

for (const s of shapes) {
  const { batch, m, n, k, layout } = s;
  const a = Float32Array.from({ length: batch * m * k }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: batch * k * n }, (_, i) => Math.cos(i));
  const ta = layout[0] === 'T', tb = layout[1] === 'T';
  const gemmArgs = {
    m, n, k, batch, c: new Float32Array(batch * m * n),
    a, aOffsets: Array.from({ length: batch }, (_, i) => i * m * k), aRowStride: ta ? 1 : k, aColStride: ta ? m : 1,
    b, bOffsets: Array.from({ length: batch }, (_, i) => i * k * n), bRowStride: tb ? 1 : n, bColStride: tb ? k : 1,
  };
  const times = modules.map(() => []);
  for (let r = -1; r < rounds; r++) {
    modules.forEach((mod, i) => {
      const t = now();
      mod.gemm(gemmArgs);
      if (r >= 0) times[i].push((now() - t) / 1000);  // round -1 warms up
    });
  }
  const flops = 2 * batch * m * n * k;
  modules.forEach((mod, i) => {
    const t = times[i].sort((x, y) => x - y);
    console.log(JSON.stringify({
      shape: s.name, batch, m, n, k, layout, module: mod.path,
      gflops_median: +(flops / t[t.length >> 1] / 1e9).toFixed(2), gflops_best: +(flops / t[0] / 1e9).toFixed(2),
    }));
  });
}
