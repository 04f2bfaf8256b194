/** LRScheduler: when it sets the LR, per-group scaling, exact resume, and the stepping-order warning. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdamW } from '../../src/optim/index.js';
import { Tensor } from '../../src/tensor/index.js';
import { cosine, createScheduler, linear, LRScheduler, ReduceLROnPlateau, type ScheduleSpec } from '../../src/lr/index.js';

/** A real AdamW over two groups with different base LRs. */
function adamW(): AdamW {
  const p = () => Tensor.zeros([2]).requiresGrad_();
  return new AdamW([{ params: [p()], lr: 3e-4 }, { params: [p()], lr: 1e-3 }]);
}

/** The LRs each optimizer step runs at, for a loop of `steps` steps (optimizer.step, then scheduler.step). */
function trainLoop(optimizer: AdamW, scheduler: LRScheduler, steps: number): number[][] {
  const seen: number[][] = [];
  for (let t = 0; t < steps; t++) {
    seen.push(optimizer.paramGroups.map((g) => g.lr));
    optimizer.step();
    scheduler.step();
  }
  return seen;
}

test('the scheduler sets the LR of step 0 when it is created', () => {
  const optimizer = adamW();
  new LRScheduler(optimizer, linear({ warmupSteps: 10, totalSteps: 100 }));
  assert.deepEqual(optimizer.paramGroups.map((g) => g.lr), [0, 0]);
});

test('the (t+1)-th update runs at baseLr * factor(t), for each group with its own base LR', () => {
  const optimizer = adamW();
  const schedule = cosine({ warmupSteps: 5, totalSteps: 50 });
  const scheduler = new LRScheduler(optimizer, schedule, { warn: () => assert.fail('no warning in the right order') });
  const seen = trainLoop(optimizer, scheduler, 60);
  seen.forEach((lrs, t) => assert.deepEqual(lrs, [3e-4 * schedule(t), 1e-3 * schedule(t)]));
  assert.deepEqual(scheduler.getLastLr(), [3e-4 * schedule(60), 1e-3 * schedule(60)]);
  assert.deepEqual(scheduler.baseLrs, [3e-4, 1e-3]);
  assert.deepEqual(optimizer.paramGroups.map((g) => g.initialLr), [3e-4, 1e-3]);
});

test('a spec is built per group, so absolute options (etaMin) apply to each base LR as in PyTorch', () => {
  const optimizer = { paramGroups: [{ lr: 3e-4 }, { lr: 1e-3 }] };
  const scheduler = new LRScheduler(optimizer, { name: 'CosineAnnealingLR', tMax: 10, etaMin: 1e-4 });
  for (let t = 0; t < 10; t++) scheduler.step();
  const [a, b] = scheduler.getLastLr();
  assert.ok(Math.abs(a! - 1e-4) < 1e-18 && Math.abs(b! - 1e-4) < 1e-18, `both groups reach etaMin, got ${a}, ${b}`);
});

test('a list of schedules gives each group its own, as LambdaLR takes a list of lambdas', () => {
  const optimizer = { paramGroups: [{ lr: 3e-4 }, { lr: 1e-3 }] };
  const scheduler = new LRScheduler(optimizer, [() => 0.5, (t) => 1 / (t + 1)]);
  scheduler.step();
  assert.deepEqual(scheduler.getLastLr(), [1.5e-4, 5e-4]);
  assert.throws(() => new LRScheduler(adamW(), [() => 1]), /expected 2 schedules/);
});

const resumeSpecs: [string, ScheduleSpec][] = [
  ['cosine with warmup ratio and minLr', { name: 'cosine', warmupRatio: 0.1, totalSteps: 300, minLr: 1e-5 }],
  ['polynomial', { name: 'polynomial', warmupSteps: 30, totalSteps: 300, power: 2 }],
  ['LinearLR + CosineAnnealingLR', { sequential: [{ name: 'LinearLR', startFactor: 0.01, totalIters: 50 }, { name: 'CosineAnnealingLR', tMax: 250, etaMin: 1e-5 }], milestones: [50] }],
  ['OneCycleLR with momentum', { name: 'OneCycleLR', totalSteps: 300, threePhase: true }],
  ['warmup_stable_decay', { name: 'warmup_stable_decay', warmupSteps: 20, decaySteps: 60, totalSteps: 300, decayType: '1-sqrt' }],
];

for (const [label, spec] of resumeSpecs) {
  test(`stopping at step k and resuming in a fresh optimizer and scheduler gives identical LRs: ${label}`, () => {
    const steps = 300;
    const full = adamW();
    const uninterrupted = trainLoop(full, new LRScheduler(full, spec), steps);
    for (const k of [0, 1, 37, 150]) {
      const before = adamW();
      const first = new LRScheduler(before, spec);
      const head = trainLoop(before, first, k);
      // a checkpoint: both states through JSON, restored into objects built from scratch
      const saved = JSON.parse(JSON.stringify({ optimizer: before.stateDict(), scheduler: first.stateDict() }));
      const after = adamW();
      after.loadStateDict(saved.optimizer);
      const resumed = new LRScheduler(after, spec, { warn: () => assert.fail('no warning on a correct resume') });
      resumed.loadStateDict(saved.scheduler);
      const tail = trainLoop(after, resumed, steps - k);
      assert.deepEqual([...head, ...tail], uninterrupted, `resumed at ${k}`);
      assert.deepEqual(after.paramGroups.map((g) => g.betas), full.paramGroups.map((g) => g.betas));
    }
  });
}

test('the scheduler state alone restores the LRs into an optimizer that was not restored', () => {
  const a = adamW();
  const s = new LRScheduler(a, { name: 'linear', warmupSteps: 10, totalSteps: 100 });
  trainLoop(a, s, 42);
  const b = adamW();
  const r = new LRScheduler(b, { name: 'linear', warmupSteps: 10, totalSteps: 100 });
  r.loadStateDict(s.stateDict());
  assert.deepEqual(b.paramGroups.map((g) => g.lr), a.paramGroups.map((g) => g.lr));
  assert.equal(r.lastEpoch, 42);
});

test('loadStateDict rejects a state for a different number of groups', () => {
  const s = new LRScheduler({ paramGroups: [{ lr: 1 }] }, () => 1);
  assert.throws(() => s.loadStateDict({ lastEpoch: 3, baseLrs: [1, 2], lastLr: [1, 2] }), /stateDict.baseLrs: has 2 groups, the optimizer has 1/);
  assert.throws(() => s.loadStateDict({ lastEpoch: -1, baseLrs: [1], lastLr: [1] }), /stateDict/);
});

test('stepping the scheduler before the optimizer warns once', () => {
  const optimizer = adamW();
  const warnings: string[] = [];
  const scheduler = new LRScheduler(optimizer, () => 1, { warn: (m) => warnings.push(m) });
  scheduler.step();
  scheduler.step();
  optimizer.step();
  scheduler.step();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /called before optimizer\.step\(\)/);
});

test('a second scheduler on the same optimizer counts optimizer steps from its own creation', () => {
  const optimizer = adamW();
  new LRScheduler(optimizer, () => 1);
  optimizer.step();
  const warnings: string[] = [];
  const second = new LRScheduler(optimizer, () => 1, { warn: (m) => warnings.push(m) });
  second.step();
  assert.equal(warnings.length, 1);
});

test('the default warning goes through process.emitWarning with its own code', () => {
  const seen: [string, unknown][] = [];
  const original = process.emitWarning;
  process.emitWarning = ((message: string, options: unknown) => void seen.push([message, options])) as typeof process.emitWarning;
  try {
    new LRScheduler(adamW(), () => 1).step();
  } finally {
    process.emitWarning = original;
  }
  assert.equal(seen.length, 1);
  assert.match(seen[0]![0], /before optimizer\.step\(\)/);
  assert.deepEqual(seen[0]![1], { code: 'ANNEAL_LR_SCHEDULER_ORDER' });
});

test('OneCycleLR cycles beta1 and needs groups that have betas or momentum', () => {
  const optimizer = adamW();
  new LRScheduler(optimizer, { name: 'OneCycleLR', totalSteps: 100 });
  assert.deepEqual(optimizer.paramGroups.map((g) => g.betas), [[0.95, 0.999], [0.95, 0.999]]);
  assert.throws(() => new LRScheduler({ paramGroups: [{ lr: 1 }] }, { name: 'OneCycleLR', totalSteps: 100 }), /cycleMomentum: parameter group 0 has neither betas nor momentum/);
  const sgdLike = { paramGroups: [{ lr: 1, momentum: 0.9 }] };
  new LRScheduler(sgdLike, { name: 'OneCycleLR', totalSteps: 100 });
  assert.equal(sgdLike.paramGroups[0]!.momentum, 0.95);
});

test('createScheduler returns a ReduceLROnPlateau for a metric-driven spec and an LRScheduler otherwise', () => {
  assert.ok(createScheduler(adamW(), { name: 'reduce_lr_on_plateau', patience: 2 }) instanceof ReduceLROnPlateau);
  assert.ok(createScheduler(adamW(), { name: 'constant' }) instanceof LRScheduler);
  assert.throws(() => new LRScheduler(adamW(), { name: 'ReduceLROnPlateau' }), /driven by a metric/);
});

test('context.totalSteps fills a spec that leaves T to the trainer', () => {
  const optimizer = { paramGroups: [{ lr: 1 }] };
  const s = new LRScheduler(optimizer, { name: 'linear', warmupRatio: 0.1 }, { context: { totalSteps: 200 } });
  assert.deepEqual(s.lrAt(20), [1]);
  assert.deepEqual(s.lrAt(110), [0.5]);
});
