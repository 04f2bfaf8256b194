import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, train } from 'anneal';

test('an empty config gets the defaults of the built-in example', () => {
  const c = train.parseTrainConfig({});
  assert.equal(c.task, 'numbers-to-words');
  assert.equal(c.optimizer.name, 'adamw');
  assert.equal(c.training.labelSmoothing, 0.1);
  assert.equal(c.training.clipGradNorm, 1);
  assert.deepEqual(c.schedule, { name: 'noam', warmupSteps: 100, factor: 0.1, dModel: c.model.dModel });
});

function configError(input: unknown): ConfigError {
  try {
    train.parseTrainConfig(input);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected parseTrainConfig to throw');
}

test('a bad enum value names the field and the allowed values', () => {
  const err = configError({ model: { activation: 'tanh' } });
  assert.equal(err.field, 'model.activation');
  assert.deepEqual(err.allowed, ['relu', 'gelu', 'gelu_tanh']);
});

test('an unknown field names it and lists the fields allowed there', () => {
  const err = configError({ training: { batchsize: 8 } });
  assert.equal(err.field, 'training.batchsize');
  assert.ok(err.allowed!.includes('batchSize'));
  const top = configError({ modle: {} });
  assert.equal(top.field, 'modle');
  assert.ok(top.allowed!.includes('model'));
});

test('a bad number names the field', () => {
  assert.equal(configError({ training: { batchSize: 0 } }).field, 'training.batchSize');
  assert.equal(configError({ model: { dropout: 1.5 } }).field, 'model.dropout');
});

test('cross-field rules are checked: heads must divide the width', () => {
  const err = configError({ model: { dModel: 30, nhead: 4 } });
  assert.equal(err.field, 'model.nhead');
});

test('the schedule is validated by the schedule registry, with the allowed names', () => {
  const err = configError({ schedule: { name: 'cosin' } });
  assert.match(err.field, /^schedule/);
  assert.ok(err.allowed?.includes('cosine'));
});
