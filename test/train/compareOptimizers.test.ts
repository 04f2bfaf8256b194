/** compareOptimizers at a tiny size: one curve per optimizer, all from the same start, all going down. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareOptimizers, defaultOptimizerSettings, optimizerNames, type CompareOptimizersOptions } from '../../src/train/compareOptimizers.js';
import { ConfigError } from '../../src/errors.js';

const tiny: CompareOptimizersOptions = {
  steps: 30,
  batchSize: 8,
  model: { dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32 },
  data: { maxDigits: 3 },
  validSize: 50,
};
const result = await compareOptimizers(tiny);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('compareOptimizers returns one curve of the requested length per optimizer, in order', () => {
  assert.deepEqual(result.curves.map((c) => c.optimizer), [...optimizerNames]);
  assert.deepEqual(result.table.map((r) => r.optimizer), [...optimizerNames]);
  for (const c of result.curves) {
    assert.equal(c.loss.length, 30);
    assert.ok(c.loss.every(Number.isFinite), c.optimizer);
    assert.equal(c.label, defaultOptimizerSettings[c.optimizer].label);
  }
});

test('every optimizer starts from the same weights and the same first batch: equal initial losses', () => {
  const first = result.curves.map((c) => c.loss[0]);
  assert.ok(first.every((l) => l === first[0]), first.join(', '));
  assert.ok(result.table.every((r) => r.initialLoss === first[0]));
});

test('every optimizer lowers the training loss and the validation loss', () => {
  for (const c of result.curves) assert.ok(mean(c.loss.slice(-5)) < c.loss[0]!, `${c.optimizer}: ${c.loss[0]} -> ${mean(c.loss.slice(-5))}`);
  for (const r of result.table) assert.ok(r.validLoss < result.initialValidLoss, `${r.optimizer}: ${result.initialValidLoss} -> ${r.validLoss}`);
});

test("the table's final loss is the mean of the last tenth of the curve", () => {
  result.table.forEach((r, i) => assert.equal(r.finalLoss, mean(result.curves[i]!.loss.slice(-3))));
});

test('the same seed gives the same curve; the optimizer is the only difference between runs', async () => {
  const again = await compareOptimizers({ ...tiny, steps: 5, optimizers: ['adam', 'sgd'] });
  assert.deepEqual(again.curves[0]!.loss, result.curves[1]!.loss.slice(0, 5));
  assert.deepEqual(again.curves[1]!.loss, result.curves[0]!.loss.slice(0, 5));
});

test('compareOptimizers names the allowed optimizers when given an unknown one', async () => {
  await assert.rejects(() => compareOptimizers({ ...tiny, optimizers: ['rmsprop' as never] }), (e: unknown) => e instanceof ConfigError && /allowed: sgd, adam, adamw, adafactor/.test(e.message));
});
