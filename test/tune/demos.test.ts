/**
 * The demos end to end on a few steps: each trains its variants through the trainer into run
 * directories and writes its charts, summary.json and report. (Their lessons need the full runs,
 * minutes each; the README gives the measured numbers.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demos } from '../../src/tune/index.js';
import { parseTrainConfig } from '../../src/train/index.js';

const root = mkdtempSync(join(tmpdir(), 'anneal-demos-'));
const small = (name: string) => ({ out: join(root, name), steps: 10, validSize: 30, png: false });

test('warmup: the same seed and rate with and without warmup, as two runs, a chart, a summary and a report', async () => {
  const r = await demos.warmupDemo(small('warmup'));
  assert.deepEqual(r.variants.map((v) => v.id), ['no-warmup', 'warmup']);
  const [cold, warm] = ['no-warmup', 'warmup'].map((id) => JSON.parse(readFileSync(join(root, 'warmup', id, 'run.json'), 'utf8')).config);
  assert.equal(cold.optimizer.lr, warm.optimizer.lr);
  assert.equal(cold.seed, warm.seed);
  assert.deepEqual(cold.model, warm.model);
  assert.equal(cold.schedule.name, 'constant');
  assert.equal(warm.schedule.name, 'constant_with_warmup');
  for (const f of ['warmup.svg', 'summary.json', 'report.html']) assert.ok(existsSync(join(root, 'warmup', f)), f);
  const summary = JSON.parse(readFileSync(join(root, 'warmup', 'summary.json'), 'utf8'));
  assert.equal(summary.variants.length, 2);
  assert.match(r.table, /^variant +valid loss +perplexity +token acc\. +exact match +seconds$/m);
});

test('label smoothing: hard and smoothed targets, with the calibration error and a reliability diagram', async () => {
  const r = await demos.labelSmoothingDemo(small('ls'));
  assert.deepEqual(r.variants.map((v) => parseTrainConfig(JSON.parse(readFileSync(join(root, 'ls', v.id, 'run.json'), 'utf8')).config).training.labelSmoothing), [0, 0.1]);
  for (const v of r.variants) {
    assert.ok(typeof v.ece === 'number' && v.ece >= 0 && v.ece <= 1, `${v.id} ece ${v.ece}`);
    const bins = v.reliability as { count: number }[];
    assert.equal(bins.length, 10);
    assert.ok(bins.reduce((n, b) => n + b.count, 0) > 0);
  }
  const svg = readFileSync(join(root, 'ls', 'reliability.svg'), 'utf8');
  assert.ok(svg.includes('perfect calibration'));
});

test('schedules: constant, linear, cosine, inverse-sqrt and Noam reach the same peak learning rate', async () => {
  const r = await demos.schedulesDemo({ ...small('schedules'), warmupSteps: 4 });
  assert.deepEqual(r.variants.map((v) => v.id), ['constant', 'linear', 'cosine', 'inverse-sqrt', 'noam']);
  const peaks = r.variants.map((v) => {
    const steps = readFileSync(join(root, 'schedules', v.id, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'step');
    return Math.max(...steps.map((s: { lr: number }) => s.lr));
  });
  for (const p of peaks) assert.ok(Math.abs(p - demos.schedulesDefaults.peakLr) < 1e-9, `peaks ${peaks}`);
  assert.ok(existsSync(join(root, 'schedules', 'schedules-lr.svg')));
});
