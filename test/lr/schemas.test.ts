/** Every family's options are one described zod schema: strict keys with suggestions, help text and types. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { describeOptions, UnknownOptionError } from '../../src/options.js';
import {
  buildSchedule, cosine, createScheduler, linearLR, noam, ReduceLROnPlateau, scheduleRegistry, sequentialOptions, validateScheduleSpec,
  type ScheduleOptionsOf, type TypedScheduleSpec,
} from '../../src/lr/index.js';

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function unknownOption(fn: () => unknown): UnknownOptionError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UnknownOptionError, `expected an UnknownOptionError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an unknown option to be rejected');
}

test('every registered family describes itself and every one of its options', () => {
  assert.ok(scheduleRegistry.size >= 21);
  for (const entry of scheduleRegistry.values()) {
    assert.ok(entry.description.length > 10, `${entry.name} has a description`);
    for (const option of describeOptions(entry.options)) {
      assert.ok(option.description.length > 5, `${entry.name}.${option.name} has a description`);
      assert.notEqual(option.type, 'other', `${entry.name}.${option.name} has a type the command line can read`);
    }
  }
  for (const option of describeOptions(sequentialOptions)) assert.ok(option.description.length > 5, `sequential.${option.name} has a description`);
});

test('the snake_case spelling of any option of any family suggests its camelCase name', () => {
  for (const entry of scheduleRegistry.values()) {
    for (const key of Object.keys(entry.options.shape)) {
      if (snake(key) === key) continue;
      const err = unknownOption(() => validateScheduleSpec({ name: entry.name, [snake(key)]: 1 }));
      assert.equal(err.field, `schedule.${snake(key)}`);
      assert.equal(err.suggestion, key, `${entry.name}: ${snake(key)}`);
      assert.ok(err.message.includes(`unknown option of ${entry.name}; did you mean ${key}?`), err.message);
    }
  }
});

test('the names users bring from Hugging Face and elsewhere suggest ours', () => {
  const suggestion = (spec: Record<string, unknown>) => unknownOption(() => validateScheduleSpec({ name: 'cosine', totalSteps: 10, ...spec })).suggestion;
  assert.equal(suggestion({ warmup_steps: 10 }), 'warmupSteps');
  assert.equal(suggestion({ warmup: 10 }), 'warmupSteps');
  assert.equal(suggestion({ total_steps: 10 }), 'totalSteps');
  assert.equal(suggestion({ num_warmup_steps: 10 }), 'warmupSteps');
  assert.equal(suggestion({ num_training_steps: 10 }), 'totalSteps');
  assert.equal(suggestion({ min_lr_rate: 0.1 }), 'minLrRatio');
  assert.equal(unknownOption(() => validateScheduleSpec({ name: 'noam', dModel: 8, model_size: 8 })).suggestion, 'dModel');
  assert.equal(unknownOption(() => validateScheduleSpec({ name: 'CosineAnnealingLR', T_max: 10 })).suggestion, 'tMax');
});

test('families called directly reject unknown options too', () => {
  assert.equal(unknownOption(() => cosine({ totalSteps: 10, num_cycles: 2 } as never)).message,
    'num_cycles: unknown option of cosine; did you mean numCycles? (allowed: warmupSteps, warmupRatio, warmupTokens, tokensPerStep, totalSteps, numCycles, minLr, minLrRatio)');
  assert.equal(unknownOption(() => linearLR({ start_factor: 0.5 } as never)).suggestion, 'startFactor');
  assert.equal(unknownOption(() => new ReduceLROnPlateau({ paramGroups: [{ lr: 1 }] }, { patiance: 3 } as never)).suggestion, 'patience');
  assert.equal(unknownOption(() => createScheduler({ paramGroups: [{ lr: 1 }] }, { name: 'ReduceLROnPlateau', min_lr: 0.1 })).field, 'schedule.min_lr');
});

test('an unknown option inside a sequence names its phase', () => {
  const err = unknownOption(() => buildSchedule({ sequential: [{ name: 'LinearLR', total_iters: 5 }, { name: 'constant' }], milestones: [5] }));
  assert.equal(err.field, 'schedule.sequential[0].total_iters');
  assert.equal(err.suggestion, 'totalIters');
});

test('a spec is checked against the schema before anything is built: ranges, required options, choices', () => {
  const field = (spec: unknown) => {
    try {
      validateScheduleSpec(spec);
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.message;
    }
    return 'valid';
  };
  assert.equal(field({ name: 'cosine', numCycles: -1 }), 'schedule.numCycles: must be >= 0, got -1');
  assert.equal(field({ name: 'StepLR' }), 'schedule.stepSize: is required');
  assert.equal(field({ name: 'warmup_stable_decay', decaySteps: 5, decayType: 'exp' }), 'schedule.decayType: unknown value "exp" (allowed: linear, cosine, 1-sqrt)');
  assert.equal(field({ name: 'ReduceLROnPlateau', factor: 1 }), 'schedule.factor: must be < 1, got 1');
  // a top-level spec may leave totalSteps to the run; a phase of a sequence may not
  assert.equal(field({ name: 'cosine' }), 'valid');
  assert.equal(field({ sequential: [{ name: 'constant' }, { name: 'cosine' }], milestones: [3] }), 'schedule.sequential[1].totalSteps: is required');
});

test('the option types come from the schemas', () => {
  const spec: TypedScheduleSpec = { name: 'cosine', totalSteps: 1000, numCycles: 0.5 };
  const sequence: TypedScheduleSpec = { sequential: [{ name: 'LinearLR', startFactor: 0.1 }, { name: 'CosineAnnealingLR', tMax: 900 }], milestones: [100] };
  // @ts-expect-error num_cycles is not an option of cosine
  const misspelt: TypedScheduleSpec = { name: 'cosine', totalSteps: 1000, num_cycles: 2 };
  // @ts-expect-error numCycles is a number
  const wrongType: ScheduleOptionsOf<'cosine'> = { totalSteps: 1000, numCycles: 'half' };
  assert.throws(
    // @ts-expect-error noam needs dModel
    () => noam({ warmupSteps: 10 }),
    /dModel: is required/,
  );
  const options: ScheduleOptionsOf<'OneCycleLR'> = { totalSteps: 100, annealStrategy: 'linear' };
  assert.equal(buildSchedule(spec)(0), 1);
  assert.ok(buildSchedule(sequence));
  assert.ok(misspelt && wrongType);
  assert.ok(buildSchedule({ name: 'OneCycleLR', ...options })(0) > 0);
});
