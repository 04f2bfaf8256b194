/** The shared option-object helpers: strict keys with a "did you mean", zod issues as ConfigErrors, help. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ConfigError } from '../src/errors.js';
import { describeOptions, parseConfig, strictOptions, suggestKey, UnknownOptionError } from '../src/options.js';

const sgdLike = z.strictObject({
  lr: z.number().positive().default(0.01).describe('learning rate'),
  momentum: z.number().min(0).default(0).describe('momentum factor'),
  weightDecay: z.number().min(0).default(0).describe('L2 penalty'),
  nesterov: z.boolean().default(false).describe('Nesterov momentum'),
});

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

test('snake_case, kebab-case and case slips suggest the camelCase key', () => {
  assert.equal(suggestKey('weight_decay', Object.keys(sgdLike.shape)), 'weightDecay');
  assert.equal(suggestKey('warmup_steps', ['warmupSteps', 'totalSteps']), 'warmupSteps');
  assert.equal(suggestKey('total-steps', ['warmupSteps', 'totalSteps']), 'totalSteps');
  assert.equal(suggestKey('T_max', ['tMax', 'etaMin']), 'tMax');
});

test('a key that begins allowed ones suggests the first declared', () => {
  assert.equal(suggestKey('warmup', ['warmupSteps', 'warmupRatio', 'warmupTokens']), 'warmupSteps');
});

test('a typo suggests the nearest key, and an unrelated name suggests nothing', () => {
  assert.equal(suggestKey('dropuot', ['dropout', 'dModel']), 'dropout');
  assert.equal(suggestKey('momentun', Object.keys(sgdLike.shape)), 'momentum');
  assert.equal(suggestKey('batchsize', ['batchSize', 'maxSteps']), 'batchSize');
  assert.equal(suggestKey('colour', Object.keys(sgdLike.shape)), undefined);
});

test('aliases name what the spelling rules cannot find, and an abbreviation finds its key', () => {
  assert.equal(suggestKey('learningRate', Object.keys(sgdLike.shape), { learningRate: 'lr' }), 'lr');
  assert.equal(suggestKey('learning_rate', Object.keys(sgdLike.shape), { learningRate: 'lr' }), 'lr');
  assert.equal(suggestKey('gradAccum', ['epochs', 'gradientAccumulationSteps']), 'gradientAccumulationSteps');
});

test('strictOptions rejects an unknown key, naming it, its owner, the allowed keys and the likely one', () => {
  const err = thrown(() => strictOptions(sgdLike, { lr: 1, weight_decay: 0.5 }, 'SGD'));
  assert.ok(err instanceof UnknownOptionError);
  assert.equal(err.field, 'weight_decay');
  assert.equal(err.key, 'weight_decay');
  assert.equal(err.suggestion, 'weightDecay');
  assert.deepEqual(err.allowed, ['lr', 'momentum', 'weightDecay', 'nesterov']);
  assert.equal(err.message, 'weight_decay: unknown option of SGD; did you mean weightDecay? (allowed: lr, momentum, weightDecay, nesterov)');
});

test('strictOptions names fields under its path and fills the defaults', () => {
  assert.equal(thrown(() => strictOptions(sgdLike, { learningRate: 1 }, 'SGD', { path: 'optimizer', aliases: { learningRate: 'lr' } })).message,
    'optimizer.learningRate: unknown option of SGD; did you mean lr? (allowed: lr, momentum, weightDecay, nesterov)');
  assert.equal(thrown(() => strictOptions(sgdLike, { lr: -1 }, 'SGD', { path: 'optimizer' })).field, 'optimizer.lr');
  assert.deepEqual(strictOptions(sgdLike, { momentum: 0.9 }, 'SGD'), { lr: 0.01, momentum: 0.9, weightDecay: 0, nesterov: false });
  assert.deepEqual(strictOptions(sgdLike, undefined, 'SGD').lr, 0.01);
  assert.match(thrown(() => strictOptions(sgdLike, [1], 'SGD')).message, /the options of SGD must be an object, got \[1\]/);
});

test('zod issues read as ConfigErrors: required, type, bounds, choices, unions, lists', () => {
  const schema = z.strictObject({
    steps: z.int().min(1).describe('s'),
    ratio: z.number().min(0).lt(1).optional().describe('r'),
    mode: z.enum(['min', 'max']).optional().describe('m'),
    minLr: z.union([z.number().min(0), z.array(z.number().min(0))]).optional().describe('l'),
    milestones: z.array(z.int()).optional().describe('ms'),
    size: z.int().nullable().optional().describe('n'),
  });
  const message = (input: unknown) => thrown(() => parseConfig(schema, input, 'schedule')).message;
  assert.equal(message({}), 'schedule.steps: is required');
  assert.equal(message({ steps: '10' }), 'schedule.steps: must be an integer, got "10"');
  assert.equal(message({ steps: 2.5 }), 'schedule.steps: must be an integer, got 2.5');
  assert.equal(message({ steps: 0 }), 'schedule.steps: must be >= 1, got 0');
  assert.equal(message({ steps: 1, ratio: 1 }), 'schedule.ratio: must be < 1, got 1');
  assert.equal(message({ steps: 1, ratio: Infinity }), 'schedule.ratio: must be a finite number, got Infinity');
  assert.equal(message({ steps: 1, mode: 'up' }), 'schedule.mode: unknown value "up" (allowed: min, max)');
  assert.equal(message({ steps: 1, mode: 'MAX' }), 'schedule.mode: unknown value "MAX"; did you mean max? (allowed: min, max)');
  assert.equal(message({ steps: 1, minLr: 'a' }), 'schedule.minLr: must be a number or a list of numbers, got "a"');
  assert.equal(message({ steps: 1, minLr: -1 }), 'schedule.minLr: must be >= 0, got -1');
  assert.equal(message({ steps: 1, milestones: [1, 2.5] }), 'schedule.milestones[1]: must be an integer, got 2.5');
  assert.equal(message({ steps: 1, size: 'x' }), 'schedule.size: must be an integer or null, got "x"');
});

test('an unknown key deep inside a config names its path and suggests the key', () => {
  const config = z.strictObject({ training: z.strictObject({ batchSize: z.int().default(8).describe('b'), maxSteps: z.int().default(1).describe('m') }).prefault({}) });
  const err = thrown(() => parseConfig(config, { training: { maxStep: 5 } }));
  assert.ok(err instanceof UnknownOptionError);
  assert.equal(err.field, 'training.maxStep');
  assert.equal(err.suggestion, 'maxSteps');
  assert.match(err.message, /unknown field 'maxStep' in training; did you mean maxSteps\? \(allowed: batchSize, maxSteps\)/);
});

test('describeOptions lists each field with its description, type, default and whether it is required', () => {
  const schema = z.strictObject({
    totalSteps: z.int().min(1).describe('T'),
    numCycles: z.number().default(0.5).describe('waves'),
    shape: z.enum(['linear', 'cosine']).optional().describe('shape'),
    milestones: z.array(z.int()).describe('steps'),
    threePhase: z.boolean().default(false).describe('three phases'),
  });
  assert.deepEqual(describeOptions(schema), [
    { name: 'totalSteps', description: 'T', type: 'integer', required: true },
    { name: 'numCycles', description: 'waves', type: 'number', default: 0.5, required: false },
    { name: 'shape', description: 'shape', type: 'choice', choices: ['linear', 'cosine'], required: false },
    { name: 'milestones', description: 'steps', type: 'integer[]', required: true },
    { name: 'threePhase', description: 'three phases', type: 'boolean', default: false, required: false },
  ]);
});
