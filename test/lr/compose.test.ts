/** join hands each phase its local step; sequential is PyTorch's SequentialLR over milestones. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constant, join, linearLR, oneCycleLR, sequential, type Schedule } from '../../src/lr/index.js';

const identity: Schedule = (t) => t;

test('join gives each phase the step counted from its own start, and the last phase runs on', () => {
  const f = join([{ schedule: identity, steps: 3 }, { schedule: (t) => 100 + t, steps: 2 }, { schedule: (t) => 1000 + t }]);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map(f), [0, 1, 2, 100, 101, 1000, 1004]);
});

test('a phase of zero steps is skipped', () => {
  const f = join([{ schedule: () => -1, steps: 0 }, { schedule: identity }]);
  assert.deepEqual([0, 1].map(f), [0, 1]);
});

test('sequential switches at each milestone and restarts the next schedule at 0', () => {
  const f = sequential([linearLR({ startFactor: 0.5, totalIters: 2 }), identity, constant()], [2, 5]);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map(f), [0.5, 0.75, 0, 1, 2, 1, 1]);
});

test('sequential checks its milestones as PyTorch does, and more strictly', () => {
  assert.throws(() => sequential([identity, identity], []), /expects one milestone fewer than schedules, got 2 schedules and 0 milestones/);
  assert.throws(() => sequential([identity, identity, identity], [5, 5]), /milestones\[1\]: milestones must increase, got 5 after 5/);
  assert.throws(() => sequential([identity, identity], [0]), /milestones\[0\]: must be >= 1/);
});

test('a phase that cycles momentum keeps doing so inside a composition', () => {
  const cycle = oneCycleLR({ totalSteps: 10 });
  const f = sequential([constant(), cycle], [5]);
  assert.equal(f.momentum!(0), undefined);
  assert.equal(f.momentum!(5), cycle.momentum!(0));
  assert.equal(sequential([constant(), constant()], [1]).momentum, undefined);
});
