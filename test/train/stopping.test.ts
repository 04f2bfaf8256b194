/** Stopping rules: pure functions of the history, and each one ending a real run with its reason recorded. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { converged, earlyStopping, evaluationsSinceBest, targetReached, train, type EvalRecord } from '../../src/train/index.js';
import { tiny } from './tiny.js';

const evals = (losses: number[], extra: Partial<EvalRecord> = {}): EvalRecord[] =>
  losses.map((loss, i) => ({ step: (i + 1) * 10, loss, perplexity: Math.exp(loss), tokenAccuracy: 0, metrics: {}, ...extra }));

test('early stopping waits `patience` evaluations without an improvement larger than minDelta', () => {
  assert.equal(earlyStopping(evals([3, 2, 2.5, 2.4]), 3, 0), null);
  assert.match(earlyStopping(evals([3, 2, 2.5, 2.4, 2.1]), 3, 0)!, /did not improve by more than 0 for 3 evaluations/);
  // 1.95 improves on 2, but not by more than 0.1
  assert.equal(evaluationsSinceBest(evals([3, 2, 1.95]), 0.1), 1);
  assert.equal(evaluationsSinceBest(evals([3, 2, 1.95]), 0), 0);
  assert.equal(earlyStopping(evals([3, 2, 2.5, 2.4, 2.1]), null, 0), null);
});

test('the target rules read the last evaluation: exact match up to, perplexity down to the target', () => {
  const h = evals([1, 0.5], { metrics: { exactMatch: 0.99 } });
  assert.match(targetReached(h, { targetExactMatch: 0.99, targetPerplexity: null })!, /exact match 0.99 reached the target 0.99/);
  assert.equal(targetReached(h, { targetExactMatch: 0.995, targetPerplexity: null }), null);
  assert.match(targetReached(h, { targetExactMatch: null, targetPerplexity: 1.7 })!, /perplexity 1.649 reached the target 1.7/);
  assert.equal(targetReached(h, { targetExactMatch: null, targetPerplexity: 1.6 }), null);
});

test('convergence compares the mean loss of the last window with the window before', () => {
  const flat = [...Array(10).fill(2), ...Array(10).fill(1.99)];
  assert.match(converged(flat, { window: 10, threshold: 0.01 })!, /changed by 0.50% over the last 10 steps/);
  assert.equal(converged(flat, { window: 10, threshold: 0.001 }), null);
  assert.equal(converged(flat.slice(1), { window: 10, threshold: 0.01 }), null, 'needs two full windows');
  assert.equal(converged(flat, null), null);
});

async function stopReason(overrides: Parameters<typeof tiny>[0]): Promise<{ steps: number; reason: string; logged: string }> {
  const out = mkdtempSync(join(tmpdir(), 'anneal-stop-'));
  const r = await train(tiny(overrides), { out });
  const end = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; stopReason?: string }).find((e) => e.type === 'end')!;
  return { steps: r.steps, reason: r.stopReason, logged: end.stopReason! };
}

test('each rule stops a run, and the reason is in the result and in metrics.jsonl', async () => {
  const cases: [Parameters<typeof tiny>[0], RegExp, (steps: number) => boolean][] = [
    [{ training: { maxSteps: 7 } }, /reached training\.maxSteps \(7\)/, (s) => s === 7],
    [{ training: { maxSteps: 1000, maxTime: 0.3, evalEvery: 1000 } }, /reached training\.maxTime/, (s) => s < 1000],
    // a learning rate of ~0 keeps the validation loss from ever improving after the first evaluation
    [{ optimizer: { name: 'sgd', lr: 1e-12 }, schedule: { name: 'constant' }, training: { maxSteps: 100, evalEvery: 2, patience: 2, minDelta: 0.01 } }, /early stopping/, (s) => s === 6],
    [{ optimizer: { name: 'sgd', lr: 1e-12 }, schedule: { name: 'constant' }, training: { maxSteps: 100, convergence: { window: 5, threshold: 0.5 } } }, /converged/, (s) => s === 10],
    [{ training: { maxSteps: 100, evalEvery: 5, targetPerplexity: 1e6 } }, /targetPerplexity/, (s) => s === 5],
    [{ data: { trainSize: 64 }, training: { maxSteps: null, maxEpochs: 2, batchSize: 16 } }, /training\.maxEpochs/, (s) => s === 8],
  ];
  for (const [overrides, pattern, stepsOk] of cases) {
    const r = await stopReason(overrides);
    assert.match(r.reason, pattern);
    assert.equal(r.logged, r.reason);
    assert.ok(stepsOk(r.steps), `${r.reason}: stopped after ${r.steps} steps`);
  }
});
