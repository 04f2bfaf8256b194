/**
 * State dicts round-trip exactly: k steps, stateDict(), JSON (numbers and tensor values), a fresh
 * optimizer over fresh parameters with the same values, loadStateDict(), and the remaining steps
 * give the same trajectory, bit for bit, as an uninterrupted run. Every fixture case is resumed
 * after a step at which one parameter had no gradient, so step counts differ between parameters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adafactor, Adam, AdamW, SGD, OptimizerError } from '../../src/optim/index.js';
import { Tensor } from '../../src/tensor/index.js';
import {
  buildOptimizer, freshParams, jsonRoundTrip, loadOptimizerFixture, runCase, stepThrough,
  type AnyOptimizer, type FixtureCase, type MakeOptimizer, type OptimizerFixture,
} from './trajectory.js';

const RESUME_AT = 9;

function resumed(fx: OptimizerFixture, c: FixtureCase, make: MakeOptimizer): Record<string, Float32Array>[] {
  const params = freshParams(fx);
  const first = buildOptimizer(c, params, make);
  const baseLrs = (first.paramGroups as { lr: number | null }[]).map((g) => g.lr);
  const before = stepThrough(fx, c, params, first, 0, RESUME_AT, baseLrs);
  const saved = jsonRoundTrip(first.stateDict());

  const copies = freshParams(fx);
  for (const [name, p] of Object.entries(params)) (copies[name]!.storage as Float32Array).set(p.values() as Float32Array);
  const second: AnyOptimizer = buildOptimizer(c, copies, make);
  second.loadStateDict(saved);
  return [...before, ...stepThrough(fx, c, copies, second, RESUME_AT, fx.steps, baseLrs)];
}

const optimizers: [string, string, MakeOptimizer][] = [
  ['SGD', 'sgd', (g, o) => new SGD(g, o)],
  ['Adam', 'adam', (g, o) => new Adam(g, o)],
  ['AdamW', 'adamw', (g, o) => new AdamW(g, o)],
  ['Adafactor', 'adafactor', (g, o) => new Adafactor(g, o)],
];

for (const [label, file, make] of optimizers) {
  test(`${label}: every fixture case resumed from a JSON state dict continues exactly as an uninterrupted run`, () => {
    const fx = loadOptimizerFixture(file);
    for (const c of fx.cases) {
      const straight = runCase(fx, c, make).trajectory;
      const again = resumed(fx, c, make);
      straight.forEach((step, t) => {
        for (const [name, values] of Object.entries(step)) assert.deepEqual(again[t]![name], values, `${c.name}: ${name} after step ${t + 1}`);
      });
    }
  });
}

test('a state dict keeps step counts per parameter, keyed by position across groups', () => {
  const fx = loadOptimizerFixture('adam');
  const c = fx.cases.find((x) => x.name === 'two groups')!;
  const params = freshParams(fx);
  const opt = buildOptimizer(c, params, (g, o) => new Adam(g, o));
  stepThrough(fx, c, params, opt, 0, RESUME_AT, []);
  const sd = jsonRoundTrip(opt.stateDict());
  // groups: [matrix, tensor3d], [vector]; the vector skipped step 4
  assert.deepEqual(sd.paramGroups.map((g) => g.params), [[0, 1], [2]]);
  assert.deepEqual([0, 1, 2].map((i) => sd.state[i]!.step), [RESUME_AT, RESUME_AT, RESUME_AT - 1]);
});

test('loadStateDict restores each group\'s options, a scheduler\'s lr included', () => {
  const p = () => new Tensor(new Float32Array([1, 2]), [2]).requiresGrad_();
  const a = new AdamW([{ params: [p()] }, { params: [p()], weightDecay: 0 }], { lr: 0.1 });
  a.paramGroups[0]!.lr = 0.0125;
  a.paramGroups[1]!.betas = [0.5, 0.9];
  const b = new AdamW([{ params: [p()] }, { params: [p()], weightDecay: 0 }], { lr: 0.1 });
  b.loadStateDict(jsonRoundTrip(a.stateDict()));
  assert.equal(b.paramGroups[0]!.lr, 0.0125);
  assert.deepEqual(b.paramGroups[1]!.betas, [0.5, 0.9]);
  assert.equal(b.paramGroups[1]!.weightDecay, 0);
});

test('loadStateDict rejects a state dict whose groups do not match the optimizer', () => {
  const p = () => new Tensor(new Float32Array([1]), [1]).requiresGrad_();
  const one = new SGD([p(), p()], { lr: 0.1 });
  const two = new SGD([{ params: [p()] }, { params: [p()] }], { lr: 0.1 });
  assert.throws(() => two.loadStateDict(one.stateDict()), OptimizerError);
  const three = new SGD([p()], { lr: 0.1 });
  assert.throws(() => three.loadStateDict(one.stateDict()), /parameter group/);
});
