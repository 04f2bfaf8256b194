/**
 * The JS gemm over worker threads: a persistent pool of (threads - 1) workers, unref'd so that it
 * never keeps the process alive, synchronised with Atomics.wait/notify on a shared control block.
 *
 * The calling thread packs all of A and B into SharedArrayBuffer scratch (the packing copies anyway,
 * so operands need not be shared themselves), the threads claim chunks of row panels of C from a
 * shared counter (so a core slowed by other processes just takes fewer), and every thread writes its
 * rows of a shared C that is then copied out. Each
 * tile is computed by the same code on the same packed numbers whichever thread runs it, so results
 * are bit-identical to one thread. Products below PARALLEL_MIN multiply-adds stay inline, where
 * waking a worker (tens of microseconds) would cost more than it saves.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { ConfigError } from '../../errors.js';
import { gemm as gemmInline, gemmUnits, MR, NR, packA, packB, type CoreGemmArgs } from './gemm.js';

/** Multiply-adds (m n k batch) from which a gemm is split over threads. */
export const PARALLEL_MIN = 1 << 18;

/** Control block (Int32 slots) shared with every worker. */
export const SEQ = 0; // bumped once per job; workers wait on it
export const PENDING = 1; // workers still busy with the current job; the caller waits on it
export const GEN = 2; // generation of the scratch buffers (posted to workers when they grow)
export const M = 3, N = 4, K = 5, UNITS = 6;
export const NEXT = 7; // the next unclaimed unit: threads claim CHUNK at a time
export const CHUNK = 8;
const CONTROL_SLOTS = 8;

interface Pool {
  workers: Worker[];
  ports: MessagePort[];
  control: Int32Array;
  pa: Float64Array;
  pb: Float64Array;
  pc: Float32Array;
  gen: number;
}

let threads: number | null = null;
let parallelMin = PARALLEL_MIN;
let pool: Pool | null = null;

function threadsFromEnv(): number {
  const t = process.env.ANNEAL_THREADS;
  if (t === undefined || t === '') return availableParallelism();
  const n = Number(t);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError('ANNEAL_THREADS', `expected a positive integer, got '${t}'`);
  return n;
}

/** Threads the JS gemm uses: ANNEAL_THREADS, else every core. */
export function gemmThreads(): number {
  return threads ?? (threads = threadsFromEnv());
}

/**
 * Changes the thread count (the workers of a previous count are ended) and, for tests that need
 * small products split, the size from which a product is split.
 */
export function setGemmThreads(n: number, minWork = PARALLEL_MIN): void {
  parallelMin = minWork;
  if (!Number.isInteger(n) || n < 1) throw new ConfigError('threads', `expected a positive integer, got ${n}`);
  if (pool && pool.workers.length !== n - 1) {
    for (const w of pool.workers) void w.terminate();
    pool = null;
  }
  threads = n;
}

function shared(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(8, bytes));
}

function startPool(count: number): Pool {
  const control = new Int32Array(shared(CONTROL_SLOTS * 4));
  const p: Pool = {
    workers: [], ports: [], control,
    pa: new Float64Array(shared(0)), pb: new Float64Array(shared(0)), pc: new Float32Array(shared(0)), gen: 0,
  };
  for (let w = 1; w <= count; w++) {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(new URL('./gemmWorker.js', import.meta.url), {
      workerData: { control: control.buffer, port: port2 },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    p.workers.push(worker);
    p.ports.push(port1);
  }
  return p;
}

/** Grows the shared scratch to hold the packed operands and C; workers get the new buffers first. */
function reserve(p: Pool, aLen: number, bLen: number, cLen: number): void {
  if (p.pa.length >= aLen && p.pb.length >= bLen && p.pc.length >= cLen) return;
  if (p.pa.length < aLen) p.pa = new Float64Array(shared(8 * Math.max(aLen, 2 * p.pa.length)));
  if (p.pb.length < bLen) p.pb = new Float64Array(shared(8 * Math.max(bLen, 2 * p.pb.length)));
  if (p.pc.length < cLen) p.pc = new Float32Array(shared(4 * Math.max(cLen, 2 * p.pc.length)));
  p.gen++;
  for (const port of p.ports) {
    port.postMessage({ gen: p.gen, pa: p.pa.buffer, pb: p.pb.buffer, pc: p.pc.buffer });
  }
  Atomics.store(p.control, GEN, p.gen);
}

/** C = A B with C contiguous, on every thread when the product is large enough. */
export function gemm(args: CoreGemmArgs): void {
  const { m, n, k, batch, a, b, c } = args;
  const t = gemmThreads();
  const mPanels = Math.ceil(m / MR);
  const units = batch * mPanels;
  if (t === 1 || m * n * k * batch < parallelMin || units < 2) {
    gemmInline(args);
    return;
  }
  const p = pool ?? (pool = startPool(t - 1));
  const panels = Math.ceil(n / NR);
  const aPanel = MR * k, bBatch = panels * NR * k;
  reserve(p, units * aPanel, batch * bBatch, batch * m * n);
  const { pa, pb, pc, control } = p;
  for (let bi = 0; bi < batch; bi++) {
    const aOff = args.aOffsets[bi]!;
    for (let ip = 0; ip < mPanels; ip++) {
      const i0 = ip * MR;
      packA(a, aOff + i0 * args.aRowStride, args.aRowStride, args.aColStride, k, Math.min(MR, m - i0), pa, (bi * mPanels + ip) * aPanel);
    }
    packB(b, args.bOffsets[bi]!, args.bRowStride, args.bColStride, k, n, pb, bi * bBatch);
  }
  control[M] = m; control[N] = n; control[K] = k; control[UNITS] = units;
  Atomics.store(control, NEXT, 0);
  Atomics.store(control, PENDING, p.workers.length);
  Atomics.add(control, SEQ, 1);
  Atomics.notify(control, SEQ);
  runUnits(control, pa, pb, pc);
  for (let v = Atomics.load(control, PENDING); v !== 0; v = Atomics.load(control, PENDING)) Atomics.wait(control, PENDING, v);
  c.set(pc.subarray(0, batch * m * n));
}

/** Claims and runs chunks of the current job's units until none are left (on every thread). */
export function runUnits(control: Int32Array, pa: Float64Array, pb: Float64Array, pc: Float32Array): void {
  const m = control[M]!, n = control[N]!, k = control[K]!, units = control[UNITS]!;
  for (let u0 = Atomics.add(control, NEXT, CHUNK); u0 < units; u0 = Atomics.add(control, NEXT, CHUNK)) {
    gemmUnits(pa, pb, pc, m, n, k, u0, Math.min(units, u0 + CHUNK));
  }
}
