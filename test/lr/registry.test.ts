/** Specs by name: what configs and the CLI give; every error names the field and lists what is allowed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { buildSchedule, cosine, getScheduleEntry, scheduleNames, validateScheduleSpec, type ScheduleSpec } from '../../src/lr/index.js';

function configError(fn: () => unknown, field: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
    assert.equal(e.field, field);
    assert.match(e.message, message);
    return true;
  });
}

test('the registry holds every family of issue 4 under Hugging Face and PyTorch names', () => {
  for (const name of [
    'constant', 'constant_with_warmup', 'linear', 'cosine', 'cosine_with_min_lr', 'cosine_with_restarts', 'polynomial', 'inverse_sqrt',
    'noam', 'warmup_stable_decay', 'reduce_lr_on_plateau', 'LinearLR', 'ConstantLR', 'StepLR', 'MultiStepLR', 'ExponentialLR',
    'CosineAnnealingLR', 'CosineAnnealingWarmRestarts', 'OneCycleLR', 'PolynomialLR', 'ReduceLROnPlateau',
  ]) assert.ok(scheduleNames.includes(name), name);
});

test('an unknown name is an error listing every allowed name', () => {
  configError(() => getScheduleEntry('cosin'), 'schedule.name', /unknown schedule "cosin"; did you mean cosine\? \(allowed: constant, constant_with_warmup, linear, cosine,.*PolynomialLR/);
});

test('an unknown option is an error listing the options of that family', () => {
  configError(() => validateScheduleSpec({ name: 'cosine', totalSteps: 10, num_cycles: 2 }), 'schedule.num_cycles',
    /unknown option of cosine; did you mean numCycles\? \(allowed: warmupSteps, warmupRatio, warmupTokens, tokensPerStep, totalSteps, numCycles, minLr, minLrRatio\)/);
});

test('options are type-checked before anything is built', () => {
  configError(() => validateScheduleSpec({ name: 'StepLR', stepSize: '10' }), 'schedule.stepSize', /must be an integer, got "10"/);
  configError(() => validateScheduleSpec({ name: 'OneCycleLR', annealStrategy: 'cosine' }), 'schedule.annealStrategy', /unknown value "cosine" \(allowed: cos, linear\)/);
  configError(() => validateScheduleSpec({ name: 'MultiStepLR', milestones: 10 }), 'schedule.milestones', /a list of numbers/);
  configError(() => validateScheduleSpec('cosine'), 'schedule', /must be an object/);
});

test('a family\'s own errors come back under the spec\'s path', () => {
  configError(() => buildSchedule({ name: 'linear', warmupSteps: 10 }), 'schedule.totalSteps', /is required/);
  configError(() => buildSchedule({ name: 'polynomial', totalSteps: 10 }, { baseLr: 1e-8 }), 'schedule.lrEnd', /must be smaller than the base LR/);
  const nested: ScheduleSpec = { sequential: [{ name: 'LinearLR' }, { name: 'CosineAnnealingLR' }], milestones: [5] };
  configError(() => buildSchedule(nested), 'schedule.sequential[1].tMax', /is required/);
});

test('a sequential spec checks its keys, milestones and phases', () => {
  configError(() => validateScheduleSpec({ sequential: [{ name: 'constant' }], milestones: [], extra: 1 }), 'schedule.extra',
    /unknown option of sequential \(allowed: sequential, milestones\)/);
  configError(() => validateScheduleSpec({ sequential: [{ name: 'constant' }, { name: 'constant' }], milestones: [] }), 'schedule.milestones',
    /one milestone fewer than schedules/);
  configError(() => validateScheduleSpec({ sequential: [{ name: 'constant' }, { name: 'ReduceLROnPlateau' }], milestones: [3] }),
    'schedule.sequential[1].name', /driven by a metric/);
});

test('cosine_with_min_lr requires its floor, as Hugging Face does', () => {
  configError(() => buildSchedule({ name: 'cosine_with_min_lr', totalSteps: 10 }), 'schedule.minLr', /one of minLr or minLrRatio is required/);
  assert.equal(buildSchedule({ name: 'cosine_with_min_lr', totalSteps: 10, minLrRatio: 0.2 })(10), 0.2);
});

test('a spec builds the same function as the family called directly', () => {
  const f = buildSchedule({ name: 'cosine', warmupSteps: 10, totalSteps: 100, minLr: 1e-5 }, { baseLr: 1e-3 });
  const g = cosine({ warmupSteps: 10, totalSteps: 100, minLr: 1e-5, baseLr: 1e-3 });
  for (let t = 0; t < 120; t++) assert.equal(f(t), g(t));
});

test('the context\'s totalSteps reaches a top-level spec but not the phases of a sequence', () => {
  assert.equal(buildSchedule({ name: 'linear' }, { totalSteps: 10 })(5), 0.5);
  configError(() => buildSchedule({ sequential: [{ name: 'constant' }, { name: 'linear' }], milestones: [5] }, { totalSteps: 10 }),
    'schedule.sequential[1].totalSteps', /is required/);
  assert.equal(buildSchedule({ name: 'cosine', warmupTokens: 4000, totalSteps: 100 }, { tokensPerStep: 400 })(5), 0.5);
});
