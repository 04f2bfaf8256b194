/**
 * A gemm worker (see gemmPool.ts): waits for a job on the shared control block, claims chunks of
 * row panels from the shared packed operands into the shared C, and counts itself done.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { GEN, PENDING, runUnits, SEQ } from './gemmPool.js';

interface Buffers { gen: number; pa: SharedArrayBuffer; pb: SharedArrayBuffer; pc: SharedArrayBuffer }

const { control: controlBuffer, port } = workerData as { control: SharedArrayBuffer; port: MessagePort };
const control = new Int32Array(controlBuffer);
let gen = 0;
let pa: Float64Array = new Float64Array(0), pb: Float64Array = new Float64Array(0), pc: Float32Array = new Float32Array(0);
// the pool starts SEQ at 0: a job posted before this worker got here is still run
let seen = 0;

for (;;) {
  Atomics.wait(control, SEQ, seen);
  seen = Atomics.load(control, SEQ);
  // the caller posts grown buffers before it bumps SEQ, so they are already queued on the port
  const want = Atomics.load(control, GEN);
  while (gen !== want) {
    const msg = receiveMessageOnPort(port);
    if (msg === undefined) continue;
    const b = msg.message as Buffers;
    gen = b.gen;
    pa = new Float64Array(b.pa); pb = new Float64Array(b.pb); pc = new Float32Array(b.pc);
  }
  runUnits(control, pa, pb, pc);
  if (Atomics.sub(control, PENDING, 1) === 1) Atomics.notify(control, PENDING);
}
