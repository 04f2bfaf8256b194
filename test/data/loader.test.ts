import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { data, Generator, ConfigError, InputError } from 'anneal';
import { repoRoot } from '../helpers/index.js';

type Options = data.LoaderOptions;
const base: Options = { batchSize: 8, maxTokens: null, gradAccumSteps: 1, bucket: false, padToMultiple: 1, shuffle: true, seed: 3 };

/** Seq2seq-like [src, tgt] lengths, log-normal around 20 tokens, 4..200. */
function lengths(n: number, seed = 1): [number, number][] {
  const g = new Generator(seed);
  return Array.from({ length: n }, () => {
    const src = Math.max(4, Math.min(200, Math.round(Math.exp(3 + 0.6 * g.normal()))));
    return [src, Math.max(2, Math.round(src * (0.8 + 0.4 * g.uniform())))];
  });
}

function epochSteps(loader: data.BatchLoader): number[][][] {
  const out: number[][][] = [];
  for (let s = loader.stepsPerEpoch(); s > 0; s--) out.push(loader.nextStep());
  return out;
}

const flat = (steps: number[][][]): number[] => steps.flat(2);

test('what a step sees depends only on batchSize x gradAccumSteps, in the same order', () => {
  const L = lengths(1000);
  for (const bucket of [false, true]) {
    const ref = new data.BatchLoader(L, { ...base, bucket, batchSize: 32, gradAccumSteps: 1 });
    const others = ([[8, 4], [16, 2], [1, 32]] as const).map(([batchSize, gradAccumSteps]) => ({
      batchSize,
      loader: new data.BatchLoader(L, { ...base, bucket, batchSize, gradAccumSteps }),
    }));
    for (let step = 0; step < 3 * ref.stepsPerEpoch() + 5; step++) {
      const want = ref.nextStep();
      assert.equal(want.length, 1);
      for (const { batchSize, loader } of others) {
        const got = loader.nextStep();
        assert.deepEqual(got.flat(), want[0], `bucket ${bucket}, batchSize ${batchSize}, step ${step}`);
        assert.ok(got.every((mb) => mb.length > 0 && mb.length <= batchSize), `micro-batch sizes ${got.map((m) => m.length)}`);
      }
    }
  }
});

test('a short last step keeps the order and has fewer, never empty, micro-batches', () => {
  const L = lengths(70);
  const loader = new data.BatchLoader(L, { ...base, batchSize: 8, gradAccumSteps: 4 });
  const steps = epochSteps(loader);
  assert.equal(steps.length, 3);
  assert.deepEqual(steps[2]!.map((mb) => mb.length), [6]);
  const one = new data.BatchLoader(L, { ...base, batchSize: 32, gradAccumSteps: 1 });
  assert.deepEqual(flat(epochSteps(one)), flat(steps));
});

test('every example appears exactly once per epoch', () => {
  const L = lengths(997);
  const configs: Partial<Options>[] = [
    {}, { bucket: true }, { shuffle: false }, { bucket: true, shuffle: false }, { gradAccumSteps: 3 },
    { bucket: true, bucketPoolSteps: 5, gradAccumSteps: 2 },
    { maxTokens: 2000 }, { maxTokens: 2000, bucket: true, gradAccumSteps: 3 }, { maxTokens: 1500, bucket: true, bucketPoolSteps: 4, padToMultiple: 8 },
  ];
  for (const c of configs) {
    const loader = new data.BatchLoader(L, { ...base, ...c });
    for (let epoch = 0; epoch < 3; epoch++) {
      assert.equal(loader.epoch, epoch);
      const seen = flat(epochSteps(loader)).sort((a, b) => a - b);
      assert.deepEqual(seen, Array.from({ length: L.length }, (_, i) => i), `config ${JSON.stringify(c)}, epoch ${epoch}`);
    }
  }
});

test('dropLast drops only the remainder, a different one each epoch', () => {
  const L = lengths(100);
  const loader = new data.BatchLoader(L, { ...base, batchSize: 8, gradAccumSteps: 3, dropLast: true, bucket: true });
  const e0 = flat(epochSteps(loader)), e1 = flat(epochSteps(loader));
  for (const e of [e0, e1]) {
    assert.equal(e.length, 96);
    assert.equal(new Set(e).size, 96);
  }
  assert.notDeepEqual([...e0].sort((a, b) => a - b), [...e1].sort((a, b) => a - b));

  const tokens = new data.BatchLoader(L, { ...base, maxTokens: 600, gradAccumSteps: 4, dropLast: true });
  const steps = epochSteps(tokens);
  assert.ok(steps.every((s) => s.length === 4));
  const full = new data.BatchLoader(L, { ...base, maxTokens: 600, gradAccumSteps: 4 });
  const all = epochSteps(full);
  assert.deepEqual(steps, all.filter((s) => s.length === 4));
});

test('every micro-batch stays within the token budget, padding to the multiple included', () => {
  const L = lengths(800);
  for (const [maxTokens, m, bucket] of [[1024, 1, false], [1024, 8, true], [3000, 16, true], [450, 1, true]] as const) {
    const loader = new data.BatchLoader(L, { ...base, maxTokens, padToMultiple: m, bucket, gradAccumSteps: 2 });
    for (const mb of epochSteps(loader).flat()) {
      assert.ok(data.batchTokens(L, mb, m) <= maxTokens, `${data.batchTokens(L, mb, m)} > ${maxTokens}`);
    }
  }
});

test('the token budget counts the same tokens as collateSeq2Seq', () => {
  const L = lengths(300);
  const pairs = L.map(([s, t], i) => ({ src: Array(s).fill(5 + (i % 3)), tgt: Array(t).fill(7) }));
  const lens = data.seq2seqLengths(pairs);
  const loader = new data.BatchLoader(lens, { ...base, maxTokens: 1200, padToMultiple: 8, bucket: true });
  for (const mb of epochSteps(loader).flat()) {
    const b = data.collateSeq2Seq(pairs, mb, { srcPad: 0, tgtPad: 0, bos: 1, eos: 2, padToMultiple: 8 });
    assert.equal(b.numTokens, data.batchTokens(lens, mb, 8));
    assert.ok(b.numTokens <= 1200);
  }
});

test('an example longer than the token budget is a ConfigError naming training.maxTokens', () => {
  assert.throws(
    () => new data.BatchLoader([[10, 10], [300, 120], [5, 5]], { ...base, maxTokens: 400, padToMultiple: 8 }),
    (e: unknown) => e instanceof ConfigError && e.field === 'training.maxTokens' && /example 1 alone needs 424 tokens/.test(e.message),
  );
});

test('bucketed batches carry less padding than random ones', () => {
  const L = lengths(2000);
  const ratio = (bucket: boolean, maxTokens: number | null): number => {
    const loader = new data.BatchLoader(L, { ...base, bucket, maxTokens, batchSize: 32 });
    let padded = 0, real = 0;
    for (const mb of epochSteps(loader).flat()) {
      padded += data.batchTokens(L, mb);
      for (const i of mb) real += L[i]![0] + L[i]![1];
    }
    return (padded - real) / padded;
  };
  for (const maxTokens of [null, 4096]) {
    const random = ratio(false, maxTokens), bucketed = ratio(true, maxTokens);
    assert.ok(random > 0.3, `random batches: padding ratio ${random}`);
    assert.ok(bucketed < random / 5, `bucketed ${bucketed.toFixed(3)} vs random ${random.toFixed(3)} (maxTokens ${maxTokens})`);
  }
});

test('bucketing packs more sequences into a token budget, so an epoch takes fewer steps', () => {
  const L = lengths(2000);
  const steps = (bucket: boolean): number => new data.BatchLoader(L, { ...base, bucket, maxTokens: 4096 }).stepsPerEpoch();
  assert.ok(steps(true) < 0.7 * steps(false), `${steps(true)} vs ${steps(false)} steps`);
});

test('the reshuffle is seeded: same seed same order, each epoch a new order', () => {
  const L = lengths(200);
  for (const c of [{}, { bucket: true }, { maxTokens: 1000, bucket: true }] as Partial<Options>[]) {
    const a = new data.BatchLoader(L, { ...base, ...c }), b = new data.BatchLoader(L, { ...base, ...c });
    const other = new data.BatchLoader(L, { ...base, ...c, seed: 4 });
    const a0 = epochSteps(a), a1 = epochSteps(a);
    assert.deepEqual(epochSteps(b), a0);
    assert.notDeepEqual(a1, a0);
    assert.notDeepEqual(epochSteps(other), a0);
  }
});

test('without shuffling or bucketing, batches follow the data order', () => {
  const loader = new data.BatchLoader([3, 1, 4, 1, 5, 9, 2], { ...base, shuffle: false, batchSize: 2, gradAccumSteps: 2 });
  assert.deepEqual(epochSteps(loader), [[[0, 1], [2, 3]], [[4, 5], [6]]]);
  assert.equal(loader.epoch, 1);
});

test('a restored loader yields exactly the steps the uninterrupted one does, across epoch boundaries', () => {
  const L = lengths(150);
  for (const c of [{ gradAccumSteps: 2 }, { bucket: true, gradAccumSteps: 3 }, { maxTokens: 900, bucket: true, gradAccumSteps: 2 }, { maxTokens: 700 }] as Partial<Options>[]) {
    const opts = { ...base, ...c };
    const reference = new data.BatchLoader(L, opts);
    const per = reference.stepsPerEpoch();
    const future: number[][][] = [];
    for (let i = 0; i < 4 * per + 3; i++) future.push(reference.nextStep());
    for (const k of [0, 1, per - 1, per, per + 2, 2 * per, 3 * per - 1]) {
      const first = new data.BatchLoader(L, opts);
      for (let i = 0; i < k; i++) first.nextStep();
      const saved = JSON.parse(JSON.stringify(first.state())) as data.LoaderState;
      const resumed = new data.BatchLoader(L, opts);
      resumed.loadState(saved);
      assert.equal(resumed.epoch, first.epoch);
      for (let i = k; i < future.length; i++) assert.deepEqual(resumed.nextStep(), future[i], `config ${JSON.stringify(c)}, resumed at ${k}, step ${i}`);
    }
  }
});

test('the epoch rolls over right after its last step', () => {
  const loader = new data.BatchLoader(lengths(20), { ...base, batchSize: 8 });
  assert.equal(loader.stepsPerEpoch(), 3);
  loader.nextStep(); loader.nextStep();
  assert.deepEqual([loader.epoch, loader.state().position], [0, 2]);
  assert.ok(Math.abs(loader.epochProgress() - 2 / 3) < 1e-12);
  loader.nextStep();
  assert.deepEqual([loader.epoch, loader.state().position], [1, 0]);
});

test('a state from other data or other options is refused, saying what differs', () => {
  const L = lengths(100);
  const saved = new data.BatchLoader(L, { ...base, gradAccumSteps: 2 }).state();
  assert.throws(() => new data.BatchLoader(L, { ...base, gradAccumSteps: 4 }).loadState(saved), (e: unknown) => e instanceof InputError && /gradAccumSteps 2, this run has 4/.test(e.message));
  assert.throws(() => new data.BatchLoader(lengths(100, 2), { ...base, gradAccumSteps: 2 }).loadState(saved), (e: unknown) => e instanceof InputError && /data changed/.test(e.message));
  assert.throws(() => new data.BatchLoader(L, { ...base, gradAccumSteps: 2, seed: 9 }).loadState(saved), (e: unknown) => e instanceof InputError && /seed 3/.test(e.message));
  assert.throws(() => new data.BatchLoader(L, base).loadState({ ...saved, position: 1e6 } as data.LoaderState), InputError);
});

test('option errors name the config field', () => {
  const field = (f: () => unknown): string | undefined => {
    try { f(); } catch (e) { return (e as ConfigError).field; }
    return undefined;
  };
  assert.equal(field(() => new data.BatchLoader([1], { ...base, batchSize: 0 })), 'training.batchSize');
  assert.equal(field(() => new data.BatchLoader([1], { ...base, gradAccumSteps: 1.5 })), 'training.gradAccumSteps');
  assert.equal(field(() => new data.BatchLoader([1], { ...base, padToMultiple: 0 })), 'data.padToMultiple');
  assert.equal(field(() => new data.BatchLoader([1, 2], { ...base, batchSize: 4, dropLast: true })), 'training.batchSize');
});

test('evalBatches covers every example once, in length order', () => {
  const L = lengths(333);
  for (const opts of [{ batchSize: 16 }, { batchSize: 16, maxTokens: 2000, padToMultiple: 8 }]) {
    const batches = data.evalBatches(L, opts);
    assert.deepEqual(batches.flat().sort((a, b) => a - b), Array.from({ length: 333 }, (_, i) => i));
    const keys = batches.flat().map((i) => L[i]![0] + L[i]![1]);
    assert.deepEqual(keys, [...keys].sort((a, b) => a - b));
  }
});

test('on the shipped pig-latin TSV, bucketing cuts the padding ratio', () => {
  const pairs = data.readTsv(join(repoRoot, 'examples', 'data', 'pig-latin.tsv'));
  const tok = data.charTokenizer(pairs.map((p) => p.source + p.target).join(''));
  const encoded = pairs.map((p) => ({ src: tok.encode(p.source), tgt: tok.encode(p.target) }));
  const lens = data.seq2seqLengths(encoded);
  const ratio = (bucket: boolean): number => {
    const loader = new data.BatchLoader(lens, { ...base, batchSize: 32, bucket });
    let pad = 0, all = 0;
    for (const mb of epochSteps(loader).flat()) {
      const b = data.collateSeq2Seq(encoded, mb, { srcPad: tok.padId, tgtPad: tok.padId, bos: tok.bosId, eos: tok.eosId });
      pad += b.numPadding;
      all += b.numTokens;
    }
    return pad / all;
  };
  const random = ratio(false), bucketed = ratio(true);
  assert.ok(bucketed < random / 4, `bucketed ${bucketed} vs random ${random}`);
});
