/**
 * The model directory is replaced as a whole: a crash at any point of the write leaves the complete
 * old version or the complete new one, never a mix, and what the crash left behind is cleaned up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import type { DirWriteStep } from '../../src/io/index.js';
import { createTask, loadModelDir, parseTrainConfig, RunDir, saveModelDir, train, type ModelDirContents } from '../../src/train/index.js';
import { manualSeed } from '../../src/tensor/index.js';
import { tiny } from './tiny.js';

const root = mkdtempSync(join(tmpdir(), 'anneal-modeldir-'));
const task = createTask(parseTrainConfig(tiny()));

function version(seed: number, label: string): ModelDirContents {
  manualSeed(seed);
  const model = task.buildModel();
  const saved = task.savedConfig(model);
  return { config: { ...saved, training: { label } }, weights: model.stateDict() };
}

function readBack(dir: string): { label: unknown; firstWeight: number } {
  const loaded = loadModelDir(dir);
  return { label: loaded.config.training?.label, firstWeight: (loaded.model.parameters()[0]!.toTypedArray() as Float32Array)[0]! };
}

const steps: DirWriteStep[] = ['files-written', 'directory-renamed', 'link-created', 'link-replaced'];
const oldVersion = version(1, 'old');
const newVersion = version(2, 'new');
const oldRead = { label: 'old', firstWeight: (oldVersion.weights[Object.keys(oldVersion.weights)[0]!]!.toTypedArray() as Float32Array)[0]! };

for (const crashAt of steps) {
  test(`a crash after '${crashAt}' leaves a complete version, and cleaning removes the leftovers`, () => {
    const run = join(root, crashAt);
    const dir = join(run, 'model');
    saveModelDir(dir, oldVersion);
    assert.throws(() => saveModelDir(dir, newVersion, { afterStep: (s) => { if (s === crashAt) throw new Error('crash'); } }), /crash/);
    const seen = readBack(run);
    // the link is switched at 'link-replaced': before it, readers still see the old version
    if (crashAt === 'link-replaced') assert.equal(seen.label, 'new');
    else assert.deepEqual(seen, oldRead);
    writeFileSync(join(run, 'run.json'), '{}');
    RunDir.open(run, { resume: true });
    const left = readdirSync(run).filter((e) => e.includes('.tmp-'));
    assert.deepEqual(left, []);
    // only the version the link shows is left
    assert.equal(readdirSync(run).filter((e) => e.startsWith('.model-')).length, 1);
  });
}

test('a completed replacement shows the new version and removes the old one', () => {
  const run = join(root, 'complete');
  const dir = join(run, 'model');
  saveModelDir(dir, oldVersion);
  saveModelDir(dir, newVersion);
  assert.equal(readBack(run).label, 'new');
  assert.equal(readdirSync(run).filter((e) => e.startsWith('.model-')).length, 1);
});

test('a crash while training writes its model keeps the previous model directory intact', async () => {
  const out = join(root, 'training');
  await train(tiny({ training: { maxSteps: 5, evalEvery: 5 } }), { out });
  const before = readBack(out);
  await assert.rejects(
    train(tiny({ seed: 9, training: { maxSteps: 5, evalEvery: 5 } }), { out, overwrite: false, resume: true, modelDirWrite: { afterStep: (s) => { if (s === 'link-created') throw new Error('power cut'); } } }),
    /power cut/,
  );
  assert.deepEqual(readBack(out), before);
});

test('a hand-edited or foreign config.json is an InputError naming the file and field', () => {
  const run = join(root, 'edited');
  saveModelDir(join(run, 'model'), oldVersion);
  const configPath = join(run, 'model', 'config.json');
  const cases: [unknown, RegExp][] = [
    [{ format: 'pytorch' }, /config\.json: field format.*anneal\.model/],
    [{ ...oldVersion.config, architecture: 'rnn' }, /field architecture/],
    [{ ...oldVersion.config, model: { ...oldVersion.config.model, nhead: 5 } }, /field model does not describe/],
    [{ ...oldVersion.config, model: { ...oldVersion.config.model, dModel: 8 } }, /model\.safetensors/],
  ];
  for (const [content, pattern] of cases) {
    writeFileSync(configPath, JSON.stringify(content));
    assert.throws(() => loadModelDir(run), (e: unknown) => e instanceof InputError && pattern.test(e.message), JSON.stringify(content).slice(0, 60));
  }
  writeFileSync(configPath, '{not json');
  assert.throws(() => loadModelDir(run), (e: unknown) => e instanceof InputError && /config\.json/.test(e.message));
  assert.ok(existsSync(configPath));
});
