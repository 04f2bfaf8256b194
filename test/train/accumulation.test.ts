/**
 * Gradient accumulation: the loss is normalised by the target tokens of the whole optimizer step, so
 * 4 micro-batches of 8 train exactly like one batch of 32 (to float32 rounding), and the scheduler
 * and step counter advance once per optimizer step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { train, type TrainEvent } from '../../src/train/index.js';
import { tiny } from './tiny.js';

async function run(batchSize: number, gradAccumSteps: number, optimizer: Record<string, unknown> = {}) {
  const steps: Extract<TrainEvent, { type: 'step' }>[] = [];
  const result = await train(tiny({ optimizer, training: { maxSteps: 12, batchSize, gradAccumSteps, evalEvery: 100 } }), {
    onEvent: (e) => { if (e.type === 'step') steps.push(e); },
  });
  return { steps, params: result.model.stateDict() };
}

const one = await run(32, 1);
const four = await run(8, 4);

test('batch 32 x 1 and batch 8 x 4 log the same loss at every step', () => {
  assert.equal(four.steps.length, 12);
  one.steps.forEach((s, i) => {
    const other = four.steps[i]!;
    assert.ok(Math.abs(s.loss - other.loss) <= 1e-5 * Math.abs(s.loss), `step ${s.step}: ${s.loss} vs ${other.loss}`);
    assert.ok(Math.abs(s.gradNorm - other.gradNorm) <= 1e-4 * s.gradNorm, `step ${s.step} grad norm: ${s.gradNorm} vs ${other.gradNorm}`);
  });
});

function maxDifference(a: Float32Array, b: Float32Array, skip: (i: number) => boolean = () => false): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) if (!skip(i)) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

test('with SGD, batch 32 x 1 and batch 8 x 4 end with the same parameters', async () => {
  const sgd = { name: 'sgd', lr: 0.1, momentum: 0.9 };
  const [a, b] = [await run(32, 1, sgd), await run(8, 4, sgd)];
  for (const [name, p] of Object.entries(a.params)) {
    const worst = maxDifference(p.toTypedArray() as Float32Array, b.params[name]!.toTypedArray() as Float32Array);
    assert.ok(worst < 1e-5, `${name}: max difference ${worst}`);
  }
});

test('with AdamW, batch 32 x 1 and batch 8 x 4 end with the same parameters (but the key biases)', () => {
  // softmax ignores a constant added to every score, so the key bias has a zero gradient up to
  // rounding, and Adam's normalisation turns that rounding noise into lr-sized steps either way
  const E = 16;
  for (const [name, p] of Object.entries(one.params)) {
    const keyBias = name.endsWith('inProjBias') ? (i: number) => i >= E && i < 2 * E : undefined;
    const worst = maxDifference(p.toTypedArray() as Float32Array, four.params[name]!.toTypedArray() as Float32Array, keyBias);
    assert.ok(worst < 2e-5, `${name}: max difference ${worst}`);
  }
});

test('the schedule and the step counter advance once per optimizer step, not per micro-batch', () => {
  assert.deepEqual(four.steps.map((s) => s.step), Array.from({ length: 12 }, (_, i) => i + 1));
  assert.deepEqual(four.steps.map((s) => s.lr), one.steps.map((s) => s.lr));
  // linear warmup over 5 steps: the update of step s runs at lr * (s - 1) / 5
  assert.ok(Math.abs(four.steps[3]!.lr - 3e-3 * 0.6) < 1e-15, `lr of step 4: ${four.steps[3]!.lr}`);
});

test('a different micro-batching with the same effective batch also matches (16 x 2)', async () => {
  const two = await run(16, 2);
  two.steps.forEach((s, i) => assert.ok(Math.abs(s.loss - one.steps[i]!.loss) <= 1e-5 * s.loss, `step ${s.step}`));
});
