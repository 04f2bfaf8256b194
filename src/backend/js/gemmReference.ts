/**
 * The plain gemm the fast one (gemm.ts, gemmPool.ts, epilogue.ts) is tested against: a triple loop
 * over the whole GemmArgs contract. Each output is the float64 sum over p = 0..k-1 in order (products
 * of two float32 values are exact in float64), rounded once, then alpha, beta and bias in float32 in
 * the epilogue's order, so the fast path must match it bit for bit.
 */
import type { GemmArgs } from '../backend.js';

export function gemmReference(args: GemmArgs): void {
  const { m, n, k, batch, a, b, c } = args;
  const ldc = args.ldc ?? n;
  const alpha = Math.fround(args.alpha ?? 1), beta = Math.fround(args.beta ?? 0);
  const bias = args.bias ?? null;
  for (let bi = 0; bi < batch; bi++) {
    const aOff = args.aOffsets[bi]!, bOff = args.bOffsets[bi]!;
    const cOff = args.cOffsets ? args.cOffsets[bi]! : bi * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          s += a[aOff + i * args.aRowStride + p * args.aColStride]! * b[bOff + p * args.bRowStride + j * args.bColStride]!;
        }
        let v = Math.fround(s);
        if (alpha !== 1) v = Math.fround(v * alpha);
        if (beta !== 0) v = Math.fround(v + Math.fround(beta * c[cOff + i * ldc + j]!));
        c[cOff + i * ldc + j] = bias ? v + bias[j]! : v;
      }
    }
  }
}
