/**
 * Mixed precision in the trainer: bf16 and fp16 runs train (the loss falls as with float32); an
 * injected Inf gradient under fp16 skips exactly that step, leaves the parameters and the schedule
 * where they were and halves the loss scale; metrics carry lossScale and skippedSteps; an fp16 run
 * stopped and resumed is bit-identical to the uninterrupted one (the scaler's state is checkpointed).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train, type TrainEvent } from '../../src/train/index.js';
import type { Tensor } from '../../src/index.js';
import { tiny } from '../train/tiny.js';

type StepEvent = Extract<TrainEvent, { type: 'step' }>;

async function steps(config: Record<string, unknown>, options: Parameters<typeof train>[1] = {}): Promise<{ steps: StepEvent[]; valid: number }> {
  const out: StepEvent[] = [];
  const r = await train(config, { ...options, onEvent: (e) => { if (e.type === 'step') out.push(e); } });
  return { steps: out, valid: r.history[r.history.length - 1]!.loss };
}

const base = { training: { maxSteps: 30, evalEvery: 30, samples: 0 } };
const fp32 = await steps(tiny(base));

for (const precision of ['bf16', 'fp16'] as const) {
  test(`precision ${precision} trains like float32 on the tiny config`, async () => {
    const r = await steps(tiny({ training: { ...base.training, precision } }));
    assert.equal(r.steps.length, 30);
    assert.ok(r.steps.every((s) => Number.isFinite(s.loss)));
    assert.notDeepEqual(r.steps.map((s) => s.loss), fp32.steps.map((s) => s.loss), 'the half format must change the numerics');
    assert.ok(Math.abs(r.valid - fp32.valid) / fp32.valid < 0.05, `validation loss ${r.valid} vs float32 ${fp32.valid}`);
    if (precision === 'fp16') assert.equal(r.steps[0]!.lossScale, 65536);
    else assert.equal(r.steps[0]!.lossScale, undefined, 'bf16 scales only when training.lossScaling asks');
  });
}

test('an injected Inf gradient skips exactly one step: parameters and schedule unchanged, scale halved', async () => {
  let before: Float32Array[] = [];
  let after: Float32Array[] = [];
  let params: readonly Tensor[] = [];
  const snap = () => params.map((p) => (p.values() as Float32Array).slice());
  const config = tiny({ training: { ...base.training, maxSteps: 12, precision: 'fp16' } });
  const r = await steps(config, {
    onGradients: (step, ps) => {
      params = ps;
      if (step === 8) {
        before = snap();
        (ps[0]!.grad!.values() as Float32Array)[0] = Infinity;
      }
      if (step === 9) after = snap();
    },
  });
  const s = r.steps;
  assert.deepEqual(s.map((e) => e.skippedSteps), [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  assert.deepEqual(after, before, 'the skipped step changed parameters');
  assert.equal(s[7]!.lossScale, 65536);
  assert.equal(s[8]!.lossScale, 32768);
  // step 9 runs with the learning rate step 8 would have had: the schedule did not advance
  assert.equal(s[8]!.lr, s[7]!.lr);
  assert.notEqual(s[7]!.lr, s[6]!.lr);
  assert.ok(Number.isNaN(s[7]!.gradNorm));
});

test('an fp16 run with an overflow, stopped and resumed, is bit-identical to the straight run', async () => {
  const root = mkdtempSync(join(tmpdir(), 'anneal-amp-resume-'));
  const config = tiny({ model: { dropout: 0.1 }, training: { maxSteps: 24, evalEvery: 8, checkpointEvery: 4, samples: 0, precision: 'fp16' } });
  const inject = (step: number, ps: readonly Tensor[]) => { if (step === 3) (ps[0]!.grad!.values() as Float32Array)[0] = NaN; };
  const log = (out: string) => readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.type === 'step').map((e) => [e.step, e.loss, e.gradNorm, e.lossScale, e.skippedSteps]);
  const straight = join(root, 'straight');
  await train(config, { out: straight, onGradients: inject });
  const out = join(root, 'resumed');
  const controller = new AbortController();
  await train(config, { out, onGradients: inject, signal: controller.signal, onEvent: (e) => { if (e.type === 'step' && e.step === 10) controller.abort(); } });
  await train(config, { out, resume: true });
  assert.deepEqual(log(out), log(straight));
  assert.equal(log(out)[23]![3], 32768, 'the halved scale survives the resume');
  assert.ok(readFileSync(join(out, 'model', 'model.safetensors')).equals(readFileSync(join(straight, 'model', 'model.safetensors'))));
});
