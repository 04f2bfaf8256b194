/** The loop's guards and phases: divergence stops cleanly, fine-tuning follows the main phase with its own LR and dropout. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dropout } from '../../src/nn/index.js';
import { DivergenceError, listCheckpoints, train, type TrainEvent } from '../../src/train/index.js';
import { tiny } from './tiny.js';

test('a loss that stops being finite stops the run in that step with advice, leaving the last checkpoint intact', async () => {
  const out = mkdtempSync(join(tmpdir(), 'anneal-diverge-'));
  const config = tiny({ optimizer: { name: 'sgd', lr: 1e6 }, schedule: { name: 'constant' }, training: { maxSteps: 50, clipGradNorm: null, evalEvery: 1, checkpointEvery: 1 } });
  const steps: number[] = [];
  let error: unknown;
  try {
    await train(config, { out, onEvent: (e) => { if (e.type === 'step') steps.push(e.step); } });
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof DivergenceError, String(error));
  assert.match(error.message, /training diverged at step \d+: the (loss|gradient norm) is (NaN|Infinity)\. Try a lower learning rate \(optimizer\.lr is 1000000\)/);
  assert.match(error.message, /gradient clipping \(training\.clipGradNorm/);
  // the diverging step was never applied or checkpointed
  assert.equal(error.step, steps.length + 1);
  assert.equal(listCheckpoints(out).at(-1), steps.length);
  const end = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; stopReason?: string }).at(-1)!;
  assert.equal(end.type, 'end');
  assert.match(end.stopReason!, /^diverged/);
});

test('the fine-tuning phase runs after the main one with its own steps, constant LR and dropout', async () => {
  const events: TrainEvent[] = [];
  const result = await train(tiny({ model: { dropout: 0.2 }, training: { maxSteps: 10, evalEvery: 5 }, finetune: { steps: 4, lr: 1e-4, dropout: 0 } }), { onEvent: (e) => events.push(e) });
  const steps = events.filter((e): e is Extract<TrainEvent, { type: 'step' }> => e.type === 'step');
  assert.equal(result.steps, 14);
  assert.deepEqual(steps.map((s) => s.phase), [...Array(10).fill('main'), ...Array(4).fill('finetune')]);
  assert.deepEqual(steps.slice(10).map((s) => s.lr), [1e-4, 1e-4, 1e-4, 1e-4]);
  const phase = events.find((e) => e.type === 'phase')!;
  assert.deepEqual(phase, { type: 'phase', step: 10, phase: 'finetune', lr: 1e-4, dropout: 0 });
  for (const m of result.model.modules()) if (m instanceof Dropout) assert.equal(m.p, 0);
  assert.match(result.stopReason, /finished fine-tuning/);
});

test('model.initFrom starts training from saved weights; a missing file is named', async () => {
  const out = mkdtempSync(join(tmpdir(), 'anneal-init-'));
  const first = await train(tiny({ training: { maxSteps: 20, evalEvery: 20 } }), { out });
  const weights = join(out, 'model', 'model.safetensors');
  // an lr of ~0 leaves the loaded weights as they are
  const again = await train(tiny({ model: { initFrom: weights }, optimizer: { name: 'sgd', lr: 1e-12 }, schedule: { name: 'constant' }, training: { maxSteps: 1, evalEvery: 1 } }));
  assert.ok(Math.abs(again.history[0]!.loss - first.history.at(-1)!.loss) < 1e-6, `${again.history[0]!.loss} vs ${first.history.at(-1)!.loss}`);
  await assert.rejects(train(tiny({ model: { initFrom: join(out, 'nope.safetensors') } })), (e: unknown) => e instanceof Error && e.message.includes('nope.safetensors'));
});

test('checkpoints and the model directory carry PyTorch parameter names', async () => {
  const out = mkdtempSync(join(tmpdir(), 'anneal-names-'));
  await train(tiny({ schedule: { name: 'constant' }, training: { maxSteps: 2, evalEvery: 2 } }), { out });
  const { loadSafetensors } = await import('../../src/io/index.js');
  for (const file of [join(out, 'model', 'model.safetensors'), join(out, 'checkpoints', 'step-00000002', 'model.safetensors')]) {
    const names = Object.keys(loadSafetensors(file).tensors);
    assert.ok(names.includes('core.encoder.layers.0.self_attn.in_proj_weight'), names.join(', '));
    assert.ok(!names.some((n) => /[A-Z]/.test(n)), `camelCase name in ${file}`);
  }
});

test('training.gradientCheckpointing checkpoints the layers and trains to the very same weights (dropout on)', async () => {
  const config = (ck: boolean | number[]) => tiny({ model: { dropout: 0.2, numEncoderLayers: 2 }, training: { maxSteps: 6, evalEvery: 6, gradientCheckpointing: ck } });
  const plain = await train(config(false));
  const ck = await train(config([0, 2]));
  const flags = [...ck.model.modules()].filter((m) => 'gradientCheckpointing' in m).map((m) => (m as unknown as { gradientCheckpointing: boolean }).gradientCheckpointing);
  assert.deepEqual(flags, [true, false, true]);
  const a = plain.model.namedParameters(), b = ck.model.namedParameters();
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.deepEqual(b[i]![1].values(), a[i]![1].values(), a[i]![0]);
});
