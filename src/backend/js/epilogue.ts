/**
 * The parts of the gemm contract beyond a plain product (alpha, beta, bias, where C goes), applied
 * around the core kernel of gemm.ts, which writes C contiguously.
 */
import type { GemmArgs } from '../backend.js';
import { gemm as gemmCore } from './gemmPool.js';

let scratch = new Float32Array(0);

export function gemm(args: GemmArgs): void {
  const { m, n, k, batch, a, aOffsets, aRowStride, aColStride, b, bOffsets, bRowStride, bColStride, c } = args;
  const alpha = args.alpha ?? 1;
  const beta = args.beta ?? 0;
  const bias = args.bias ?? null;
  const ldc = args.ldc ?? n;
  const placed = args.cOffsets !== undefined || ldc !== n;
  const core = { m, n, k, batch, a, aOffsets, aRowStride, aColStride, b, bOffsets, bRowStride, bColStride };
  if (!placed && beta === 0) {
    gemmCore({ ...core, c });
    if (alpha !== 1) {
      const s = Math.fround(alpha);
      for (let i = 0, total = batch * m * n; i < total; i++) c[i] = c[i]! * s;
    }
    if (bias) {
      for (let row = 0, rows = batch * m; row < rows; row++) {
        const o = row * n;
        for (let j = 0; j < n; j++) c[o + j]! += bias[j]!;
      }
    }
    return;
  }
  const total = batch * m * n;
  if (scratch.length < total) scratch = new Float32Array(Math.max(total, 2 * scratch.length));
  gemmCore({ ...core, c: scratch });
  const s = Math.fround(alpha), bt = Math.fround(beta);
  for (let bi = 0; bi < batch; bi++) {
    const base = args.cOffsets ? args.cOffsets[bi]! : bi * m * n;
    for (let i = 0; i < m; i++) {
      const row = base + i * ldc, src = (bi * m + i) * n;
      for (let j = 0; j < n; j++) {
        let v = Math.fround(scratch[src + j]! * s);
        if (beta !== 0) v = Math.fround(v + Math.fround(bt * c[row + j]!));
        c[row + j] = bias ? v + bias[j]! : v;
      }
    }
  }
}
