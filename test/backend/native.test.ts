/**
 * Every native kernel against the TypeScript reference backend, on random shapes, strides and values
 * (odd sizes, size 1 and 0, transposed, padded, reversed and broadcast views, large values, NaN and
 * Inf), once for each instruction set this CPU has (the addon's setIsa). Elementwise float ops that
 * are one IEEE operation, the optimizers, dropout masks and data movement must match bit for bit;
 * transcendental functions within a few float32 ulps.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from '../helpers/fc.js';
import { jsBackend as J, nativeBackend, type Backend, type BinaryOp, type NativeBackend, type Storage, type Strided, type UnaryOp } from '../../src/backend/index.js';
import {
  assertNear, assertSameValues, bools, contiguous, distinctLayoutKinds, floats, ints, layoutKinds, numel, randInt, rng, seedArb, shapeArb, view,
  type LayoutKind, type Rng,
} from './reference.js';

const found = nativeBackend();
const required = process.env.ANNEAL_BACKEND !== 'js';

test('the native backend loads (set ANNEAL_BACKEND=js to run the suite without it)', { skip: !required && !found ? 'ANNEAL_BACKEND=js' : false }, () => {
  assert.ok(found, 'native/build/Release/anneal.node did not load: see the install output of npm ci');
});

const N = found as NativeBackend;
const cpu = found ? found.addonInfo().cpu : {};
const isas = found ? (['portable', 'avx2', 'avx512'] as const).filter((i) => i === 'portable' || cpu[i]) : [];

/** Max |a - e| in float32 ulps of e, for a whole array; NaN must meet NaN and infinities match. */
function assertUlps(actual: Float32Array, expected: Float32Array, ulps: number, atol: number, message: string): void {
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) && Number.isNaN(a)) continue;
      assert.fail(`${message}: element ${i} is ${a}, expected ${e}`);
    }
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a === e) continue;
      assert.fail(`${message}: element ${i} is ${a}, expected ${e}`);
    }
    const ulp = Math.max(2 ** (Math.floor(Math.log2(Math.max(Math.abs(e), 1.1754943508222875e-38))) - 23), 1.401298464324817e-45);
    if (Math.abs(a - e) > ulps * ulp + atol) assert.fail(`${message}: element ${i} is ${a}, expected ${e} (${Math.abs(a - e) / ulp} ulp)`);
  }
}

const unaryUlps: Record<UnaryOp, [number, number]> = {
  neg: [0, 0], abs: [0, 0], sqrt: [0, 0], square: [0, 0], reciprocal: [0, 0], relu: [0, 0], sign: [0, 0],
  rsqrt: [1, 0], sin: [1, 0], cos: [1, 0], exp: [3, 0], log: [3, 0], tanh: [3, 0], sigmoid: [3, 1e-38], erf: [3, 0],
  // GELU's lower tail is a product of three rounded factors; geluTanh passes tanh's error through 0.5 x
  gelu: [6, 1e-38], geluTanh: [6, 1e-7],
};

function each(name: string, body: (isa: string, r: Rng) => void, runs = 12): void {
  for (const isa of isas) {
    test(`${name} (${isa})`, () => {
      N.setIsa(isa);
      try {
        fc.assert(fc.property(seedArb, (seed) => body(isa, rng(seed))), { numRuns: runs });
      } finally {
        N.setIsa('avx512');
      }
    });
  }
}

/** Runs the same kernel on both backends over copies of the same inputs; returns both outputs. */
function twice<T extends Storage[]>(make: () => T, run: (b: Backend, bufs: T) => void): [T, T] {
  const a = make(), b = make().map((x) => x.slice()) as unknown as T;
  for (let i = 0; i < a.length; i++) b[i]!.set(a[i]! as never);
  run(J, a);
  run(N, b);
  return [a, b];
}

function sizeOf(r: Rng): number {
  // odd sizes around the vector widths, size 1 and 0, and now and then a large one that splits over threads
  const pick = r();
  if (pick < 0.1) return randInt(r, 0, 1);
  if (pick < 0.85) return randInt(r, 2, 70);
  return randInt(r, 40000, 70000);
}

describe('native elementwise kernels', { skip: !found }, () => {
  for (const op of Object.keys(unaryUlps) as UnaryOp[]) {
    each(`unary ${op} matches the JS kernel (specials included)`, (_isa, r) => {
      const n = sizeOf(r);
      const x = floats(n, r, -12, 12, true);
      if (r() < 0.3) for (let i = 0; i < n; i++) x[i] = x[i]! * 1e6;
      const [ja, na] = twice(() => [x, new Float32Array(n)], (b, [xs, out]) => b.unary(op, xs as Float32Array, out as Float32Array));
      const [u, atol] = unaryUlps[op];
      assertUlps(na[1] as Float32Array, ja[1] as Float32Array, u, atol, op);
    });

    each(`unaryBackward ${op} matches the JS kernel`, (_isa, r) => {
      const n = sizeOf(r);
      const x = floats(n, r, op === 'log' || op === 'sqrt' || op === 'rsqrt' || op === 'reciprocal' ? 0.1 : -6, 6);
      const gy = floats(n, r, -2, 2);
      const y = new Float32Array(n);
      J.unary(op, x, y);
      const [ja, na] = twice(() => [x, y, gy, new Float32Array(n)], (b, [xs, ys, g, gx]) => b.unaryBackward(op, xs as Float32Array, ys as Float32Array, g as Float32Array, gx as Float32Array));
      assertNear(na[3]!, ja[3]!, 2e-6, 2e-6, `${op} backward`);
    }, 8);
  }

  for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow'] as BinaryOp[]) {
    each(`binary ${op} over random layouts (broadcast, transposed, padded, reversed) is bit-identical`, (_isa, r) => {
      const shape = fc.sample(shapeArb(4, 6), { numRuns: 1, seed: randInt(r, 0, 1e9) })[0]!;
      if (r() < 0.2 && shape.length > 0) shape[shape.length - 1] = randInt(r, 17, 300);
      const ka = layoutKinds[randInt(r, 0, layoutKinds.length - 1)]!, kb = layoutKinds[randInt(r, 0, layoutKinds.length - 1)]!;
      const a = view(shape, ka, r, (n) => floats(n, r, -3, 3, true));
      const b = view(shape, kb, r, (n) => (op === 'pow' ? floats(n, r, -3, 3) : floats(n, r, -3, 3, true)));
      const outJ = new Float32Array(numel(shape)), outN = new Float32Array(numel(shape)).fill(7);
      J.binary(op, a, b, outJ, shape);
      N.binary(op, a, b, outN, shape);
      if (op === 'pow') assertUlps(outN, outJ, 1, 0, op);
      else assertSameValues(outN, outJ, `${op} ${ka}/${kb} [${shape}]`);
    });
  }

  each('binary add writes in place into its first operand (gradient accumulation)', (_isa, r) => {
    const n = sizeOf(r);
    const acc = floats(n, r), add = floats(n, r);
    const expected = new Float32Array(n);
    J.binary('add', { data: acc, offset: 0, strides: [1] }, { data: add, offset: 0, strides: [1] }, expected, [n]);
    N.binary('add', { data: acc, offset: 0, strides: [1] }, { data: add, offset: 0, strides: [1] }, acc, [n]);
    assertSameValues(acc, expected, 'in place');
  });

  each('compare and where on every dtype and layout', (_isa, r) => {
    const shape = fc.sample(shapeArb(3, 5), { numRuns: 1, seed: randInt(r, 0, 1e9) })[0]!;
    const k = (): LayoutKind => layoutKinds[randInt(r, 0, layoutKinds.length - 1)]!;
    const gen: ((n: number) => Storage)[] = [(n) => floats(n, r, -2, 2, true), (n) => ints(n, r, -3, 3), (n) => bools(n, r)];
    const dt = randInt(r, 0, 2);
    const a = view(shape, k(), r, gen[dt]!), b = view(shape, k(), r, gen[dt]!), c = view(shape, k(), r, gen[randInt(r, 0, 2)]!);
    for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
      const oj = new Uint8Array(numel(shape)), on = new Uint8Array(numel(shape));
      J.compare(op, a, b, oj, shape);
      N.compare(op, a, b, on, shape);
      assertSameValues(on, oj, op);
    }
    const make = () => (dt === 0 ? new Float32Array(numel(shape)) : dt === 1 ? new Int32Array(numel(shape)) : new Uint8Array(numel(shape)));
    const wj = make(), wn = make();
    J.where(c, a, b, wj, shape);
    N.where(c, a, b, wn, shape);
    assertSameValues(wn, wj, 'where');
  }, 20);

  each('copy between random distinct layouts, every dtype, and accumulate into a strided region', (_isa, r) => {
    const shape = fc.sample(shapeArb(4, 6), { numRuns: 1, seed: randInt(r, 0, 1e9) })[0]!;
    const src = view(shape, layoutKinds[randInt(r, 0, layoutKinds.length - 1)]!, r, (n) => (r() < 0.5 ? floats(n, r, -5, 5, true) : ints(n, r, -9, 9)));
    const kd = distinctLayoutKinds[randInt(r, 0, distinctLayoutKinds.length - 1)]!;
    const dst = view(shape, kd, r, (n) => (src.data instanceof Float32Array ? floats(n, r) : ints(n, r, 0, 1)));
    const dj = { ...dst, data: dst.data.slice() }, dn = { ...dst, data: dst.data.slice() };
    J.copy(src, dj, shape);
    N.copy(src, dn, shape);
    assertSameValues(dn.data, dj.data, 'copy');
    if (src.data instanceof Float32Array) {
      const aj = { ...dst, data: (dst.data as Float32Array).slice() }, an = { ...dst, data: (dst.data as Float32Array).slice() };
      J.accumulate(aj as Strided<Float32Array>, src as Strided<Float32Array>, shape);
      N.accumulate(an as Strided<Float32Array>, src as Strided<Float32Array>, shape);
      assertSameValues(an.data, aj.data, 'accumulate');
    }
  }, 20);

  each('cast between every pair of dtypes, huge and non-finite floats included', (_isa, r) => {
    const n = sizeOf(r);
    const sources: Storage[] = [floats(n, r, -3e9, 3e9, true), ints(n, r, -2147483648, 2147483647), bools(n, r), floats(n, r, -3e38, 3e38)];
    for (const s of sources) {
      for (const make of [(k: number) => new Float32Array(k), (k: number) => new Int32Array(k), (k: number) => new Uint8Array(k)]) {
        const oj = make(n), on = make(n);
        J.cast(s, oj);
        N.cast(s, on);
        assertSameValues(on, oj, `cast ${s.constructor.name} -> ${oj.constructor.name}`);
      }
    }
  }, 8);

  each('clamp and its backward, bounds in either order', (_isa, r) => {
    const n = sizeOf(r);
    const x = floats(n, r, -4, 4, true), gy = floats(n, r);
    const lo = r() < 0.2 ? -Infinity : -1 + 2 * r(), hi = r() < 0.2 ? Infinity : -1 + 2 * r();
    const [ja, na] = twice(() => [x, new Float32Array(n)], (b, [xs, out]) => b.clamp(xs as Float32Array, lo, hi, out as Float32Array));
    assertSameValues(na[1]!, ja[1]!, 'clamp');
    const [jb, nb] = twice(() => [x, gy, new Float32Array(n)], (b, [xs, g, gx]) => b.clampBackward(xs as Float32Array, lo, hi, g as Float32Array, gx as Float32Array));
    assertSameValues(nb[2]!, jb[2]!, 'clampBackward');
  });
});

function dims3(r: Rng): [number, number, number] {
  const big = r() < 0.15;
  return [randInt(r, 1, big ? 40 : 5), randInt(r, 1, big ? 600 : 70), r() < 0.6 ? 1 : randInt(r, 1, 9)];
}

describe('native reductions and row kernels', { skip: !found }, () => {
  each('sum over the middle axis (inner 1 and > 1) and max with first-maximum indices', (_isa, r) => {
    const [outer, n, inner] = dims3(r);
    const x = floats(outer * n * inner, r, -3, 3, r() < 0.3);
    const sj = new Float32Array(outer * inner), sn = new Float32Array(outer * inner);
    J.sum(x, outer, n, inner, sj);
    N.sum(x, outer, n, inner, sn);
    assertNear(sn, sj, 1e-5, 1e-5, 'sum');
    const vj = new Float32Array(outer * inner), vn = new Float32Array(outer * inner), ij = new Int32Array(outer * inner), inn = new Int32Array(outer * inner);
    J.max(x, outer, n, inner, vj, ij);
    N.max(x, outer, n, inner, vn, inn);
    assertSameValues(vn, vj, 'max values');
    assertSameValues(inn, ij, 'max indices');
  });

  each('softmax and log-softmax with their backwards, masked (-inf) entries included', (_isa, r) => {
    const [outer, n, inner] = dims3(r);
    const size = outer * n * inner;
    const x = floats(size, r, -8, 8);
    for (let i = 0; i < size; i++) if (r() < 0.1) x[i] = -Infinity;
    const gy = floats(size, r);
    for (const log of [false, true]) {
      const yj = new Float32Array(size), yn = new Float32Array(size);
      (log ? J.logSoftmax : J.softmax)(x, outer, n, inner, yj);
      (log ? N.logSoftmax : N.softmax)(x, outer, n, inner, yn);
      // a float32 log-sum-exp (float exps) is good to about 1e-7 absolute, which log-softmax passes on
      assertNear(yn, yj, 3e-6, log ? 2e-6 : 1e-7, log ? 'logSoftmax' : 'softmax');
      const y = log ? yj.map((v) => (v === -Infinity ? -1e30 : v)) : yj;
      const gj = new Float32Array(size), gn = new Float32Array(size);
      (log ? J.logSoftmaxBackward : J.softmaxBackward)(y, gy, outer, n, inner, gj);
      (log ? N.logSoftmaxBackward : N.softmaxBackward)(y, gy, outer, n, inner, gn);
      assertNear(gn, gj, 1e-5, 1e-6, log ? 'logSoftmaxBackward' : 'softmaxBackward');
    }
  });

  each('layer norm forward and backward, with and without weight and bias', (_isa, r) => {
    const rows = randInt(r, 1, r() < 0.2 ? 400 : 9), cols = randInt(r, 1, 300);
    const x = floats(rows * cols, r, -5, 5), gy = floats(rows * cols, r);
    const w = r() < 0.7 ? floats(cols, r, 0.5, 1.5) : null, b = r() < 0.7 ? floats(cols, r) : null;
    const run = (B: Backend) => {
      const out = new Float32Array(rows * cols), mean = new Float32Array(rows), rstd = new Float32Array(rows);
      B.layerNorm(x, w, b, rows, cols, 1e-5, out, mean, rstd);
      const gx = new Float32Array(rows * cols), gw = w ? new Float32Array(cols) : null, gb = b ? new Float32Array(cols) : null;
      B.layerNormBackward(x, w, mean, rstd, gy, rows, cols, gx, gw, gb);
      return { out, mean, rstd, gx, gw, gb };
    };
    const j = run(J), n = run(N);
    assertNear(n.out, j.out, 1e-5, 2e-6, 'out');
    assertNear(n.mean, j.mean, 1e-5, 1e-6, 'mean');
    assertNear(n.rstd, j.rstd, 1e-5, 1e-6, 'rstd');
    assertNear(n.gx, j.gx, 1e-4, 2e-5, 'gx');
    if (w) assertNear(n.gw!, j.gw!, 1e-4, 1e-4, 'gw');
    if (b) assertNear(n.gb!, j.gb!, 1e-5, 1e-4, 'gb');
  });

  each('cross-entropy forward and backward with label smoothing and ignored rows', (_isa, r) => {
    const rows = randInt(r, 1, r() < 0.2 ? 500 : 20), classes = randInt(r, 1, 300);
    const z = floats(rows * classes, r, -10, 10);
    const t = ints(rows, r, 0, classes - 1);
    for (let i = 0; i < rows; i++) if (r() < 0.2) t[i] = -100;
    const eps = r() < 0.5 ? 0 : 0.1;
    const base = eps / classes, extra = 1 - eps;
    const g = floats(rows, r, 0.1, 2);
    const run = (B: Backend) => {
      const losses = new Float32Array(rows), lse = new Float32Array(rows), gx = new Float32Array(rows * classes);
      B.crossEntropy(z, t, rows, classes, -100, base, extra, losses, lse);
      B.crossEntropyBackward(z, t, lse, g, rows, classes, -100, base, extra, gx);
      return { losses, lse, gx };
    };
    const j = run(J), n = run(N);
    assertNear(n.losses, j.losses, 2e-6, 2e-6, 'losses');
    assertNear(n.lse, j.lse, 1e-6, 1e-6, 'lse');
    // gx = g (p - q): where p is near 1 both round p to float32 (ulp 6e-8) before subtracting, times g <= 2
    assertNear(n.gx, j.gx, 1e-5, 3e-7, 'gx');
  });

  each('indexSelect, indexAdd (repeated indices), gather and scatterAdd', (_isa, r) => {
    const [outer, n, inner] = [randInt(r, 1, 4), randInt(r, 1, 30), randInt(r, 1, r() < 0.2 ? 300 : 9)];
    const m = randInt(r, 1, 40);
    const src = floats(outer * n * inner, r);
    const index = ints(m, r, 0, n - 1);
    const oj = new Float32Array(outer * m * inner), on = new Float32Array(outer * m * inner);
    J.indexSelect(src, outer, n, inner, index, oj);
    N.indexSelect(src, outer, n, inner, index, on);
    assertSameValues(on, oj, 'indexSelect');
    const gy = floats(outer * m * inner, r);
    const aj = new Float32Array(outer * n * inner), an = new Float32Array(outer * n * inner);
    J.indexAdd(gy, outer, n, inner, index, aj);
    N.indexAdd(gy, outer, n, inner, index, an);
    assertSameValues(an, aj, 'indexAdd');
    const gi = ints(outer * m * inner, r, 0, n - 1);
    const gj = new Float32Array(outer * m * inner), gn = new Float32Array(outer * m * inner);
    J.gather(src, outer, n, inner, gi, m, gj);
    N.gather(src, outer, n, inner, gi, m, gn);
    assertSameValues(gn, gj, 'gather');
    const sj = new Float32Array(outer * n * inner), sn = new Float32Array(outer * n * inner);
    J.scatterAdd(gy, outer, n, inner, gi, m, sj);
    N.scatterAdd(gy, outer, n, inner, gi, m, sn);
    assertSameValues(sn, sj, 'scatterAdd');
  });
});

describe('native dropout, optimizers and norms', { skip: !found }, () => {
  each('dropout masks and the generator state after them are bit-identical, in bulk (jump-ahead) and small', (_isa, r) => {
    const n = r() < 0.5 ? randInt(r, 0, 300) : randInt(r, 16000, 200000);
    const p = [0.1, 0.5, 0.9, 1e-7, 0.999999][randInt(r, 0, 4)]!;
    const state = Uint32Array.from([randInt(r, 0, 2 ** 31), randInt(r, 0, 2 ** 31), randInt(r, 0, 2 ** 31), randInt(r, 1, 2 ** 31)]);
    const sj = state.slice(), sn = state.slice();
    const kj = new Uint8Array(n), kn = new Uint8Array(n);
    J.bernoulliMask(n, 1 - p, sj, kj);
    N.bernoulliMask(n, 1 - p, sn, kn);
    assertSameValues(kn, kj, 'mask');
    assertSameValues(sn, sj, 'state');
    const x = floats(n, r, -3, 3, true);
    const oj = new Float32Array(n), on = new Float32Array(n);
    J.dropoutApply(x, kj, 1 / (1 - p), oj);
    N.dropoutApply(x, kj, 1 / (1 - p), on);
    assertSameValues(on, oj, 'dropoutApply');
  }, 8);

  each('AdamW, Adam (amsgrad, maximize, decay) and SGD (momentum, Nesterov) updates are bit-identical over several steps', (_isa, r) => {
    const sizes = Array.from({ length: randInt(r, 1, 4) }, () => (r() < 0.2 ? randInt(r, 30000, 70000) : randInt(r, 1, 50)));
    const mk = () => sizes.map((s) => floats(s, r, -1, 1));
    const params = mk(), grads = mk();
    const opts = { lr: 10 ** -randInt(r, 1, 4), beta1: 0.9, beta2: [0.98, 0.999][randInt(r, 0, 1)]!, eps: 1e-8, weightDecay: r() < 0.5 ? 0 : 0.01, decoupled: r() < 0.5, maximize: r() < 0.2 };
    const amsgrad = r() < 0.3;
    const state = (B: Backend) => {
      const p = params.map((x) => x.slice()), m = sizes.map((s) => new Float32Array(s)), v = sizes.map((s) => new Float32Array(s));
      const mx = amsgrad ? sizes.map((s) => new Float32Array(s)) : null;
      for (let step = 1; step <= 3; step++) B.adam({ params: p, grads, expAvg: m, expAvgSq: v, maxExpAvgSq: mx, steps: sizes.map(() => step), ...opts });
      return [...p, ...m, ...v, ...(mx ?? [])];
    };
    const sj = state(J), sn = state(N);
    sj.forEach((x, i) => assertSameValues(sn[i]!, x, `adam tensor ${i}`));
    const sgdOpts = { lr: 0.1, momentum: r() < 0.3 ? 0 : 0.9, dampening: 0, weightDecay: r() < 0.5 ? 0 : 1e-3, nesterov: false, maximize: r() < 0.2 };
    if (sgdOpts.momentum > 0 && r() < 0.5) sgdOpts.nesterov = true;
    const sgdState = (B: Backend) => {
      const p = params.map((x) => x.slice()), buf = sizes.map((s) => new Float32Array(s));
      for (let step = 0; step < 3; step++) {
        B.sgd({ params: p, grads, momentumBuffers: sgdOpts.momentum ? buf : null, initializeBuffers: sizes.map(() => step === 0), ...sgdOpts });
      }
      return [...p, ...buf];
    };
    const gj = sgdState(J), gn = sgdState(N);
    gj.forEach((x, i) => assertSameValues(gn[i]!, x, `sgd tensor ${i}`));
  }, 8);

  each('gradient norms (p = 1, 2, 3, inf, NaN inside) and in-place scaling', (_isa, r) => {
    const ts = Array.from({ length: randInt(r, 1, 5) }, () => floats(r() < 0.2 ? randInt(r, 20000, 80000) : randInt(r, 0, 90), r, -3, 3));
    if (r() < 0.2) ts[0]![0] = NaN;
    for (const p of [1, 2, 3, Infinity]) {
      const oj = new Float64Array(ts.length), on = new Float64Array(ts.length);
      J.sumPow(ts, p, oj);
      N.sumPow(ts, p, on);
      assertNear(on, oj, 1e-6, 1e-9, `sumPow ${p}`);
    }
    const factor = r();
    const aj = ts.map((t) => t.slice()), an = ts.map((t) => t.slice());
    J.scaleInPlace(aj, factor);
    N.scaleInPlace(an, factor);
    aj.forEach((t, i) => assertSameValues(an[i]!, t, 'scaleInPlace'));
  });
});

describe('native attention and gemm', { skip: !found }, () => {
  each('attention forward and backward match the JS kernels (masks, causal, dropout, strided q/k/v)', (_isa, r) => {
    const B = randInt(r, 1, 3), H = randInt(r, 1, 3), T = randInt(r, 1, 20), S = r() < 0.5 ? T : randInt(r, 1, 20), D = randInt(r, 1, 9), DV = randInt(r, 1, 9);
    const interleaved = (L: number, d: number): Strided<Float32Array> => r() < 0.5
      ? { data: floats(B * L * H * d, r), offset: 0, strides: [L * H * d, d, H * d, 1] }
      : { data: floats(B * H * L * d, r), offset: 0, strides: contiguous([B, H, L, d]) };
    const q = interleaved(T, D), k = interleaved(S, D), v = interleaved(S, DV);
    const maskKind = randInt(r, 0, 2);
    const mask: Strided<Float32Array> | null = maskKind === 0 ? null : maskKind === 1
      ? { data: floats(B * S, r, -3, 0).map((x) => (x < -2.5 ? -Infinity : x)), offset: 0, strides: [S, 0, 0, 1] }
      : { data: floats(T * S, r, -3, 3), offset: 0, strides: [0, 0, S, 1] };
    const causal = S === T && r() < 0.5;
    const p = r() < 0.5 ? 0 : 0.25;
    const gOut = { data: floats(B * H * T * DV, r), offset: 0, strides: contiguous([B, H, T, DV]) };
    const run = (Bk: Backend) => {
      const n = B * H * T * S;
      const weights = new Float32Array(n), keep = p > 0 ? new Uint8Array(n) : null, out = new Float32Array(B * T * H * DV);
      const rngState = Uint32Array.from([1, 2, 3, 4]);
      const dims = { batch: B, heads: H, tgtLen: T, srcLen: S, headDim: D, valueDim: DV };
      Bk.attention({ ...dims, q, k, v, scale: 1 / Math.sqrt(D), causal, mask, dropoutP: p, rngState, weights, keep, out });
      const gq = new Float32Array(B * T * H * D), gk = new Float32Array(B * S * H * D), gv = new Float32Array(B * S * H * DV);
      Bk.attentionBackward({ ...dims, q, k, v, scale: 1 / Math.sqrt(D), dropoutP: p, weights, keep, gOut, gq, gk, gv });
      return { weights, keep, out, gq, gk, gv, rngState };
    };
    const j = run(J), n = run(N);
    assertNear(n.weights, j.weights, 1e-5, 1e-6, 'weights');
    if (j.keep) assertSameValues(n.keep!, j.keep, 'keep');
    assertSameValues(n.rngState, j.rngState, 'rng state');
    assertNear(n.out, j.out, 1e-4, 1e-5, 'out');
    for (const g of ['gq', 'gk', 'gv'] as const) assertNear(n[g], j[g], 1e-4, 2e-5, g);
  }, 10);

  each('gemm epilogue: alpha, beta, bias and placed output (cOffsets, ldc) as the JS contract', (_isa, r) => {
    const m = randInt(r, 1, 13), n = randInt(r, 1, 13), k = randInt(r, 0, 13), batch = randInt(r, 1, 3);
    const a = floats(batch * m * k + 1, r), b = floats(batch * k * n + 1, r);
    const ldc = n + randInt(r, 0, 3);
    const c0 = floats(batch * m * ldc + 2, r);
    const args = {
      m, n, k, batch, a, aOffsets: Array.from({ length: batch }, (_, i) => i * m * k), aRowStride: k, aColStride: 1,
      b, bOffsets: Array.from({ length: batch }, (_, i) => i * k * n), bRowStride: 1, bColStride: k,
      cOffsets: Array.from({ length: batch }, (_, i) => 1 + i * m * ldc), ldc, alpha: r() < 0.5 ? 1 : 0.5, beta: r() < 0.5 ? 0 : 1,
      bias: r() < 0.5 ? floats(n, r) : null,
    };
    const cj = c0.slice(), cn = c0.slice();
    J.gemm({ ...args, c: cj });
    N.gemm({ ...args, c: cn });
    assertNear(cn, cj, 1e-5, 1e-5, 'gemm');
  });
});

describe('native buffers', { skip: !found }, () => {
  test('alloc gives 64-byte aligned, reusable buffers of the requested length', () => {
    const a = N.alloc('float32', 1000) as Float32Array;
    assert.equal(a.length, 1000);
    for (const x of [a, N.alloc('bool', 3), N.alloc('float32', 100000), N.alloc('int32', 17)]) assert.equal(N.alignmentOf(x), 64);
    a.fill(3);
    N.release(a);
    const b = N.alloc('float32', 1000, true) as Float32Array;
    assert.equal(b.buffer, a.buffer);
    assert.ok(b.every((v) => v === 0));
    const c = N.alloc('int32', 7);
    assert.ok(c instanceof Int32Array && c.length === 7);
  });

  test('a kernel given a buffer too small for its sizes throws instead of writing past it', () => {
    const x = new Float32Array(4);
    assert.throws(() => N.unary('exp', new Float32Array(10), x), /buffer too small/);
    assert.throws(() => N.binary('add', { data: x, offset: 2, strides: [1] }, { data: x, offset: 0, strides: [1] }, new Float32Array(4), [4]), /exceeds its buffer/);
    assert.throws(() => N.indexSelect(x, 1, 4, 1, Int32Array.from([5]), new Float32Array(1)), /index out of range/);
  });
});

// workers inherit ANNEAL_BACKEND: with =js they (rightly) run the TypeScript backend, and there is nothing native to test
describe('native backend in worker threads', { skip: !found || process.env.ANNEAL_BACKEND === 'js' }, () => {
  test('two workers and the main thread run kernels at once, each with its own argument block', async () => {
    const { Worker } = await import('node:worker_threads');
    const { join } = await import('node:path');
    const { repoRoot } = await import('../helpers/index.js');
    const lib = join(repoRoot, 'dist', 'index.js');
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.lib).then((a) => {
        a.manualSeed(workerData.seed);
        let s = 0;
        for (let i = 0; i < 200; i++) s += a.tidy(() => a.randn([64, 65]).exp().matmul(a.randn([65, 3])).tanh().sum().item());
        parentPort.postMessage({ s, backend: a.backend.backendInfo().name });
      });`;
    const run = (seed: number) => new Promise<{ s: number; backend: string }>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { lib, seed } });
      w.once('message', resolve);
      w.once('error', reject);
    });
    const expected = async (seed: number) => {
      const a = await import('../../src/index.js');
      a.manualSeed(seed);
      let s = 0;
      for (let i = 0; i < 200; i++) s += a.tidy(() => a.randn([64, 65]).exp().matmul(a.randn([65, 3])).tanh().sum().item());
      return s;
    };
    const [r1, r2] = await Promise.all([run(1), run(2)]);
    assert.equal(r1.backend, 'native');
    assert.equal(r1.s, await expected(1));
    assert.equal(r2.s, await expected(2));
  });
});
