/**
 * The numbers-to-words example end to end at a reduced size (numbers up to 4 digits, a 1+1-layer
 * model, 400 steps: a few seconds): the loss falls and the translations become correct.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { train } from 'anneal';
import type { TrainEvent } from '../../src/train/index.js';

const small = {
  seed: 0,
  data: { maxDigits: 4, validSize: 100, testSize: 200 },
  model: { dModel: 32, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64 },
  training: { maxSteps: 400, batchSize: 32, logEvery: 10, evalEvery: 200, samples: 20 },
};

async function run(): Promise<{ result: train.TrainResult; events: TrainEvent[] }> {
  const events: TrainEvent[] = [];
  const result = await train.train(small, { onEvent: (e) => events.push(e) });
  return { result, events };
}

const first = await run();

test('training on numbers-to-words drives the loss down to near the label-smoothing floor', () => {
  const losses = first.events.flatMap((e) => (e.type === 'step' ? [e.loss] : []));
  // every step is an event (logEvery only paces the console)
  assert.equal(losses.length, 400);
  assert.ok(losses[0]! > 2, `first loss ${losses[0]}`);
  // with 13 classes and smoothing 0.1 the loss cannot go below ~0.54
  assert.ok(losses.at(-1)! < 0.7, `last loss ${losses.at(-1)}`);
});

test('after training, held-out numbers are translated correctly', () => {
  const { test: score, samples } = first.result;
  assert.ok(score!.metrics.exactMatch! >= 0.95, `exact match ${score!.metrics.exactMatch}`);
  const wrong = samples.filter((s) => s.output !== s.expected);
  assert.ok(wrong.length <= 1, `wrong samples: ${JSON.stringify(wrong)}`);
  const model = first.result.model;
  const [out] = train.translateNumbers(model as never, (first.result.task as train.NumbersTask).data, ['4096']);
  assert.equal(out, 'four zero nine six');
});

test('validation exact match is reported during training and improves', () => {
  const evals = first.events.filter((e): e is Extract<TrainEvent, { type: 'eval' }> => e.type === 'eval');
  assert.deepEqual(evals.filter((e) => e.split === 'valid').map((e) => e.step), [200, 400]);
  assert.ok((evals[1]!.exactMatch as number) >= (evals[0]!.exactMatch as number));
});

test('the same seed reproduces the run exactly', async () => {
  const again = await run();
  const a = first.events.flatMap((e) => (e.type === 'step' ? [e.loss, e.gradNorm] : []));
  const b = again.events.flatMap((e) => (e.type === 'step' ? [e.loss, e.gradNorm] : []));
  assert.deepEqual(b, a);
  assert.deepEqual(again.result.model.stateDict()['head.weight']!.toArray(), first.result.model.stateDict()['head.weight']!.toArray());
});

test('the learning rate follows the configured schedule: Noam warmup peaks at warmupSteps', () => {
  const lrs = first.events.flatMap((e) => (e.type === 'step' ? [[e.step, e.lr] as const] : []));
  const at = (s: number) => lrs.find(([step]) => step === s)![1];
  // the LR logged at step s is the one used for update s, i.e. the schedule at s - 1 optimizer steps taken
  const noam = (s: number) => 0.1 * 32 ** -0.5 * Math.min(Math.max(s, 1) ** -0.5, Math.max(s, 1) * 100 ** -1.5);
  for (const s of [10, 100, 200, 400]) assert.ok(Math.abs(at(s) - noam(s - 1)) < 1e-12, `lr at step ${s}`);
});
