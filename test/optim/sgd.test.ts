/** SGD against PyTorch 1.13's torch.optim.SGD (scripts/fixtures/optimizers.py), and its argument rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SGD, OptimizerError, type SGDOptions } from '../../src/optim/index.js';
import { Tensor } from '../../src/tensor/index.js';
import { assertMatchesFixture, loadOptimizerFixture, TRAJECTORY_TOL, type MakeOptimizer } from './trajectory.js';

const fx = loadOptimizerFixture('sgd');
const make: MakeOptimizer = (groups, options) => new SGD(groups, options as Partial<SGDOptions>);

for (const c of fx.cases) {
  test(`SGD (${c.name}) follows PyTorch's trajectory at every step`, (t) => {
    assertMatchesFixture(t, fx, c, make, TRAJECTORY_TOL);
  });
}

const param = () => new Tensor(new Float32Array([1, 2]), [2]).requiresGrad_();

test('SGD takes the first momentum step with the gradient itself, undamped', () => {
  const p = param();
  const sgd = new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
  p.grad = new Tensor(new Float32Array([1, -2]), [2]);
  sgd.step();
  assert.deepEqual(Array.from((sgd.state.get(p)!.momentumBuffer as Tensor).values()), [1, -2]);
  assert.deepEqual(Array.from(p.values()), [Math.fround(0.9), Math.fround(2.2)]);
  sgd.step();
  // then v = 0.9 v + (1 - 0.5) g
  assert.deepEqual(Array.from((sgd.state.get(p)!.momentumBuffer as Tensor).values()), [Math.fround(1.4), Math.fround(-2.8)]);
});

test('SGD without momentum records a null momentum buffer, as PyTorch does', () => {
  const p = param();
  const sgd = new SGD([p], { lr: 0.1 });
  p.grad = new Tensor(new Float32Array([1, 1]), [2]);
  sgd.step();
  assert.deepEqual(sgd.state.get(p), { momentumBuffer: null });
});

test('SGD rejects Nesterov without momentum or with dampening', () => {
  assert.throws(() => new SGD([param()], { lr: 0.1, nesterov: true }), OptimizerError);
  assert.throws(() => new SGD([param()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/);
  assert.throws(() => new SGD([{ params: [param()], nesterov: true }], { lr: 0.1 }), OptimizerError);
});

test('SGD requires an lr, from the defaults or from every group', () => {
  assert.throws(() => new SGD([param()]), /required optimization parameter lr/);
  assert.throws(() => new SGD([{ params: [param()], lr: 0.1 }, { params: [param()] }]), /required optimization parameter lr/);
  assert.doesNotThrow(() => new SGD([{ params: [param()], lr: 0.1 }]));
});

test('SGD rejects a negative lr, momentum or weight decay', () => {
  assert.throws(() => new SGD([param()], { lr: -1 }), /Invalid learning rate/);
  assert.throws(() => new SGD([param()], { lr: 0.1, momentum: -0.1 }), /Invalid momentum/);
  assert.throws(() => new SGD([param()], { lr: 0.1, weightDecay: -0.1 }), /Invalid weightDecay/);
});
