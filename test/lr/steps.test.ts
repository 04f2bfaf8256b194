/** Warmup given as steps, ratio or tokens, and T from epochs: the helpers behind the classic mistakes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosine, resolveWarmupSteps, totalStepsFor } from '../../src/lr/index.js';

test('warmupRatio is a fraction of totalSteps, rounded up as Hugging Face does', () => {
  assert.equal(resolveWarmupSteps({ warmupRatio: 0.1, totalSteps: 1000 }), 100);
  assert.equal(resolveWarmupSteps({ warmupRatio: 0.06, totalSteps: 1001 }), 61);
  assert.throws(() => resolveWarmupSteps({ warmupRatio: 0.1 }), /warmupRatio: needs totalSteps/);
  assert.throws(() => resolveWarmupSteps({ warmupRatio: 1.5, totalSteps: 10 }), /warmupRatio: must be <= 1/);
});

test('warmupTokens converts with tokensPerStep, rounded up (GPT-3: 375M tokens)', () => {
  assert.equal(resolveWarmupSteps({ warmupTokens: 375e6, tokensPerStep: 0.5e6 }), 750);
  assert.equal(resolveWarmupSteps({ warmupTokens: 1000, tokensPerStep: 300 }), 4);
  assert.throws(() => resolveWarmupSteps({ warmupTokens: 1000 }), /warmupTokens: needs tokensPerStep/);
});

test('only one way of giving the warmup is accepted', () => {
  assert.throws(() => resolveWarmupSteps({ warmupSteps: 10, warmupRatio: 0.1, totalSteps: 100 }), /give only one of warmupSteps, warmupRatio, warmupTokens/);
  assert.throws(() => resolveWarmupSteps({ warmupSteps: 2.5 }), /warmupSteps: must be an integer/);
  assert.equal(resolveWarmupSteps({}), 0);
});

test('the families take the warmup in any of its forms', () => {
  const bySteps = cosine({ warmupSteps: 100, totalSteps: 1000 });
  const byRatio = cosine({ warmupRatio: 0.1, totalSteps: 1000 });
  const byTokens = cosine({ warmupTokens: 100 * 4096, tokensPerStep: 4096, totalSteps: 1000 });
  for (const t of [0, 50, 100, 600]) {
    assert.equal(byRatio(t), bySteps(t));
    assert.equal(byTokens(t), bySteps(t));
  }
});

test('T counts optimizer steps: epochs x batches / accumulation, the last partial accumulation included', () => {
  assert.equal(totalStepsFor({ epochs: 3, batchesPerEpoch: 100 }), 300);
  assert.equal(totalStepsFor({ epochs: 3, batchesPerEpoch: 100, gradientAccumulationSteps: 8 }), 39);
  assert.equal(totalStepsFor({ epochs: 3, batchesPerEpoch: 100, gradientAccumulationSteps: 8, dropLastPartialStep: true }), 36);
  assert.throws(() => totalStepsFor({ epochs: 1, batchesPerEpoch: 4, gradientAccumulationSteps: 8, dropLastPartialStep: true }), /no optimizer step would run/);
});
