import type { GemmArgs } from '../backend.js';

/**
 * Batched matrix multiply for the JS backend.
 *
 * V8 does not vectorise, so the fastest form in plain JS is a register-blocked dot product: each
 * output tile of 4 x 4 keeps 16 accumulators in locals while both operands stream along k from
 * contiguous memory. Operands whose k axis is not contiguous are first packed (transposed) into a
 * scratch buffer: O(mk + kn) copying against O(mnk) arithmetic.
 */

let scratchA: Float32Array = new Float32Array(0);
let scratchB: Float32Array = new Float32Array(0);

function ensure(buf: Float32Array, size: number): Float32Array {
  return buf.length >= size ? buf : new Float32Array(Math.max(size, buf.length * 2));
}

export function gemm(args: GemmArgs): void {
  const { m, n, k, batch, a, b, c } = args;
  if (m === 0 || n === 0) return;
  if (k === 0) { c.fill(0, 0, batch * m * n); return; }
  for (let bi = 0; bi < batch; bi++) {
    // A as rows along k: element (i, p) at aData[aOff + i * lda + p]
    let aData: Float32Array = a, aOff = args.aOffsets[bi]!, lda = args.aRowStride;
    if (args.aColStride !== 1) {
      scratchA = ensure(scratchA, m * k);
      const rs = args.aRowStride, cs = args.aColStride;
      for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) scratchA[i * k + p] = a[aOff + i * rs + p * cs]!;
      aData = scratchA; aOff = 0; lda = k;
    }
    // B as columns along k: element (p, j) at bData[bOff + j * ldb + p]
    let bData: Float32Array = b, bOff = args.bOffsets[bi]!, ldb = args.bColStride;
    if (args.bRowStride !== 1) {
      scratchB = ensure(scratchB, n * k);
      const rs = args.bRowStride, cs = args.bColStride;
      for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) scratchB[j * k + p] = b[bOff + p * rs + j * cs]!;
      bData = scratchB; bOff = 0; ldb = k;
    }
    dotTiles(m, n, k, aData, aOff, lda, bData, bOff, ldb, c, bi * m * n);
  }
}

function dotTiles(
  m: number, n: number, k: number,
  a: Float32Array, aOff: number, lda: number,
  b: Float32Array, bOff: number, ldb: number,
  c: Float32Array, cOff: number,
): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    const c0 = cOff + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
    for (let j = 0; j < n4; j += 4) {
      const b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
        const y0 = b[b0 + p]!, y1 = b[b1 + p]!, y2 = b[b2 + p]!, y3 = b[b3 + p]!;
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      c[c0 + j] = s00; c[c0 + j + 1] = s01; c[c0 + j + 2] = s02; c[c0 + j + 3] = s03;
      c[c1 + j] = s10; c[c1 + j + 1] = s11; c[c1 + j + 2] = s12; c[c1 + j + 3] = s13;
      c[c2 + j] = s20; c[c2 + j + 1] = s21; c[c2 + j + 2] = s22; c[c2 + j + 3] = s23;
      c[c3 + j] = s30; c[c3 + j + 1] = s31; c[c3 + j + 2] = s32; c[c3 + j + 3] = s33;
    }
    for (let j = n4; j < n; j++) {
      const b0 = bOff + j * ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[b0 + p]!;
        s0 += a[a0 + p]! * y; s1 += a[a1 + p]! * y; s2 += a[a2 + p]! * y; s3 += a[a3 + p]! * y;
      }
      c[c0 + j] = s0; c[c1 + j] = s1; c[c2 + j] = s2; c[c3 + j] = s3;
    }
  }
  for (let i = m4; i < m; i++) {
    const a0 = aOff + i * lda;
    const c0 = cOff + i * n;
    for (let j = 0; j < n4; j += 4) {
      const b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const x = a[a0 + p]!;
        s0 += x * b[b0 + p]!; s1 += x * b[b1 + p]!; s2 += x * b[b2 + p]!; s3 += x * b[b3 + p]!;
      }
      c[c0 + j] = s0; c[c0 + j + 1] = s1; c[c0 + j + 2] = s2; c[c0 + j + 3] = s3;
    }
    for (let j = n4; j < n; j++) {
      const b0 = bOff + j * ldb;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[a0 + p]! * b[b0 + p]!;
      c[c0 + j] = s;
    }
  }
}
