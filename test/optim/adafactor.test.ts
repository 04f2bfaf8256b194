/** Adafactor against Hugging Face's transformers.optimization.Adafactor (scripts/fixtures/optimizers.py). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { Adafactor, adafactorLr, type AdafactorOptions } from '../../src/optim/index.js';
import { Tensor } from '../../src/tensor/index.js';
import { assertMatchesFixture, loadOptimizerFixture, TRAJECTORY_TOL, type MakeOptimizer } from './trajectory.js';

const fx = loadOptimizerFixture('adafactor');
const make: MakeOptimizer = (groups, options) => new Adafactor(groups, options as Partial<AdafactorOptions>);

for (const c of fx.cases) {
  test(`Adafactor (${c.name}) follows Hugging Face's trajectory at every step`, (t) => {
    assertMatchesFixture(t, fx, c, make, TRAJECTORY_TOL);
  });
}

test("Adafactor's defaults are Hugging Face's", () => {
  const p = new Tensor(new Float32Array([1]), [1]).requiresGrad_();
  const { params: _p, ...defaults } = { params: null, ...new Adafactor([p]).defaults };
  assert.deepEqual(defaults, {
    lr: null, eps: [1e-30, 1e-3], clipThreshold: 1, decayRate: -0.8, beta1: null, weightDecay: 0,
    scaleParameter: true, relativeStep: true, warmupInit: false,
  });
});

test('Adafactor keeps row and column statistics for a matrix and a full second moment for a vector', () => {
  const m = new Tensor(new Float32Array(12).fill(1), [3, 4]).requiresGrad_();
  const v = new Tensor(new Float32Array(4).fill(1), [4]).requiresGrad_();
  const opt = new Adafactor([m, v]);
  m.grad = new Tensor(new Float32Array(12).fill(0.5), [3, 4]);
  v.grad = new Tensor(new Float32Array(4).fill(0.5), [4]);
  opt.step();
  const sm = opt.state.get(m)!;
  const sv = opt.state.get(v)!;
  assert.deepEqual((sm.expAvgSqRow as Tensor).shape, [3]);
  assert.deepEqual((sm.expAvgSqCol as Tensor).shape, [4]);
  assert.equal(sm.expAvgSq, undefined);
  assert.deepEqual((sv.expAvgSq as Tensor).shape, [4]);
  assert.equal(sv.expAvgSqRow, undefined);
});

test('the relative step is min(1e-2, 1/sqrt(t)) times max(eps2, RMS(param)); warmupInit makes it min(1e-6 t, 1/sqrt(t))', () => {
  const o = { lr: null, eps: [1e-30, 1e-3] as const, scaleParameter: true, relativeStep: true, warmupInit: false };
  assert.equal(adafactorLr(o, 1, 0.5), Math.fround(0.5 * Math.fround(1e-2)));
  assert.equal(adafactorLr(o, 1, 1e-5), 1e-3 * 1e-2);
  assert.equal(adafactorLr({ ...o, scaleParameter: false }, 4, 0.5), 1e-2);
  assert.ok(Math.abs(adafactorLr({ ...o, scaleParameter: false, warmupInit: true }, 100, 0.5) - 1e-4) < 1e-18);
  assert.equal(adafactorLr({ ...o, scaleParameter: false, warmupInit: true }, 1e6, 0.5), 1e-3);
  assert.equal(adafactorLr({ ...o, scaleParameter: false, relativeStep: false, lr: 0.3 }, 100, 0.5), 0.3);
});

test('Adafactor rejects a manual lr with relativeStep, and warmupInit without it', () => {
  const p = () => new Tensor(new Float32Array([1]), [1]).requiresGrad_();
  assert.throws(() => new Adafactor([p()], { lr: 1e-3 }), (e: unknown) => e instanceof ConfigError && e.field === 'lr' && /relativeStep/.test(e.message));
  assert.throws(() => new Adafactor([p()], { lr: 1e-3, relativeStep: false, warmupInit: true }), (e: unknown) => e instanceof ConfigError && e.field === 'warmupInit');
  assert.throws(() => new Adafactor([p()], { relativeStep: false }), /lr: is required/);
  assert.doesNotThrow(() => new Adafactor([p()], { lr: 1e-3, relativeStep: false }));
});
