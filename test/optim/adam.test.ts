/** Adam and AdamW against PyTorch 1.13's torch.optim.Adam / AdamW (scripts/fixtures/optimizers.py). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, AdamW, type AdamOptions } from '../../src/optim/index.js';
import { Tensor } from '../../src/tensor/index.js';
import { assertMatchesFixture, loadOptimizerFixture, TRAJECTORY_TOL, type MakeOptimizer } from './trajectory.js';


const adam = loadOptimizerFixture('adam');
const makeAdam: MakeOptimizer = (groups, options) => new Adam(groups, options as Partial<AdamOptions>);
for (const c of adam.cases) {
  test(`Adam (${c.name}) follows PyTorch's trajectory at every step`, (t) => {
    assertMatchesFixture(t, adam, c, makeAdam, TRAJECTORY_TOL);
  });
}

const adamw = loadOptimizerFixture('adamw');
const makeAdamW: MakeOptimizer = (groups, options) => new AdamW(groups, options as Partial<AdamOptions>);
for (const c of adamw.cases) {
  test(`AdamW (${c.name}) follows PyTorch's trajectory at every step`, (t) => {
    assertMatchesFixture(t, adamw, c, makeAdamW, TRAJECTORY_TOL);
  });
}

test("AdamW's defaults are PyTorch's: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weightDecay 1e-2", () => {
  const p = new Tensor(new Float32Array([1]), [1]).requiresGrad_();
  const { lr, betas, eps, weightDecay, amsgrad, maximize } = new AdamW([p]).defaults;
  assert.deepEqual({ lr, betas, eps, weightDecay, amsgrad, maximize }, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false });
  assert.equal(new Adam([p]).defaults.weightDecay, 0);
});

test('AdamW shrinks parameters by lr * weightDecay before the Adam step; Adam adds weightDecay * p to the gradient', () => {
  // a zero gradient isolates the decay: AdamW still decays, Adam's decayed gradient moves p by a full Adam step
  const a = new Tensor(new Float32Array([2]), [1]).requiresGrad_();
  const w = new Tensor(new Float32Array([2]), [1]).requiresGrad_();
  const adamOpt = new Adam([a], { lr: 0.1, weightDecay: 0.5 });
  const adamwOpt = new AdamW([w], { lr: 0.1, weightDecay: 0.5 });
  a.grad = new Tensor(new Float32Array([0]), [1]);
  w.grad = new Tensor(new Float32Array([0]), [1]);
  adamOpt.step();
  adamwOpt.step();
  assert.equal(w.item(), Math.fround(2 * Math.fround(1 - 0.1 * 0.5)));
  assert.ok(Math.abs(a.item() - (2 - 0.1)) < 1e-6, `Adam moved by a normalised step: ${a.item()}`);
});
