import type { GemmArgs } from '../backend.js';

/**
 * Batched matrix multiply for the JS backend.
 *
 * V8 does not vectorise, so the fastest form in plain JS is a register-blocked outer product: a
 * 3 x 4 tile of C keeps 12 accumulators in locals while, for each step along k, 3 values of A and 4
 * of B are loaded from packed panels (contiguous, so each tile's inner loop walks two arrays with
 * one stride each). Both operands are packed whatever their strides: O(mk + kn) copying against
 * O(mnk) arithmetic. The panels are Float64Array, which saves a float32 -> float64 conversion per
 * load; every output is the float64 sum over all of k rounded once, as the naive loop would.
 *
 * Measured in node 20 against the previous 4 x 4 dot-product kernel on the training shapes
 * (bench/js_gemm.mjs): 3 x 4 beat 4 x 4, 4 x 8, 8 x 4, 2 x 4 and 2 x 8 tiles, Float64 beat Float32
 * panels, and neither unrolling k nor blocking it helped.
 */

export const MR = 3;
export const NR = 4;

let packedA: Float64Array = new Float64Array(0);
let packedB: Float64Array = new Float64Array(0);

function grow(buf: Float64Array, size: number): Float64Array {
  return buf.length >= size ? buf : new Float64Array(Math.max(size, buf.length * 2));
}

/** The core product C = A B with C contiguous ([batch, m, n]). */
export type CoreGemmArgs = Omit<GemmArgs, 'cOffsets' | 'ldc' | 'alpha' | 'beta' | 'bias'>;

/** On this thread, packing one A panel at a time (it stays in L1) and B once per batch. */
export function gemm(args: CoreGemmArgs): void {
  const { m, n, k, batch, a, b, c } = args;
  if (m === 0 || n === 0) return;
  if (k === 0) { c.fill(0, 0, batch * m * n); return; }
  const panels = Math.ceil(n / NR);
  packedB = grow(packedB, panels * NR * k);
  packedA = grow(packedA, MR * k);
  for (let bi = 0; bi < batch; bi++) {
    packB(b, args.bOffsets[bi]!, args.bRowStride, args.bColStride, k, n, packedB);
    const aOff = args.aOffsets[bi]!, cOff = bi * m * n;
    for (let i0 = 0; i0 < m; i0 += MR) {
      const rows = Math.min(MR, m - i0);
      packA(a, aOff + i0 * args.aRowStride, args.aRowStride, args.aColStride, k, rows, packedA);
      for (let jp = 0; jp < panels; jp++) {
        tile(k, packedA, 0, packedB, jp * NR * k, c, cOff + i0 * n + jp * NR, n, rows, Math.min(NR, n - jp * NR));
      }
    }
  }
}

/** B (k x n, any strides) -> panels of NR columns: B(p, jp*NR + j) at dOff + (jp*k + p)*NR + j, zero past n. */
export function packB(b: Float32Array, off: number, rs: number, cs: number, k: number, n: number, dst: Float64Array, dOff = 0): void {
  for (let j0 = 0, d = dOff; j0 < n; j0 += NR) {
    for (let p = 0; p < k; p++) {
      const src = off + p * rs + j0 * cs;
      for (let j = 0; j < NR; j++, d++) dst[d] = j0 + j < n ? b[src + j * cs]! : 0;
    }
  }
}

/** `rows` (<= MR) rows of A from `off` -> one panel: A(i, p) at dOff + p*MR + i, zero past `rows`. */
export function packA(a: Float32Array, off: number, rs: number, cs: number, k: number, rows: number, dst: Float64Array, dOff = 0): void {
  for (let p = 0, d = dOff; p < k; p++) {
    const src = off + p * cs;
    for (let i = 0; i < MR; i++, d++) dst[d] = i < rows ? a[src + i * rs]! : 0;
  }
}

/** C tile (rows x cols, at most MR x NR, row stride ldc) = A panel x B panel. */
export function tile(
  k: number, ap: Float64Array, aOff: number, bp: Float64Array, bOff: number,
  c: Float32Array, cOff: number, ldc: number, rows: number, cols: number,
): void {
  let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
  let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
  let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
  for (let p = 0, ai = aOff, bi = bOff; p < k; p++, ai += MR, bi += NR) {
    const x0 = ap[ai]!, x1 = ap[ai + 1]!, x2 = ap[ai + 2]!;
    const y0 = bp[bi]!, y1 = bp[bi + 1]!, y2 = bp[bi + 2]!, y3 = bp[bi + 3]!;
    s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
    s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
    s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
  }
  if (rows === MR && cols === NR) {
    const r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc;
    c[r0] = s00; c[r0 + 1] = s01; c[r0 + 2] = s02; c[r0 + 3] = s03;
    c[r1] = s10; c[r1 + 1] = s11; c[r1 + 2] = s12; c[r1 + 3] = s13;
    c[r2] = s20; c[r2 + 1] = s21; c[r2 + 2] = s22; c[r2 + 3] = s23;
    return;
  }
  // an edge tile: store the rows x cols corner
  const sums = [s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) c[cOff + i * ldc + j] = sums[i * NR + j]!;
  }
}

/**
 * Row panels [u0, u1) of the whole product, numbered over batches (unit u is batch u / mPanels, panel
 * u % mPanels), from A and B packed whole: A panel u at u*MR*k, batch bi's B at bi*panels*NR*k. Each
 * tile is computed exactly as gemmInline computes it, so the split between threads cannot change a bit.
 */
export function gemmUnits(
  pa: Float64Array, pb: Float64Array, c: Float32Array, m: number, n: number, k: number, u0: number, u1: number,
): void {
  const mPanels = Math.ceil(m / MR), panels = Math.ceil(n / NR);
  for (let u = u0; u < u1; u++) {
    const bi = Math.floor(u / mPanels), i0 = (u - bi * mPanels) * MR;
    const rows = Math.min(MR, m - i0), bOff = bi * panels * NR * k, cOff = bi * m * n + i0 * n;
    for (let jp = 0; jp < panels; jp++) {
      tile(k, pa, u * MR * k, pb, bOff + jp * NR * k, c, cOff + jp * NR, n, rows, Math.min(NR, n - jp * NR));
    }
  }
}
