/** SGD against PyTorch 1.13's torch.optim.SGD (scripts/fixtures/optimizers.py), and its argument rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { UnknownOptionError } from '../../src/options.js';
import { SGD, type SGDOptions } from '../../src/optim/index.js';
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

/** The field a ConfigError names, for assertions. */
const fieldOf = (f: () => unknown): string | undefined => {
  try { f(); } catch (e) { if (e instanceof ConfigError) return e.field; throw e; }
  return undefined;
};

test('SGD rejects Nesterov without momentum or with dampening, naming the field', () => {
  assert.equal(fieldOf(() => new SGD([param()], { lr: 0.1, nesterov: true })), 'nesterov');
  assert.throws(() => new SGD([param()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/);
  assert.equal(fieldOf(() => new SGD([{ params: [param()], nesterov: true }], { lr: 0.1 })), 'paramGroups[0].nesterov');
});

test('SGD requires an lr, from the defaults or from every group', () => {
  assert.equal(fieldOf(() => new SGD([param()])), 'lr');
  assert.equal(fieldOf(() => new SGD([{ params: [param()], lr: 0.1 }, { params: [param()] }])), 'lr');
  assert.doesNotThrow(() => new SGD([{ params: [param()], lr: 0.1 }]));
});

test('SGD rejects a negative lr, momentum or weight decay, naming the field', () => {
  assert.throws(() => new SGD([param()], { lr: -1 }), /^ConfigError: lr: must be >= 0, got -1$/m);
  assert.equal(fieldOf(() => new SGD([param()], { lr: 0.1, momentum: -0.1 })), 'momentum');
  assert.equal(fieldOf(() => new SGD([{ params: [param()], weightDecay: -0.1 }], { lr: 0.1 })), 'paramGroups[0].weightDecay');
});

test('SGD rejects an unknown option and suggests the right name', () => {
  const err = (() => { try { new SGD([param()], { lr: 1, weight_decay: 0.5 } as never); } catch (e) { return e; } })();
  assert.ok(err instanceof UnknownOptionError);
  assert.match(err.message, /^weight_decay: unknown option of SGD; did you mean weightDecay\?/);
});

test('SGD rejects an unknown option in a parameter group, naming the group', () => {
  assert.throws(
    () => new SGD([{ params: [param()] }, { params: [param()], momentun: 0.9 } as never], { lr: 1 }),
    (e: unknown) => e instanceof UnknownOptionError && /^paramGroups\[1\]\.momentun: unknown option of SGD; did you mean momentum\?/.test(e.message),
  );
});

test('an option given as undefined keeps its default', () => {
  const sgd = new SGD([param()], { lr: 0.1, momentum: undefined });
  assert.equal(sgd.paramGroups[0]!.momentum, 0);
});
