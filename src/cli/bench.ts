/**
 * `anneal bench`: throughput figures to set beside ../shared/bench/torch_ref.py, with the same
 * models, recipe, FLOP formula and JSON field names, so the two can be compared in one run.
 *   anneal bench --op matmul --n 1024 [--precision bf16] --json
 *   anneal bench --config lm-small --steps 30 [--precision bf16|fp16] --json
 * Each training step is timed as the reference times it: forward, loss, zeroGrad, backward,
 * clipping and the optimizer step; the first --warmup steps are not timed.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import type { Command } from 'commander';
import * as anneal from '../index.js';
import { backendInfo, getBackend } from '../backend/index.js';
import { ConfigError } from '../errors.js';
import { autocast, Generator, manualSeed, noGrad, randint, tidy, type Precision, type Tensor } from '../tensor/index.js';
import { halfBytes } from '../tensor/half.js';
import { UsageError } from './usage.js';

const { nn, optim, loss } = anneal;

interface LmConfig { kind: 'lm'; vocab: number; dModel: number; layers: number; heads: number; dFF: number; seq: number; batch: number }
interface Seq2SeqConfig { kind: 'seq2seq'; vocab: number; dModel: number; layers: number; heads: number; dFF: number; src: number; seq: number; batch: number }
type BenchConfig = LmConfig | Seq2SeqConfig;

/** The shapes of torch_ref.py's CONFIGS. */
export const benchConfigs: Record<string, BenchConfig> = {
  'lm-small': { kind: 'lm', vocab: 256, dModel: 128, layers: 4, heads: 4, dFF: 512, seq: 128, batch: 16 },
  'lm-base': { kind: 'lm', vocab: 256, dModel: 256, layers: 6, heads: 8, dFF: 1024, seq: 256, batch: 8 },
  'seq2seq-tiny': { kind: 'seq2seq', vocab: 16, dModel: 64, layers: 2, heads: 4, dFF: 256, src: 8, seq: 12, batch: 64 },
};

interface BenchModel {
  model: anneal.nn.Module;
  /** One step's loss on batch i of the synthetic data. */
  loss(i: number): Tensor;
  /** Layers whose attention the FLOP formula counts (both stacks for the encoder-decoder). */
  layers: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Builds the model and its synthetic token batches (drawn before timing, as the reference does). */
function buildBenchModel(c: BenchConfig, batches: number): BenchModel {
  manualSeed(0);
  const data = new Generator(1);
  const ce = { labelSmoothing: 0.1 };
  if (c.kind === 'lm') {
    // pre-norm, GELU, learned positions, tied output, N(0, 0.02) embeddings: torch_ref.py's LM
    const model = new nn.TransformerLM({
      vocabSize: c.vocab, dModel: c.dModel, numLayers: c.layers, nhead: c.heads, dimFeedforward: c.dFF, maxLen: c.seq,
      dropout: 0.1, activation: 'gelu', normFirst: true, positional: 'learned', tieWeights: true, embeddingInitStd: 0.02,
    });
    const ids = Array.from({ length: batches }, () => randint(0, c.vocab, [c.batch, c.seq + 1], { generator: data }));
    return {
      model,
      layers: c.layers,
      loss: (i) => {
        const x = ids[i]!.narrow(1, 0, c.seq), y = ids[i]!.narrow(1, 1, c.seq);
        return loss.crossEntropy(model.forward(x), y, ce);
      },
    };
  }
  // post-norm, ReLU, sinusoidal positions, one embedding for both sides, untied output: torch_ref.py's Seq2Seq
  const model = new nn.TransformerSeq2Seq({
    srcVocabSize: c.vocab, tgtVocabSize: c.vocab, dModel: c.dModel, nhead: c.heads, numEncoderLayers: c.layers, numDecoderLayers: c.layers,
    dimFeedforward: c.dFF, dropout: 0.1, activation: 'relu', normFirst: false, positional: 'sinusoidal', shareEmbeddings: true, tieWeights: false,
    maxLen: 64, srcPaddingIdx: null, tgtPaddingIdx: null,
  });
  const src = Array.from({ length: batches }, () => randint(3, c.vocab, [c.batch, c.src], { generator: data }));
  const tgt = Array.from({ length: batches }, () => randint(3, c.vocab, [c.batch, c.seq + 1], { generator: data }));
  return {
    model,
    layers: 2 * c.layers,
    loss: (i) => {
      const x = tgt[i]!.narrow(1, 0, c.seq), y = tgt[i]!.narrow(1, 1, c.seq);
      return loss.crossEntropy(model.forward(src[i]!, x), y, ce);
    },
  };
}

/** torch_ref.py's non_embedding_params: every parameter whose name mentions no token, position or embedding table. */
function nonEmbeddingParams(model: anneal.nn.Module): number {
  let n = 0;
  for (const [name, p] of model.namedParameters()) if (!/tok|pos|emb/i.test(name)) n += p.numel();
  return n;
}

export interface TrainBenchResult {
  config: string; params: number; non_embedding_params: number; tokens_per_step: number; median_step_s: number;
  tokens_per_s: number; gflops: number; final_loss: number; peak_rss_mb: number;
  /** Whether every layer was checkpointed, and the MB of buffers the pool created in all (its peak). */
  gradient_checkpointing: boolean; pool_peak_mb: number;
  /** Garbage collections (and their milliseconds) per timed step. */
  gc_per_step: number; gc_ms_per_step: number;
  /** MB of new buffers the backend's pool had to create per timed step (the rest were reused). */
  alloc_mb_per_step: number;
  precision: Precision;
  /**
   * MB held after the forward pass and the loss, before backward, beyond what was held before it
   * (the most over the timed steps): the pool's buffers in use plus autocast's 16-bit copies.
   */
  activation_mb: number;
}

/** Bytes of pool buffers handed out and not back, plus autocast's 16-bit buffers made so far. */
function bytesHeld(): number {
  const s = getBackend().memoryStats();
  return s.bytesCreated - s.bytesFree + halfBytes();
}

/**
 * Counts garbage collections between start() and stop(). The observer hears of them only once the
 * event loop turns, after the synchronous training loop: each entry is placed by its start time.
 */
function gcCounter(): { start(): void; stop(): void; result(): Promise<{ count: number; ms: number }> } {
  const entries: { startTime: number; duration: number }[] = [];
  const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) entries.push(e); });
  obs.observe({ entryTypes: ['gc'] });
  let from = Infinity, to = -Infinity;
  return {
    start: () => { from = performance.now(); },
    stop: () => { to = performance.now(); },
    result: async () => {
      await new Promise((r) => setTimeout(r, 10));
      obs.disconnect();
      const inside = entries.filter((e) => e.startTime >= from && e.startTime <= to);
      return { count: inside.length, ms: inside.reduce((a, e) => a + e.duration, 0) };
    },
  };
}

export async function benchTrain(name: string, steps: number, warmup: number, precision: Precision = 'fp32', gradientCheckpointing = false): Promise<TrainBenchResult> {
  const c = benchConfigs[name];
  if (!c) throw new ConfigError('--config', `unknown config '${name}'`, Object.keys(benchConfigs));
  const m = buildBenchModel(c, steps + warmup);
  if (gradientCheckpointing) nn.setGradientCheckpointing(m.model, true);
  const params = m.model.parameters();
  const optimizer = new optim.AdamW(params, { lr: 3e-4, betas: [0.9, 0.98], eps: 1e-8, weightDecay: 0.01 });
  m.model.train();
  // fp16 as the trainer runs it: dynamic loss scaling, clipping on the unscaled gradients
  const scaler = precision === 'fp16' ? new anneal.amp.GradScaler() : null;
  let activation = 0;
  const times: number[] = [];
  let finalLoss = NaN;
  const gc = gcCounter();
  let created = 0;
  for (let i = 0; i < steps + warmup; i++) {
    if (i === warmup) {
      gc.start();
      created = getBackend().memoryStats().bytesCreated;
    }
    const t0 = performance.now();
    finalLoss = tidy(() => {
      const held = bytesHeld();
      const l = autocast(precision, () => m.loss(i));
      if (i >= warmup) activation = Math.max(activation, bytesHeld() - held);
      optimizer.zeroGrad();
      (scaler ? scaler.scale(l) : l).backward();
      return l.item();
    });
    tidy(() => {
      if (scaler) scaler.unscale(optimizer);
      nn.utils.clipGradNorm(params, 1.0);
      if (scaler) {
        scaler.step(optimizer);
        scaler.update();
      } else optimizer.step();
    });
    if (i >= warmup) times.push((performance.now() - t0) / 1000);
  }
  gc.stop();
  created = getBackend().memoryStats().bytesCreated - created;
  const gcs = await gc.result();
  const med = median(times);
  const tokens = c.batch * c.seq;
  const n = nonEmbeddingParams(m.model);
  const flops = 6 * n * tokens + 12 * m.layers * c.dModel * c.seq * tokens;
  return {
    config: name, params: m.model.numParameters(), non_embedding_params: n, tokens_per_step: tokens, median_step_s: med,
    tokens_per_s: tokens / med, gflops: flops / med / 1e9, final_loss: finalLoss, peak_rss_mb: peakRssMb(),
    // the pool keeps every buffer it created for reuse, so what it created is its peak footprint
    gradient_checkpointing: gradientCheckpointing, pool_peak_mb: getBackend().memoryStats().bytesCreated / 2 ** 20,
    gc_per_step: gcs.count / steps, gc_ms_per_step: gcs.ms / steps, alloc_mb_per_step: created / steps / 2 ** 20,
    precision, activation_mb: activation / 2 ** 20,
  };
}

export interface MatmulBenchResult { op: 'matmul'; n: number; precision: string; median_s: number; gflops: number }

/** Median time of an n x n x n product over `reps` runs after 3 untimed ones (torch_ref.py's bench_matmul). */
export function benchMatmul(n: number, precision: 'fp32' | 'bf16', reps = 20): MatmulBenchResult {
  manualSeed(0);
  const a = anneal.randn([n, n]), b = anneal.randn([n, n]);
  let run: () => void;
  if (precision === 'bf16') {
    const backend = getBackend();
    const gemmBf16 = backend.gemmBf16?.bind(backend), toBf16 = backend.toBf16?.bind(backend);
    if (!gemmBf16 || !toBf16) throw new UsageError(`--precision bf16 needs the native backend (running: ${backend.name})`);
    const a16 = new Uint16Array(n * n), b16 = new Uint16Array(n * n), c = new Float32Array(n * n);
    toBf16(a.values() as Float32Array, a16);
    toBf16(b.values() as Float32Array, b16);
    const zero = [0];
    run = () => gemmBf16({ m: n, n, k: n, batch: 1, a: a16, aOffsets: zero, aRowStride: n, aColStride: 1, b: b16, bOffsets: zero, bRowStride: n, bColStride: 1, c });
  } else {
    run = () => void noGrad(() => tidy(() => void a.matmul(b)));
  }
  for (let i = 0; i < 3; i++) run();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    run();
    ts.push((performance.now() - t0) / 1000);
  }
  const med = median(ts);
  return { op: 'matmul', n, precision, median_s: med, gflops: (2 * n ** 3) / med / 1e9 };
}

function positiveInt(value: string | undefined, flag: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (value.trim() === '' || !Number.isInteger(v) || v < min) throw new UsageError(`${flag} expects an integer >= ${min}, got '${value}'`);
  return v;
}

interface BenchCliOptions { op?: string; n?: string; precision?: string; config?: string; steps?: string; warmup?: string; json?: boolean; gradientCheckpointing?: boolean }

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure matmul GFLOP/s or training tokens/s on the models of ../shared/bench/torch_ref.py')
    .option('--op <op>', 'a kernel benchmark: matmul')
    .option('--n <n>', 'matrix size for --op matmul', '1024')
    .option('--precision <p>', 'fp32 or bf16 (native backend) for --op matmul; fp32, bf16 or fp16 (autocast) for --config', 'fp32')
    .option('--config <name>', `a training benchmark: ${Object.keys(benchConfigs).join(', ')}`)
    .option('--steps <n>', 'timed training steps', '30')
    .option('--warmup <n>', 'untimed steps before them', '3')
    .option('--gradient-checkpointing', 'recompute every Transformer layer in backward (--config)')
    .option('--json', 'print one JSON object')
    .action(async (opts: BenchCliOptions) => {
      if ((opts.op === undefined) === (opts.config === undefined)) throw new UsageError('bench: give exactly one of --op matmul or --config NAME');
      let result: object;
      if (opts.op !== undefined) {
        if (opts.op !== 'matmul') throw new ConfigError('--op', `unknown op '${opts.op}'`, ['matmul']);
        if (opts.precision !== 'fp32' && opts.precision !== 'bf16') throw new ConfigError('--precision', `unknown precision '${opts.precision}'`, ['fp32', 'bf16']);
        result = benchMatmul(positiveInt(opts.n, '--n', 1024), opts.precision);
      } else {
        const p = opts.precision;
        if (p !== 'fp32' && p !== 'bf16' && p !== 'fp16') throw new ConfigError('--precision', `unknown precision '${p}'`, ['fp32', 'bf16', 'fp16']);
        result = await benchTrain(opts.config!, positiveInt(opts.steps, '--steps', 30), positiveInt(opts.warmup, '--warmup', 3, 0), p, opts.gradientCheckpointing ?? false);
      }
      const info = backendInfo();
      const out = { ...result, engine: 'anneal', version: anneal.version, backend: info.name, threads: info.threads, isa: info.isa };
      process.stdout.write(opts.json ? `${JSON.stringify(out)}\n` : `${Object.entries(out).map(([k, v]) => `${k}: ${v}`).join('\n')}\n`);
    });
}
