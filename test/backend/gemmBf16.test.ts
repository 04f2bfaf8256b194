/**
 * The native bf16 GEMM (gemmBf16) against a double-precision product of the same bf16 values, on
 * odd sizes around the AMX and AVX-512 blocks, transposed operands, batches, beta and bias; and the
 * kernel choice: "amx" exactly where the CPU reports AMX (and AVX512-BF16, the AVX-512 ISA and no
 * lower ANNEAL_BF16 cap), otherwise the fallback below it, so the file passes on any machine.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { nativeBackend, type NativeBackend } from '../../src/backend/index.js';
import { randInt, rng, type Rng } from './reference.js';

const found = nativeBackend();
const skip = found ? false : 'the native backend is not loaded';
const N = found as NativeBackend;

const levels = ['convert', 'avx512bf16', 'amx'] as const;

/** The kernel gemm.cpp should pick for this CPU, active ISA and cap. */
function expectedKernel(cpu: Record<string, boolean>, isa: string, cap: string | undefined): string {
  const level = cap === 'convert' ? 0 : cap === 'avx512bf16' ? 1 : 2;
  if (level >= 2 && isa === 'avx512' && cpu.amx && cpu.avx512bf16) return 'amx';
  if (level >= 1 && isa === 'avx512' && cpu.avx512bf16) return 'avx512bf16';
  return 'convert';
}

/** Random bf16 values in [-2, 2): float32 with the low 16 bits cleared, and their bit patterns. */
function bf16Values(r: Rng, length: number): { f: Float32Array; bits: Uint16Array } {
  const f = new Float32Array(length);
  const u = new Uint32Array(f.buffer);
  const bits = new Uint16Array(length);
  for (let i = 0; i < length; i++) {
    f[i] = r() * 4 - 2;
    bits[i] = u[i]! >>> 16;
    u[i] = bits[i]! << 16;
  }
  return { f, bits };
}

test('the bf16 kernel is amx exactly where the CPU has AMX, else the fallback', { skip }, () => {
  const info = N.addonInfo();
  assert.equal(info.bf16, expectedKernel(info.cpu, info.isa, process.env.ANNEAL_BF16));
  assert.equal(N.info().kernels?.bf16, info.bf16);
});

test('ANNEAL_BF16 caps the bf16 kernel at the level it names', { skip }, () => {
  const backend = new URL('../../src/backend/index.js', import.meta.url).href;
  const script = `import { nativeBackend } from ${JSON.stringify(backend)}; process.stdout.write(nativeBackend().addonInfo().bf16);`;
  const info = N.addonInfo();
  for (const cap of levels) {
    const got = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ANNEAL_BF16: cap },
      encoding: 'utf8',
    });
    assert.equal(got, expectedKernel(info.cpu, info.isa, cap), `ANNEAL_BF16=${cap}`);
  }
});

test('gemmBf16 matches a double-precision product of the bf16 inputs', { skip }, () => {
  const r = rng(20261202);
  const sizes = [1, 2, 15, 16, 17, 31, 32, 33, 63, 100, 257];
  for (let trial = 0; trial < 40; trial++) {
    const m = sizes[randInt(r, 0, sizes.length - 1)]!, n = sizes[randInt(r, 0, sizes.length - 1)]!;
    let k = sizes[randInt(r, 0, sizes.length - 1)]!;
    if (m * n * k > 3e6) k = 17;
    const batch = randInt(r, 1, 3);
    const aT = r() < 0.5, bT = r() < 0.5;  // stored transposed: A as k x m, B as n x k
    const beta = r() < 0.5 ? 0 : 0.5, alpha = r() < 0.25 ? -0.5 : 1;
    const A = bf16Values(r, batch * m * k), Bv = bf16Values(r, batch * k * n);
    const bias = r() < 0.5 ? Float32Array.from({ length: n }, () => r() * 2 - 1) : null;
    const c0 = Float32Array.from({ length: batch * m * n }, () => r() * 2 - 1);
    const c = beta === 0 ? new Float32Array(batch * m * n).fill(NaN) : c0.slice();
    const aRowStride = aT ? 1 : k, aColStride = aT ? m : 1, bRowStride = bT ? 1 : n, bColStride = bT ? k : 1;
    const aOffsets = Array.from({ length: batch }, (_, b) => b * m * k), bOffsets = Array.from({ length: batch }, (_, b) => b * k * n);
    N.gemmBf16!({ m, n, k, batch, a: A.bits, aOffsets, aRowStride, aColStride, b: Bv.bits, bOffsets, bRowStride, bColStride, c, alpha, beta, bias });
    const what = `m=${m} n=${n} k=${k} batch=${batch} aT=${aT} bT=${bT} beta=${beta} bias=${bias !== null} (${N.addonInfo().bf16})`;
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0, mag = 0;
          for (let p = 0; p < k; p++) {
            const x = A.f[aOffsets[b]! + i * aRowStride + p * aColStride]! * Bv.f[bOffsets[b]! + p * bRowStride + j * bColStride]!;
            s += x;
            mag += Math.abs(x);
          }
          const at = b * m * n + i * n + j;
          let ref = alpha * s, scale = Math.abs(alpha) * mag;
          if (beta !== 0) (ref += beta * c0[at]!), (scale += Math.abs(beta * c0[at]!));
          if (bias) (ref += bias[j]!), (scale += Math.abs(bias[j]!));
          const tol = (k + 4) * 2 ** -23 * scale + 1e-30;
          if (!(Math.abs(c[at]! - ref) <= tol)) assert.fail(`${what}: C[${b}](${i},${j}) = ${c[at]}, want ${ref} within ${tol}`);
        }
  }
});
