/** Seeded random numbers: reproducibility, state save/restore, and the distributions' statistics. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/errors.js';
import * as T from '../../src/tensor/index.js';
import { defaultGenerator, Generator, getRngState, manualSeed, randperm, setRngState } from '../../src/tensor/index.js';

const N = 100_000;

function moments(v: ArrayLike<number>): { mean: number; std: number; kurtosis: number } {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  const mean = s / v.length;
  let m2 = 0, m4 = 0;
  for (let i = 0; i < v.length; i++) { const d = v[i]! - mean; m2 += d * d; m4 += d ** 4; }
  m2 /= v.length; m4 /= v.length;
  return { mean, std: Math.sqrt(m2), kurtosis: m4 / (m2 * m2) };
}

/** Pearson's chi-square statistic of observed counts against equal expected counts. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const e = total / counts.length;
  return counts.reduce((acc, c) => acc + (c - e) ** 2 / e, 0);
}

describe('Generator', () => {
  test('the same seed gives the same numbers', () => {
    const a = new Generator(42), b = new Generator(42);
    for (let i = 0; i < 100; i++) assert.equal(a.nextUint32(), b.nextUint32());
    assert.deepEqual(T.rand([5], { generator: new Generator(7) }).toArray(), T.rand([5], { generator: new Generator(7) }).toArray());
    assert.deepEqual(T.randn([5], { generator: new Generator(7) }).toArray(), T.randn([5], { generator: new Generator(7) }).toArray());
  });

  test('different seeds give different streams, including seeds that differ only above 2^32', () => {
    const first = (seed: number) => Array.from({ length: 4 }, ((g) => () => g.nextUint32())(new Generator(seed)));
    assert.notDeepEqual(first(1), first(2));
    assert.notDeepEqual(first(5), first(2 ** 32 + 5));
    assert.notDeepEqual(first(0), first(2 ** 40));
  });

  test('manualSeed resets the stream and the cached normal', () => {
    const g = new Generator(3);
    const a = [g.normal(), g.uniform()];
    g.normal(); // leaves a spare normal cached
    g.manualSeed(3);
    assert.deepEqual([g.normal(), g.uniform()], a);
    assert.equal(g.initialSeed(), 3);
  });

  test('manualSeed rejects negative, fractional and unsafe seeds', () => {
    for (const s of [-1, 1.5, 2 ** 53, NaN]) assert.throws(() => new Generator(s), ArgumentError);
  });

  test('getState/setState mid-stream resumes exactly, the cached Box-Muller normal included', () => {
    const g = new Generator(11);
    for (let i = 0; i < 7; i++) g.normal(); // odd count: a spare normal is cached
    const state = g.getState();
    assert.notEqual(state.spareNormal, null);
    const after = [g.normal(), g.normal(), g.uniform(), g.integer(0, 1000), g.normal()];
    g.setState(state);
    assert.deepEqual([g.normal(), g.normal(), g.uniform(), g.integer(0, 1000), g.normal()], after);
  });

  test('a state survives a JSON round trip and restores into another generator', () => {
    const g = new Generator(12);
    g.uniform53(); g.normal();
    const saved = JSON.parse(JSON.stringify(g.getState()));
    const expected = [g.normal(), g.normal(), g.nextUint32()];
    const h = new Generator(999).setState(saved);
    assert.deepEqual([h.normal(), h.normal(), h.nextUint32()], expected);
    assert.equal(h.initialSeed(), 12);
  });

  test('getState returns a copy that later draws do not change', () => {
    const g = new Generator(13);
    const s = g.getState();
    const copy = JSON.stringify(s);
    g.nextUint32();
    assert.equal(JSON.stringify(s), copy);
  });

  test('setState rejects something that is not a generator state', () => {
    const g = new Generator(1);
    assert.throws(() => g.setState({} as never), ArgumentError);
    assert.throws(() => g.setState({ algorithm: 'mt19937', seed: 0, state: [1, 2, 3, 4], spareNormal: null } as never), ArgumentError);
    assert.throws(() => g.setState({ algorithm: 'xoshiro128**', seed: 0, state: [1, 2], spareNormal: null } as never), ArgumentError);
  });

  test('integer() covers ranges wider than 2^32', () => {
    const g = new Generator(5);
    const lo = -(2 ** 40), hi = 2 ** 41;
    let sawNegative = false, sawLarge = false;
    for (let i = 0; i < 1000; i++) {
      const v = g.integer(lo, hi);
      assert.ok(Number.isInteger(v) && v >= lo && v < hi);
      if (v < 0) sawNegative = true;
      if (v > 2 ** 32) sawLarge = true;
    }
    assert.ok(sawNegative && sawLarge);
  });
});

describe('default generator', () => {
  test('manualSeed makes rand, randn, randint and randperm reproducible', () => {
    const draw = () => [T.rand([3]).toArray(), T.randn([3]).toArray(), T.randint(0, 10, [3]).toArray(), Array.from(randperm(5))];
    manualSeed(2024);
    const a = draw();
    manualSeed(2024);
    assert.deepEqual(draw(), a);
  });

  test('getRngState/setRngState resume the default stream exactly', () => {
    manualSeed(1);
    T.randn([3]); // odd count leaves a cached normal
    const state = getRngState();
    const a = [T.randn([4]).toArray(), T.rand([2]).toArray()];
    setRngState(state);
    assert.deepEqual([T.randn([4]).toArray(), T.rand([2]).toArray()], a);
  });

  test('a generator passed explicitly leaves the default stream untouched', () => {
    manualSeed(8);
    const expected = defaultGenerator.getState();
    T.rand([10], { generator: new Generator(1) });
    T.randn([10], { generator: new Generator(1) });
    assert.deepEqual(defaultGenerator.getState(), expected);
  });
});

describe('distributions', () => {
  test('rand is in [0, 1), on the float32 grid of 2^-24, with mean 1/2 and variance 1/12', () => {
    const v = T.rand([N], { generator: new Generator(100) }).values();
    let min = 1, max = 0;
    for (const x of v) {
      min = Math.min(min, x); max = Math.max(max, x);
      assert.ok(Number.isInteger(x * 2 ** 24));
    }
    assert.ok(min >= 0 && max < 1);
    const m = moments(v);
    // standard errors: 0.2887/sqrt(N) = 9.1e-4 for the mean; allow 5 of them
    assert.ok(Math.abs(m.mean - 0.5) < 0.0046, `mean ${m.mean}`);
    assert.ok(Math.abs(m.std ** 2 - 1 / 12) < 0.0015, `variance ${m.std ** 2}`);
  });

  test('rand fills 10 equal bins evenly (chi-square)', () => {
    const v = T.rand([N], { generator: new Generator(101) }).values();
    const counts = new Array(10).fill(0);
    for (const x of v) counts[Math.floor(x * 10)]++;
    // chi-square with 9 degrees of freedom: P(> 40) < 1e-5
    assert.ok(chiSquare(counts) < 40, `chi-square ${chiSquare(counts)}`);
  });

  test('randn has mean 0, std 1, normal tails and kurtosis 3 on 100k samples', () => {
    const v = T.randn([N], { generator: new Generator(102) }).values();
    const m = moments(v);
    assert.ok(Math.abs(m.mean) < 5 / Math.sqrt(N), `mean ${m.mean}`);
    assert.ok(Math.abs(m.std - 1) < 5 / Math.sqrt(2 * N), `std ${m.std}`);
    assert.ok(Math.abs(m.kurtosis - 3) < 0.16, `kurtosis ${m.kurtosis}`);
    let within1 = 0, beyond2 = 0;
    for (const x of v) { if (Math.abs(x) < 1) within1++; if (Math.abs(x) > 2) beyond2++; }
    assert.ok(Math.abs(within1 / N - 0.682689) < 0.0074, `P(|x| < 1) = ${within1 / N}`);
    assert.ok(Math.abs(beyond2 / N - 0.0455) < 0.0033, `P(|x| > 2) = ${beyond2 / N}`);
  });

  test('successive normals are uncorrelated (the Box-Muller pair included)', () => {
    const v = T.randn([N], { generator: new Generator(103) }).values();
    let even = 0, odd = 0;
    for (let i = 0; i + 1 < N; i += 2) even += v[i]! * v[i + 1]!;
    for (let i = 1; i + 1 < N; i += 2) odd += v[i]! * v[i + 1]!;
    const half = N / 2;
    assert.ok(Math.abs(even / half) < 5 / Math.sqrt(half), `pair correlation ${even / half}`);
    assert.ok(Math.abs(odd / half) < 5 / Math.sqrt(half), `cross-pair correlation ${odd / half}`);
  });

  test('randint stays within [low, high) and is roughly uniform', () => {
    const v = T.randint(-3, 7, [N], { generator: new Generator(104) });
    assert.equal(v.dtype, 'int32');
    const counts = new Array(10).fill(0);
    for (const x of v.values()) {
      assert.ok(x >= -3 && x < 7, `out of range: ${x}`);
      counts[x + 3]++;
    }
    assert.ok(counts.every((c) => c > 0));
    assert.ok(chiSquare(counts) < 40, `chi-square ${chiSquare(counts)}`);
  });

  test('randint over a single value and invalid ranges', () => {
    assert.deepEqual(T.randint(4, 5, [3]).toArray(), [4, 4, 4]);
    assert.throws(() => T.randint(5, 5, [1]), ArgumentError);
    assert.throws(() => T.randint(6, 5, [1]), ArgumentError);
  });

  test('randperm is a permutation of 0..n-1', () => {
    const g = new Generator(105);
    for (const n of [0, 1, 2, 17, 1000]) {
      const p = randperm(n, g);
      assert.equal(p.length, n);
      assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
    }
  });

  test('randperm makes all 24 orders of 4 items about equally often', () => {
    const g = new Generator(106);
    const counts = new Map<string, number>();
    const trials = 24_000;
    for (let i = 0; i < trials; i++) {
      const key = Array.from(randperm(4, g)).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 24);
    // chi-square with 23 degrees of freedom: P(> 60) < 1e-4
    assert.ok(chiSquare([...counts.values()]) < 60);
  });

  test('bernoulli draws 1 at rate p, and exactly 0/1 at p = 0/1', () => {
    const g = new Generator(107);
    const v = T.bernoulli([N], 0.3, { generator: g }).values();
    let ones = 0;
    for (const x of v) { assert.ok(x === 0 || x === 1); ones += x; }
    assert.ok(Math.abs(ones / N - 0.3) < 5 * Math.sqrt(0.21 / N), `rate ${ones / N}`);
    assert.ok(T.bernoulli([100], 0, { generator: g }).values().every((x) => x === 0));
    assert.ok(T.bernoulli([100], 1, { generator: g }).values().every((x) => x === 1));
    assert.throws(() => T.bernoulli([1], 1.5), ArgumentError);
  });

  test('multinomial draws categories in proportion to unnormalised weights', () => {
    const draws = T.multinomial(T.tensor([1, 2, 0, 7]), N, { generator: new Generator(108) });
    assert.deepEqual(draws.shape, [N]);
    assert.equal(draws.dtype, 'int32');
    const counts = [0, 0, 0, 0];
    for (const x of draws.values()) counts[x]!++;
    assert.equal(counts[2], 0, 'a zero-weight category is never drawn');
    for (const [k, p] of [[0, 0.1], [1, 0.2], [3, 0.7]] as const) {
      assert.ok(Math.abs(counts[k]! / N - p) < 5 * Math.sqrt((p * (1 - p)) / N), `category ${k}: ${counts[k]! / N}`);
    }
  });

  test('multinomial of a [B, V] tensor samples each row from its own weights', () => {
    const draws = T.multinomial(T.tensor([[0, 0, 1], [1, 0, 0]]), 5, { generator: new Generator(109) });
    assert.deepEqual(draws.toArray(), [[2, 2, 2, 2, 2], [0, 0, 0, 0, 0]]);
  });

  test('multinomial rejects negative, non-finite and all-zero weights', () => {
    assert.throws(() => T.multinomial(T.tensor([1, -1]), 1), ArgumentError);
    assert.throws(() => T.multinomial(T.tensor([1, Infinity]), 1), ArgumentError);
    assert.throws(() => T.multinomial(T.tensor([1, NaN]), 1), ArgumentError);
    assert.throws(() => T.multinomial(T.tensor([0, 0]), 1), ArgumentError);
  });

  test('dropout draws its mask from the default generator, reproducibly after manualSeed', () => {
    manualSeed(77);
    const a = T.dropout(T.ones([50]), 0.5).toArray();
    manualSeed(77);
    assert.deepEqual(T.dropout(T.ones([50]), 0.5).toArray(), a);
  });
});
