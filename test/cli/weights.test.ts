/** A model directory's weights file: PyTorch's names load, and a file that does not fit the model is a user error (exit 2). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, manualSeed, nn, tensor, type Tensor } from '../../src/index.js';
import { repoRoot } from '../helpers/index.js';
import { createTask, parseTrainConfig, saveModelDir } from '../../src/train/index.js';
import { tiny } from '../train/tiny.js';

const cli = join(repoRoot, 'dist', 'cli', 'main.js');
const task = createTask(parseTrainConfig(tiny()));
manualSeed(0);
const model = task.buildModel();
const weights = nn.toPyTorchStateDict(model);

function modelDir(tensors: Record<string, Tensor>, edit?: (bytes: Uint8Array) => Uint8Array): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'anneal-cli-weights-')), 'model');
  saveModelDir(dir, { config: task.savedConfig(model), weights: tensors });
  if (edit) writeFileSync(join(dir, 'model.safetensors'), edit(readFileSync(join(dir, 'model.safetensors'))));
  return dir;
}

const translate = (dir: string) => spawnSync(process.execPath, [cli, 'translate', dir, '42'], { encoding: 'utf8' });

test("a model directory whose weights carry PyTorch's names translates", () => {
  assert.ok(Object.keys(weights).includes('core.encoder.layers.0.self_attn.in_proj_weight'));
  const r = translate(modelDir(weights));
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.trim().length > 0);
});

test('a weights file with a missing, unexpected or corrupt tensor is a one-line error naming it, exit 2', () => {
  const { 'core.encoder.norm.weight': _gone, ...missing } = weights;
  const cases: [string, string, RegExp][] = [
    ['missing', modelDir(missing), /missing keys: core\.encoder\.norm\.weight/],
    ['unexpected', modelDir({ ...weights, 'lm_head.weight': tensor([1]) }), /unexpected keys: lm_head\.weight/],
    ['trailing bytes', modelDir(weights, (b) => Buffer.concat([b, Buffer.from('junk')])), /4 trailing bytes after the tensor data/],
  ];
  for (const [what, dir, why] of cases) {
    const r = translate(dir);
    assert.equal(r.status, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^anneal: ${join(dir, 'model.safetensors').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `), what);
    assert.match(r.stderr, why, what);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${what}: ${r.stderr}`);
  }
});

test('the weights file anneal writes loads back through io.loadSafetensors with the same tensors', () => {
  const back = io.loadSafetensors(join(modelDir(weights), 'model.safetensors')).tensors;
  assert.deepEqual(Object.keys(back).sort(), Object.keys(weights).sort());
});
