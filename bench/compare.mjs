#!/usr/bin/env node
/**
 * anneal (native and TypeScript backends) beside PyTorch (1 and 2 threads), in one run, on the
 * benchmarks of ../shared/bench/torch_ref.py: matmul n=1024 (fp32, and bf16 on the native backend)
 * and training tokens/s of seq2seq-tiny, lm-small and lm-base. Prints each figure, and anneal's ratio
 * to PyTorch's best thread count for that measure. Runs alternate between engines config by config,
 * so drift on a shared machine hits all of them alike; --repeat N takes medians of N runs.
 *
 *   npm run build && node bench/compare.mjs [--repeat 3] [--configs lm-small,seq2seq-tiny] [--skip-js] [--json]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const flag = (name) => argv.includes(`--${name}`);
const repeat = Number(opt('repeat', '1'));
const configs = opt('configs', 'seq2seq-tiny,lm-small,lm-base').split(',');
const python = opt('python', '/usr/bin/python3');
const threads = opt('threads', '1,2').split(',').map(Number);
// timed steps per config: enough for a stable median, few enough for the TypeScript backend
const steps = { 'seq2seq-tiny': [30, 10], 'lm-small': [20, 3], 'lm-base': [8, 2] };

const cli = join(root, 'dist', 'cli', 'main.js');
const torchRef = resolve(root, '..', 'shared', 'bench', 'torch_ref.py');
const missing = [];
if (!existsSync(cli)) {
  process.stderr.write(`bench/compare: ${cli} is missing; run 'npm run build' first\n`);
  process.exit(2);
}
let torchOk = existsSync(torchRef);
if (!torchOk) missing.push(`${torchRef} (the PyTorch reference; expected at ../shared/bench beside the repository)`);
if (torchOk) {
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    torchOk = false;
    missing.push(`PyTorch for ${python} (apt-get install -y python3-torch libopenblas0-pthread)`);
  }
}
if (missing.length) process.stderr.write(`bench/compare: PyTorch figures skipped; missing: ${missing.join('; ')}\n`);

/** Runs a command and returns its last stdout line as JSON, or null (with the reason on stderr). */
function runJson(label, cmd, args, env = {}) {
  process.stderr.write(`  ${label} ...`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  const line = (r.stdout ?? '').trim().split('\n').pop();
  try {
    const out = JSON.parse(line);
    process.stderr.write(` ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    return out;
  } catch {
    process.stderr.write(` failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}\n`);
    return null;
  }
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** engines: name -> (measure) -> result or null */
function engines(measure) {
  const list = [];
  const isMatmul = measure.startsWith('matmul');
  const bf16 = measure === 'matmul-bf16';
  const benchArgs = isMatmul ? ['bench', '--op', 'matmul', '--n', '1024', '--precision', bf16 ? 'bf16' : 'fp32', '--json']
    : ['bench', '--config', measure, '--steps', String(steps[measure][0]), '--warmup', '2', '--json'];
  list.push({ name: 'anneal native', run: () => runJson(`anneal native ${measure}`, process.execPath, [cli, ...benchArgs], { ANNEAL_BACKEND: 'native' }) });
  if (!flag('skip-js') && !bf16) {
    const jsArgs = isMatmul ? benchArgs : ['bench', '--config', measure, '--steps', String(steps[measure][1]), '--warmup', '1', '--json'];
    list.push({ name: 'anneal js', run: () => runJson(`anneal js ${measure}`, process.execPath, [cli, ...jsArgs], { ANNEAL_BACKEND: 'js' }) });
  }
  if (torchOk && !bf16) {
    for (const t of threads) {
      const args = isMatmul ? [torchRef, '--op', 'matmul', '--n', '1024', '--threads', String(t), '--json']
        : [torchRef, '--config', measure, '--steps', String(steps[measure][0]), '--warmup', '3', '--threads', String(t), '--json'];
      list.push({ name: `pytorch ${t}t`, run: () => runJson(`pytorch ${t} thread(s) ${measure}`, python, args) });
    }
  }
  return list;
}

const measures = ['matmul', 'matmul-bf16', ...configs];
const results = {};
for (const m of measures) {
  process.stderr.write(`${m}:\n`);
  const es = engines(m);
  const runs = Object.fromEntries(es.map((e) => [e.name, []]));
  for (let i = 0; i < repeat; i++) for (const e of es) runs[e.name].push(e.run());
  results[m] = {};
  for (const [name, rs] of Object.entries(runs)) {
    const ok = rs.filter(Boolean);
    if (ok.length === 0) continue;
    const key = m.startsWith('matmul') ? 'gflops' : 'tokens_per_s';
    results[m][name] = { value: median(ok.map((r) => r[key])), peak_rss_mb: median(ok.map((r) => r.peak_rss_mb)), threads: ok[0].threads, backend: ok[0].backend ?? 'pytorch' };
  }
}

// the matmul targets compare with PyTorch's fp32 figure, bf16 with anneal's own fp32 one
const rows = [];
for (const m of measures) {
  const r = results[m];
  const torch = Object.entries(r).filter(([n]) => n.startsWith('pytorch'));
  const best = torch.reduce((b, [n, v]) => (!b || v.value > b[1].value ? [n, v] : b), null);
  const ref = m === 'matmul-bf16' ? ['anneal native fp32', results.matmul?.['anneal native']] : best;
  for (const [name, v] of Object.entries(r)) {
    const ratio = ref && ref[1] && !name.startsWith('pytorch') ? v.value / ref[1].value : null;
    rows.push({ measure: m, engine: name, threads: v.threads, value: v.value, unit: m.startsWith('matmul') ? 'GFLOP/s' : 'tokens/s', peak_rss_mb: v.peak_rss_mb, ratio, versus: ratio === null ? null : ref[0] });
  }
}

if (flag('json')) {
  process.stdout.write(`${JSON.stringify({ rows, missing })}\n`);
} else {
  const fmt = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
  const lines = [['measure', 'engine', 'threads', 'value', 'unit', 'peak RSS MB', 'ratio', 'versus']];
  for (const r of rows) lines.push([r.measure, r.engine, String(r.threads), fmt(r.value, r.value < 100 ? 1 : 0), r.unit, fmt(r.peak_rss_mb), r.ratio === null ? '-' : `${fmt(r.ratio, 2)}x`, r.versus ?? '-']);
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  for (const l of lines) process.stdout.write(`${l.map((cell, c) => cell.padEnd(widths[c])).join('  ')}\n`);
}
