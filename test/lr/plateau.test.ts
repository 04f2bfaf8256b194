/** ReduceLROnPlateau against PyTorch 1.13 driven by the same metric sequences, and its state round trip. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, readFixture } from '../helpers/index.js';
import { createScheduler, ReduceLROnPlateau, type ReduceLROnPlateauOptions } from '../../src/lr/index.js';

interface PlateauCase {
  id: string;
  spec: { name: string; [option: string]: unknown } & ReduceLROnPlateauOptions;
  baseLrs: number[];
  metrics: number[];
  lr: number[][];
}

const { cases } = readFixture<{ cases: PlateauCase[] }>('lr/plateau.json');
const groupsOf = (lrs: number[]) => ({ paramGroups: lrs.map((lr) => ({ lr })) });

for (const c of cases) {
  test(`${c.id} reduces the LR at the same evaluations as PyTorch`, () => {
    const optimizer = groupsOf(c.baseLrs);
    const scheduler = createScheduler(optimizer, c.spec);
    assert.ok(scheduler instanceof ReduceLROnPlateau);
    const lr = c.baseLrs.map((): number[] => []);
    for (const m of c.metrics) {
      scheduler.step(m);
      scheduler.getLastLr().forEach((v, i) => lr[i]!.push(v));
    }
    assertClose(lr, c.lr, { rtol: 1e-6, atol: 0 }, c.id);
    assert.ok(c.lr[0]!.at(-1)! < c.baseLrs[0]!, 'the fixture reduces the LR at least once');
  });
}

test('ReduceLROnPlateau resumes exactly from its state dict', () => {
  const c = cases.find((x) => x.id.endsWith('patience3-cooldown5'))!;
  const { name: _name, ...options } = c.spec;
  const first = new ReduceLROnPlateau(groupsOf(c.baseLrs), options);
  const k = 437;
  for (const m of c.metrics.slice(0, k)) first.step(m);
  const saved = JSON.parse(JSON.stringify(first.stateDict()));
  const optimizer = groupsOf(c.baseLrs);
  const resumed = new ReduceLROnPlateau(optimizer, options);
  resumed.loadStateDict(saved);
  const lr: number[] = [];
  for (const m of c.metrics.slice(k)) {
    resumed.step(m);
    lr.push(optimizer.paramGroups[0]!.lr);
  }
  assert.deepEqual(lr, c.lr[0]!.slice(k));
});

test('ReduceLROnPlateau state survives JSON before the first evaluation (best = Infinity)', () => {
  const s = new ReduceLROnPlateau(groupsOf([0.1]));
  const saved = JSON.parse(JSON.stringify(s.stateDict()));
  assert.equal(saved.best, 'Infinity');
  const t = new ReduceLROnPlateau(groupsOf([0.1]));
  t.loadStateDict(saved);
  assert.equal(t.best, Infinity);
});

test('ReduceLROnPlateau rejects a factor of 1 or more and a minLr list of the wrong length', () => {
  assert.throws(() => new ReduceLROnPlateau(groupsOf([0.1]), { factor: 1 }), /factor: must be < 1/);
  assert.throws(() => new ReduceLROnPlateau(groupsOf([0.1, 0.2]), { minLr: [0.1] }), /minLr: expected 2 values/);
  assert.throws(() => new ReduceLROnPlateau(groupsOf([0.1]), { mode: 'up' as 'min' }), /mode: unknown value "up" \(allowed: min, max\)/);
});
