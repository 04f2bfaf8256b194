/**
 * The LR range test: the model, optimizer, random generator and loader come back exactly; on a
 * quadratic whose good learning rates are known in closed form the suggestions fall among them;
 * fastai's suggestion rules on a curve; the stop rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loss, manualSeed, nn, optim, randn, tensor, type Tensor } from '../../src/index.js';
import { lrFind, lrRangeTest, rangeTestLr, schedulePeakFactor, suggestLr } from '../../src/tune/index.js';
import { buildOptimizer, createTask, parseTrainConfig, type Batch } from '../../src/train/index.js';
import { getRngState } from '../../src/tensor/index.js';
import { tiny } from '../train/tiny.js';

/** A tiny numbers-to-words model with dropout, its AdamW and loader, after a few training steps. */
function setup() {
  const config = parseTrainConfig(tiny({ model: { dropout: 0.1 } }));
  const task = createTask(config);
  manualSeed(config.seed);
  const model = task.buildModel();
  const optimizer = buildOptimizer(config, model);
  const loader = task.createLoader();
  const lossAndBackward = () => {
    const micro: Batch[] = loader.nextStep();
    const tokens = micro.reduce((n, b) => n + b.targetTokens, 0);
    let sum = 0;
    for (const b of micro) {
      const l = task.loss(model, b);
      sum += l.item();
      l.div(tokens).backward();
    }
    return sum / tokens;
  };
  const trainSteps = (n: number) => {
    const losses: number[] = [];
    for (let i = 0; i < n; i++) {
      optimizer.zeroGrad();
      losses.push(lossAndBackward());
      optimizer.step();
    }
    return losses;
  };
  trainSteps(3);
  return { model, optimizer, loader, lossAndBackward, trainSteps };
}

const bytes = (t: Tensor) => Buffer.from((t.toTypedArray() as Float32Array).buffer.slice(0));

function snapshot(s: ReturnType<typeof setup>) {
  const sd = s.optimizer.stateDict();
  return {
    weights: Object.entries(s.model.stateDict()).map(([k, v]) => [k, bytes(v)]),
    optimizer: JSON.stringify({ groups: sd.paramGroups, state: Object.entries(sd.state).map(([k, st]) => [k, Object.entries(st).map(([n, v]) => [n, v && typeof v === 'object' ? bytes(v as Tensor).toString('base64') : v])]) }),
    rng: JSON.stringify(getRngState()),
    loader: JSON.stringify(s.loader.state()),
    training: s.model.training,
  };
}

test('after the range test the weights, optimizer state, random generator and loader are exactly as before', () => {
  const s = setup();
  const before = snapshot(s);
  const r = lrRangeTest({ model: s.model, optimizer: s.optimizer, lossAndBackward: s.lossAndBackward, clipGradNorm: 1, extraState: [{ save: () => s.loader.state(), load: (x) => s.loader.loadState(x) }] }, { steps: 12, minLr: 1e-4, maxLr: 1 });
  // the test did train: its losses moved
  assert.equal(r.lrs.length, 12);
  assert.ok(new Set(r.losses).size > 1);
  assert.deepEqual(snapshot(s), before);
});

test('training after the range test continues bit for bit as if it had never run', () => {
  const a = setup();
  const b = setup();
  lrRangeTest({ model: a.model, optimizer: a.optimizer, lossAndBackward: a.lossAndBackward, extraState: [{ save: () => a.loader.state(), load: (x) => a.loader.loadState(x) }] }, { steps: 10 });
  manualSeed(123);
  const la = a.trainSteps(4);
  manualSeed(123);
  const lb = b.trainSteps(4);
  assert.deepEqual(la, lb);
  assert.deepEqual(snapshot(a).weights, snapshot(b).weights);
});

/**
 * Least squares L(w) = mean((Xw - y)^2) with X = c * H, H an 8x8 Hadamard matrix (H^T H = 8 I): the
 * Hessian is 2c^2 I, so gradient descent multiplies the error by (1 - 2c^2 lr) each step. It is
 * stable below lr = 2/lambda = 1/c^2 and optimal at 1/lambda = 1/(2c^2); the expected range of a
 * good learning rate is from a tenth of the optimum up to the stability limit.
 */
function quadratic(c: number) {
  let h = [[1]];
  while (h.length < 8) h = [...h.map((r) => [...r, ...r]), ...h.map((r) => [...r, ...r.map((v) => -v)])];
  manualSeed(0);
  const x = tensor(h).mul(c);
  const y = x.matmul(randn([8, 1]));
  const model = new nn.Linear(8, 1, { bias: false });
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
  const lambda = 2 * c * c;
  return { model, optimizer, lossAndBackward: () => { const l = loss.mseLoss(model.forward(x), y); l.backward(); return l.item(); }, range: [1 / lambda / 10, 2 / lambda] as const };
}

for (const c of [1, 10]) {
  test(`on a quadratic with curvature ${2 * c * c}, both suggestions (fastai's settings) lie between a tenth of the optimal lr and the stability limit`, () => {
    const q = quadratic(c);
    const r = lrRangeTest(q, {});
    const [lo, hi] = q.range;
    for (const [rule, lr] of Object.entries({ steep: r.suggestions.steep, minimum: r.suggestions.minimum })) {
      assert.ok(lr !== null && lr >= lo && lr <= hi, `${rule} suggestion ${lr} outside [${lo}, ${hi}]`);
    }
    // the test ran into the unstable region and stopped there
    assert.ok(r.suggestions.lrAtMinimum! > hi);
    assert.match(r.stopReason, /exceeded 4x its best/);
  });
}

test('the learning rate grows exponentially from minLr to maxLr, reached at the last step', () => {
  assert.equal(rangeTestLr(0, 5, 1e-4, 1), 1e-4);
  assert.ok(Math.abs(rangeTestLr(2, 5, 1e-4, 1) - 1e-2) < 1e-15);
  assert.equal(rangeTestLr(4, 5, 1e-4, 1), 1);
});

test('suggestions: fastai\'s steepest segment and a tenth of the minimum, past the first tenth and before the last five points', () => {
  const lrs = Array.from({ length: 40 }, (_, i) => 10 ** (-6 + i / 5));
  // flat, a fall that is steepest between points 20 and 21, the minimum at 28, then a rise
  const curve = lrs.map((_, i) => (i < 15 ? 3 : i <= 28 ? 3 - (i - 15) * 0.1 - (i === 21 ? 0.5 : i > 21 ? 0.5 : 0) : 1.2 + (i - 28) * 0.5));
  // a spike in the first tenth (skipped) and a dip in the last five (skipped)
  curve[1] = 10;
  curve[37] = 0;
  const s = suggestLr(lrs, curve, 40);
  assert.equal(s.steep, lrs[20]);
  assert.equal(s.lrAtMinimum, lrs[28]);
  assert.equal(s.minimum, lrs[28]! / 10);
});

test('bad options are config errors', () => {
  const q = quadratic(1);
  assert.throws(() => lrRangeTest(q, { minLr: 1, maxLr: 0.1 }), /minLr: must be below maxLr/);
  assert.throws(() => lrRangeTest(q, { steps: 1 }), /steps: must be an integer >= 2/);
  assert.throws(() => lrRangeTest(q, { beta: 1 }), /beta: must be in \[0, 1\)/);
});

test('on a config, the result says how the schedule scales optimizer.lr (Noam: factor x d^-0.5 x warmup^-0.5 at its peak)', () => {
  const noam = parseTrainConfig(tiny({ optimizer: { lr: 1 }, schedule: { name: 'noam', warmupSteps: 5, factor: 0.5 } }));
  assert.ok(Math.abs(schedulePeakFactor(noam) - 0.5 * 16 ** -0.5 * 5 ** -0.5) < 1e-12);
  const r = lrFind(tiny({ optimizer: { lr: 1 }, schedule: { name: 'noam', warmupSteps: 5, factor: 0.5 } }), { steps: 12, minLr: 1e-4, maxLr: 10 });
  assert.equal(r.lrs.length <= 12, true);
  if (r.suggestions.minimum !== null) assert.ok(Math.abs(r.optimizerLr.minimum! * r.scheduleFactor - r.suggestions.minimum) < 1e-12);
  assert.equal(schedulePeakFactor(parseTrainConfig(tiny({ schedule: { name: 'constant' } }))), 1);
});
