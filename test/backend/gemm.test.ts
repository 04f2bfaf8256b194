/**
 * The register-blocked gemm kernel against a naive triple loop, over every operand layout; the whole
 * fast path (threads, epilogue) bit for bit against gemmReference.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from '../helpers/fc.js';
import { jsBackend as B, type GemmArgs } from '../../src/backend/index.js';
import { gemmReference } from '../../src/backend/js/gemmReference.js';
import { gemmThreads, setGemmThreads } from '../../src/backend/js/gemmPool.js';
import { assertNear, assertSameValues, floats, randInt, rng, seedArb, type Rng } from './reference.js';

/** How a rows x cols matrix sits in memory: its row and column strides. */
type MatrixLayout =
  | 'rowMajor' | 'colMajor' | 'paddedRows' | 'paddedCols' | 'strided' | 'repeatRows' | 'repeatCols' | 'repeatRowsStrided' | 'repeatColsStrided';
const matrixLayouts: readonly MatrixLayout[] = [
  'rowMajor', 'colMajor', 'paddedRows', 'paddedCols', 'strided', 'repeatRows', 'repeatCols', 'repeatRowsStrided', 'repeatColsStrided',
];

function strides(kind: MatrixLayout, rows: number, cols: number): [number, number] {
  switch (kind) {
    case 'rowMajor': return [cols, 1];
    case 'colMajor': return [1, rows];
    case 'paddedRows': return [cols + 3, 1]; // a slice of a wider matrix
    case 'paddedCols': return [1, rows + 2]; // the transpose of a slice
    case 'strided': return [2 * cols + 1, 2]; // neither stride is 1 (x[:, ::2])
    case 'repeatRows': return [0, 1]; // an expanded row (stride 0)
    case 'repeatCols': return [1, 0];
    case 'repeatRowsStrided': return [0, 3]; // an expanded strided row
    case 'repeatColsStrided': return [2, 0];
  }
}

interface Operand {
  data: Float32Array;
  offsets: number[];
  rowStride: number;
  colStride: number;
}

/**
 * `batch` matrices of rows x cols, drawn from `distinct` slabs of one buffer: batches may share a
 * slab (a broadcast batch dim) and slabs start at arbitrary offsets.
 */
function operand(kind: MatrixLayout, rows: number, cols: number, batch: number, r: Rng): Operand {
  const [rs, cs] = strides(kind, rows, cols);
  const extent = rows > 0 && cols > 0 ? (rows - 1) * rs + (cols - 1) * cs + 1 : 1;
  const distinct = randInt(r, 1, Math.max(1, batch));
  const gap = randInt(r, 0, 3);
  const base = randInt(r, 0, 5);
  const data = floats(base + distinct * (extent + gap) + randInt(r, 0, 3), r, -2, 2);
  const offsets: number[] = [];
  for (let b = 0; b < batch; b++) offsets.push(base + randInt(r, 0, distinct - 1) * (extent + gap));
  return { data, offsets, rowStride: rs, colStride: cs };
}

function naive(m: number, n: number, k: number, batch: number, a: Operand, b: Operand): number[] {
  const c: number[] = [];
  for (let bi = 0; bi < batch; bi++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          s += a.data[a.offsets[bi]! + i * a.rowStride + p * a.colStride]! * b.data[b.offsets[bi]! + p * b.rowStride + j * b.colStride]!;
        }
        c.push(s);
      }
    }
  }
  return c;
}

function run(m: number, n: number, k: number, batch: number, a: Operand, b: Operand): Float32Array {
  const c = new Float32Array(batch * m * n).fill(NaN);
  B.gemm({
    m, n, k, batch,
    a: a.data, aOffsets: a.offsets, aRowStride: a.rowStride, aColStride: a.colStride,
    b: b.data, bOffsets: b.offsets, bRowStride: b.rowStride, bColStride: b.colStride,
    c,
  });
  return c;
}

// sizes around the 4 x 4 tile: 0, 1, remainders 1..3, whole tiles and more
const dimArb = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(0, 4, 8, 12, 13, 17));

describe('gemm kernel', () => {
  for (const ka of matrixLayouts) {
    for (const kb of matrixLayouts) {
      test(`A ${ka}, B ${kb}`, () => {
        fc.assert(fc.property(dimArb, dimArb, dimArb, fc.integer({ min: 1, max: 3 }), seedArb, (m, n, k, batch, seed) => {
          const r = rng(seed);
          const a = operand(ka, m, k, batch, r);
          const b = operand(kb, k, n, batch, r);
          const c = run(m, n, k, batch, a, b);
          assertNear(c, naive(m, n, k, batch, a, b), 1e-6, 1e-6, `gemm m=${m} n=${n} k=${k} batch=${batch}`);
        }), { numRuns: 8 });
      });
    }
  }

  test('k = 0 writes zeros into all of C', () => {
    const r = rng(1);
    const a = operand('rowMajor', 3, 0, 2, r);
    const b = operand('rowMajor', 0, 5, 2, r);
    const c = run(3, 5, 0, 2, a, b);
    assert.ok(c.every((v) => v === 0));
  });

  test('m = 0 or n = 0 leaves C (which is empty) alone without reading A or B', () => {
    const c = new Float32Array(0);
    B.gemm({ m: 0, n: 5, k: 3, batch: 2, a: new Float32Array(0), aOffsets: [0, 0], aRowStride: 3, aColStride: 1, b: new Float32Array(15), bOffsets: [0, 0], bRowStride: 5, bColStride: 1, c });
    B.gemm({ m: 4, n: 0, k: 3, batch: 2, a: new Float32Array(12), aOffsets: [0, 0], aRowStride: 3, aColStride: 1, b: new Float32Array(0), bOffsets: [0, 0], bRowStride: 0, bColStride: 1, c });
    assert.equal(c.length, 0);
  });

  test('a large product after a small one (scratch buffers grow) and a small one after it', () => {
    for (const [m, n, k] of [[2, 3, 2], [33, 21, 37], [5, 3, 2]] as const) {
      const r = rng(m * 1000 + n * 10 + k);
      const a = operand('colMajor', m, k, 2, r);
      const b = operand('paddedCols', k, n, 2, r);
      assertNear(run(m, n, k, 2, a, b), naive(m, n, k, 2, a, b), 1e-6, 1e-6, `${m}x${k} @ ${k}x${n}`);
    }
  });

  test('a known 2 x 3 @ 3 x 2 product', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([7, 8, 9, 10, 11, 12]);
    const c = new Float32Array(4);
    B.gemm({ m: 2, n: 2, k: 3, batch: 1, a, aOffsets: [0], aRowStride: 3, aColStride: 1, b, bOffsets: [0], bRowStride: 2, bColStride: 1, c });
    assert.deepEqual([...c], [58, 64, 139, 154]);
  });
});

/** A full GemmArgs call: random layouts, and (when `epilogue`) alpha, beta, bias and a placed C. */
function contractCase(m: number, n: number, k: number, batch: number, epilogue: boolean, r: Rng): { args: GemmArgs; c0: Float32Array } {
  const a = operand(matrixLayouts[randInt(r, 0, matrixLayouts.length - 1)]!, m, k, batch, r);
  const b = operand(matrixLayouts[randInt(r, 0, matrixLayouts.length - 1)]!, k, n, batch, r);
  const placed = epilogue && r() < 0.5;
  const ldc = placed ? n + randInt(r, 0, 3) : n;
  const cOffsets = Array.from({ length: batch }, (_, bi) => bi * (m * ldc + 2) + 1);
  const c0 = floats(placed ? batch * (m * ldc + 2) + 1 : batch * m * n, r);
  const args: GemmArgs = {
    m, n, k, batch,
    a: a.data, aOffsets: a.offsets, aRowStride: a.rowStride, aColStride: a.colStride,
    b: b.data, bOffsets: b.offsets, bRowStride: b.rowStride, bColStride: b.colStride,
    c: c0,
  };
  if (placed) { args.cOffsets = cOffsets; args.ldc = ldc; }
  if (epilogue) {
    const pick = randInt(r, 0, 3);
    if (pick & 1) args.alpha = [0.5, -1.25, 3][randInt(r, 0, 2)]!;
    if (pick & 2) args.beta = [1, 0.75, -2][randInt(r, 0, 2)]!;
    if (r() < 0.5) args.bias = floats(n, r);
  }
  return { args, c0 };
}

/** C after the call, from the same starting C. */
function call(fn: (args: GemmArgs) => void, args: GemmArgs, c0: Float32Array): Float32Array {
  const c = c0.slice();
  fn({ ...args, c });
  return c;
}

// around the 3 x 4 tile, and 1s (a row or column vector)
const sizeArb = fc.oneof(fc.integer({ min: 1, max: 14 }), fc.constantFrom(1, 3, 4, 12, 31, 40));

describe('gemm fast path against gemmReference, bit for bit', () => {
  const threadsBefore = gemmThreads();
  for (const threads of [1, 2]) {
    test(`${threads} thread(s), splitting every product: layouts, batches, alpha, beta, bias, placed C, k = 0`, () => {
      setGemmThreads(threads, 0);
      try {
        fc.assert(fc.property(
          sizeArb, sizeArb, fc.oneof(sizeArb, fc.constant(0)), fc.integer({ min: 1, max: 4 }), fc.boolean(), seedArb,
          (m, n, k, batch, epilogue, seed) => {
            const { args, c0 } = contractCase(m, n, k, batch, epilogue, rng(seed));
            assertSameValues(call(B.gemm, args, c0), call(gemmReference, args, c0), `m=${m} n=${n} k=${k} batch=${batch}`);
          },
        ), { numRuns: 150 });
      } finally {
        setGemmThreads(threadsBefore);
      }
    });
  }

  test('1 and 2 threads give identical bits on products above the default split size', () => {
    const r = rng(7);
    for (const [m, n, k, batch] of [[97, 70, 129, 1], [64, 33, 77, 3], [200, 5, 300, 1], [2, 300, 500, 1]] as const) {
      const { args, c0 } = contractCase(m, n, k, batch, true, r);
      try {
        setGemmThreads(1);
        const one = call(B.gemm, args, c0);
        setGemmThreads(2);
        const two = call(B.gemm, args, c0);
        assertSameValues(two, one, `m=${m} n=${n} k=${k} batch=${batch}`);
        assertSameValues(one, call(gemmReference, args, c0), `reference m=${m} n=${n} k=${k}`);
      } finally {
        setGemmThreads(threadsBefore);
      }
    }
  });

  test('a thread count that is not a positive integer is refused', () => {
    assert.throws(() => setGemmThreads(0), /positive integer/);
    assert.throws(() => setGemmThreads(1.5), /positive integer/);
  });
});
