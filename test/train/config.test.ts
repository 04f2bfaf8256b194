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

test('cross-field rules: betas below 1, Nesterov needs momentum and SGD, held-out sets must fit, digits stay exact', () => {
  assert.equal(configError({ optimizer: { betas: [0.9, 1] } }).field, 'optimizer.betas[1]');
  assert.match(configError({ optimizer: { name: 'sgd', nesterov: true } }).message, /optimizer\.nesterov: Nesterov momentum needs optimizer\.momentum > 0/);
  assert.equal(configError({ optimizer: { name: 'adamw', nesterov: true, momentum: 0.9 } }).field, 'optimizer.nesterov');
  assert.match(configError({ data: { maxDigits: 2, validSize: 40, testSize: 20 } }).message, /data\.validSize: 40 validation \+ 20 test numbers do not fit/);
  assert.equal(configError({ data: { maxDigits: 16 } }).field, 'data.maxDigits');
  assert.equal(configError({ training: { maxSteps: null } }).field, 'training.maxSteps');
  assert.equal(configError({ training: { maxSteps: null, maxEpochs: 2 } }).field, 'training.maxEpochs');
});

test('the task picks its sections: an unknown task lists the tasks, a language model needs data.path', () => {
  const err = configError({ task: 'vision' });
  assert.equal(err.field, 'task');
  assert.deepEqual(err.allowed, ['numbers-to-words', 'language-model', 'seq2seq']);
  assert.equal(configError({ task: 'language-model' }).field, 'data.path');
  assert.equal(configError({ task: 'language-model', data: { path: 'x.txt', maxDigits: 3 } }).field, 'data.maxDigits');
  assert.equal(configError({ task: 'seq2seq', data: { path: 'x.tsv', contextLength: 3 } }).field, 'data.contextLength');
  assert.equal(configError({ task: 'language-model', data: { path: 'x.txt', tokenizer: { type: 'huggingface' } } }).field, 'data.tokenizer.path');
});

test("the default learning rate fits the schedule: 1 for noam's own scale, 1e-3 otherwise (0.01 for SGD)", () => {
  assert.equal(train.parseTrainConfig({}).optimizer.lr, 1);
  assert.equal(train.parseTrainConfig({ schedule: { name: 'cosine', warmupSteps: 10 } }).optimizer.lr, 1e-3);
  assert.equal(train.parseTrainConfig({ schedule: { name: 'constant' }, optimizer: { name: 'sgd' } }).optimizer.lr, 0.01);
  assert.equal(train.parseTrainConfig({ schedule: { name: 'cosine' }, optimizer: { lr: 5e-4 } }).optimizer.lr, 5e-4);
});

test('a schedule shorter than the run is an error where it would misbehave, a warning where it would flatten', () => {
  const err = configError({ schedule: { name: 'cosine', totalSteps: 100 }, training: { maxSteps: 200 } });
  assert.equal(err.field, 'schedule.totalSteps');
  assert.match(err.message, /cosine would climb back up/);
  assert.equal(configError({ schedule: { name: 'CosineAnnealingLR', tMax: 50 }, training: { maxSteps: 200 } }).field, 'schedule.tMax');
  const ok = train.parseTrainConfig({ schedule: { name: 'linear', totalSteps: 100 }, training: { maxSteps: 200 } });
  assert.match(train.scheduleWarning(ok.schedule, 200)!, /stays at the schedule's final value for the last 100 steps/);
  assert.equal(train.scheduleWarning(train.parseTrainConfig({ schedule: { name: 'cosine' } }).schedule, 200), null);
});

test('Adafactor with its relative step needs the constant schedule', () => {
  assert.equal(configError({ optimizer: { name: 'adafactor', relativeStep: true } }).field, 'schedule.name');
  assert.equal(configError({ optimizer: { name: 'adamw', relativeStep: true }, schedule: { name: 'constant' } }).field, 'optimizer.relativeStep');
});

test('--set overrides: dotted paths, values as JSON or else strings, objects created on the way', () => {
  const o = train.parseOverride('training.maxSteps=80');
  assert.deepEqual(o, { path: ['training', 'maxSteps'], value: 80 });
  assert.deepEqual(train.parseOverride('data.path=notes.txt').value, 'notes.txt');
  assert.deepEqual(train.parseOverride('optimizer.betas=[0.9,0.95]').value, [0.9, 0.95]);
  assert.equal(train.parseOverride('training.convergence=null').value, null);
  assert.equal(train.parseOverride('a=x=y').value, 'x=y');
  const applied = train.applyOverrides({ training: { batchSize: 8 } }, [train.parseOverride('training.maxSteps=80'), train.parseOverride('optimizer.lr=3e-4')]);
  assert.deepEqual(applied, { training: { batchSize: 8, maxSteps: 80 }, optimizer: { lr: 3e-4 } });
  assert.throws(() => train.parseOverride('noequals'), ConfigError);
  assert.throws(() => train.parseOverride('__proto__.x=1'), ConfigError);
  assert.throws(() => train.applyOverrides({ seed: 1 }, [train.parseOverride('seed.x=1')]), (e: unknown) => e instanceof ConfigError && e.field === 'seed');
  // the result is parsed by the schema like any config: a misspelt path is named with what is allowed
  assert.equal(configError(train.applyOverrides({}, [train.parseOverride('training.maxStep=8')])).field, 'training.maxStep');
});

test('training.gradientCheckpointing takes true or layer indices below the model\'s layer count', () => {
  assert.equal(train.parseTrainConfig({}).training.gradientCheckpointing, false);
  assert.deepEqual(train.parseTrainConfig({ task: 'language-model', data: { path: 'x.txt' }, model: { numLayers: 4 }, training: { gradientCheckpointing: [0, 3] } }).training.gradientCheckpointing, [0, 3]);
  const lm = configError({ task: 'language-model', data: { path: 'x.txt' }, model: { numLayers: 4 }, training: { gradientCheckpointing: [4] } });
  assert.equal(lm.field, 'training.gradientCheckpointing');
  assert.match(lm.message, /4 Transformer layers/);
  const s2s = configError({ model: { numEncoderLayers: 2, numDecoderLayers: 3 }, training: { gradientCheckpointing: [5] } });
  assert.equal(s2s.field, 'training.gradientCheckpointing');
  assert.match(s2s.message, /5 Transformer layers/);
  assert.equal(configError({ training: { gradientCheckpointing: 'yes' } }).field, 'training.gradientCheckpointing');
});
