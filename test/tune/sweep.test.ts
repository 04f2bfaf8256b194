/**
 * Sweeps on tiny configs: trials are run directories; a diverging or failing trial is recorded and
 * the sweep goes on; a resumed sweep skips finished trials and continues an interrupted one from its
 * checkpoint; the ranking, sweep.json and best.json agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inProcessRunner, parseAxis, rankTrials, sweep, metricValue, type SweepEvent, type SweepFile } from '../../src/tune/index.js';
import { InputError } from '../../src/errors.js';
import { parseTrainConfig } from '../../src/train/index.js';
import { tiny } from '../train/tiny.js';

const root = mkdtempSync(join(tmpdir(), 'anneal-sweep-'));
const base = tiny({ training: { maxSteps: 12, evalEvery: 6, samples: 0, checkpointEvery: 3 } });
const readSweep = (dir: string) => JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepFile;

// one good trial, one that diverges (huge lr, no clipping) and one that fails (a weights file that is not there)
const mixedDir = join(root, 'mixed');
const mixedEvents: SweepEvent[] = [];
const mixed = await sweep({
  base, mode: 'grid', out: mixedDir, chart: false, onEvent: (e) => mixedEvents.push(e),
  axes: ['optimizer.lr=3e-3,1e4', 'model.initFrom=null,"missing.safetensors"', 'training.clipGradNorm=null'].map(parseAxis),
});

test('every trial of the grid runs in its own run directory', () => {
  assert.deepEqual(mixed.trials.map((t) => t.name), ['trial-001', 'trial-002', 'trial-003', 'trial-004']);
  for (const t of mixed.trials) assert.ok(existsSync(join(mixedDir, t.name, 'trial.json')), `${t.name}/trial.json`);
  assert.ok(existsSync(join(mixedDir, 'trial-001', 'model', 'model.safetensors')));
  assert.deepEqual(mixedEvents.filter((e) => e.type === 'trial-end').map((e) => e.trial.name), ['trial-001', 'trial-002', 'trial-003', 'trial-004']);
});

test('a diverging trial and a failing trial are recorded with their errors, and the sweep goes on', () => {
  const [good, failed, diverged, failedToo] = mixed.trials;
  assert.equal(good!.status, 'completed');
  assert.equal(good!.steps, 12);
  assert.equal(failed!.status, 'failed');
  assert.match(failed!.error!, /missing\.safetensors/);
  assert.equal(diverged!.status, 'diverged');
  assert.match(diverged!.error!, /training diverged at step \d+: .*optimizer\.lr is 10000/);
  assert.match(diverged!.stopReason!, /^diverged: /);
  assert.equal(failedToo!.status, 'failed');
  // the file holds the same
  assert.deepEqual(readSweep(mixedDir).trials.map((t) => t.status), ['completed', 'failed', 'diverged', 'failed']);
});

test('the best trial is the completed one, and best.json is its config, ready for anneal train', () => {
  assert.equal(mixed.best!.name, 'trial-001');
  assert.equal(readSweep(mixedDir).best, 'trial-001');
  const best = JSON.parse(readFileSync(join(mixedDir, 'best.json'), 'utf8'));
  assert.deepEqual(parseTrainConfig(best), mixed.best!.config);
  assert.equal(best.optimizer.lr, 3e-3);
});

test('sweep.json records settings, config, final and best validation metrics and time', () => {
  const t = readSweep(mixedDir).trials[0]!;
  assert.deepEqual(t.settings, { 'optimizer.lr': 3e-3, 'model.initFrom': null, 'training.clipGradNorm': null });
  assert.equal(t.config.optimizer.lr, 3e-3);
  assert.equal(t.final!.step, 12);
  assert.ok(t.best!.loss <= t.final!.loss);
  assert.ok(t.bestValues!.loss === t.best!.loss && t.bestValues!.exactMatch! >= t.final!.exactMatch!);
  assert.ok(t.seconds! > 0);
});

test('the ranking sorts completed trials by the metric, lower or higher being better by its kind', () => {
  const trials = [
    { name: 'a', status: 'completed', bestValues: { loss: 2, tokenAccuracy: 0.5 } },
    { name: 'b', status: 'diverged', bestValues: { loss: 0.1, tokenAccuracy: 0.9 } },
    { name: 'c', status: 'completed', bestValues: { loss: 1, tokenAccuracy: 0.4 } },
    { name: 'd', status: 'failed', bestValues: null },
  ] as never[];
  assert.deepEqual(rankTrials(trials, 'loss').map((t: { name: string }) => t.name), ['c', 'a', 'b', 'd']);
  assert.deepEqual(rankTrials(trials, 'tokenAccuracy').map((t: { name: string }) => t.name), ['a', 'c', 'b', 'd']);
  assert.equal(metricValue(trials[3]!, 'loss'), null);
});

test('a sweep stopped during a trial resumes: finished trials are skipped, the interrupted one continues from its checkpoint', async () => {
  const dir = join(root, 'resume');
  const axes = [parseAxis('optimizer.lr=1e-3,3e-3,5e-3')];
  const controller = new AbortController();
  const first = await sweep({
    base, axes, mode: 'grid', out: dir, chart: false, signal: controller.signal,
    runner: inProcessRunner((trial, e) => { if (trial === 'trial-002' && e.type === 'step' && e.step === 7) controller.abort(); }),
  });
  assert.equal(first.interrupted, true);
  assert.deepEqual(first.trials.map((t) => t.status), ['completed', 'interrupted', 'pending']);
  const firstTrial = readFileSync(join(dir, 'trial-001', 'metrics.jsonl'));
  const firstTime = statSync(join(dir, 'trial-001', 'metrics.jsonl')).mtimeMs;

  const events: SweepEvent[] = [];
  const second = await sweep({ base, axes, mode: 'grid', out: dir, chart: false, onEvent: (e) => events.push(e) });
  assert.equal(second.interrupted, false);
  assert.deepEqual(second.trials.map((t) => t.status), ['completed', 'completed', 'completed']);
  assert.deepEqual(events.filter((e) => e.type === 'trial-skip').map((e) => e.trial.name), ['trial-001']);
  const starts = events.filter((e) => e.type === 'trial-start') as Extract<SweepEvent, { type: 'trial-start' }>[];
  assert.deepEqual(starts.map((e) => [e.trial.name, e.resume]), [['trial-002', true], ['trial-003', false]]);
  assert.ok(readFileSync(join(dir, 'trial-001', 'metrics.jsonl')).equals(firstTrial), 'the finished trial was not touched');
  assert.equal(statSync(join(dir, 'trial-001', 'metrics.jsonl')).mtimeMs, firstTime);

  // the resumed trial ends exactly where a trial that was never stopped does (the trainer's exact resume)
  const straight = await sweep({ base, axes: [parseAxis('optimizer.lr=3e-3')], mode: 'grid', out: join(root, 'straight'), chart: false });
  assert.deepEqual(second.trials[1]!.final, straight.trials[0]!.final);
});

test('a sweep directory holding another sweep is refused unless overwritten', async () => {
  await assert.rejects(
    sweep({ base, axes: [parseAxis('optimizer.lr=1e-3,2e-3')], mode: 'grid', out: join(root, 'resume'), chart: false }),
    (e: unknown) => e instanceof InputError && /holds another sweep, with other axes \(optimizer.lr=1e-3,3e-3,5e-3\).*--overwrite/.test(e.message),
  );
});

test('random search runs the seeded samples, and a chart compares the trials\' validation curves', async () => {
  const dir = join(root, 'random');
  const r = await sweep({ base, axes: [parseAxis('optimizer.lr=loguniform:1e-3:1e-2')], mode: 'random', samples: 2, seed: 3, out: dir });
  assert.equal(r.trials.length, 2);
  assert.notEqual(r.trials[0]!.config.optimizer.lr, r.trials[1]!.config.optimizer.lr);
  const svg = readFileSync(join(dir, 'sweep.svg'), 'utf8');
  for (const t of r.trials) assert.ok(svg.includes(t.name), `the chart names ${t.name}`);
  assert.ok(existsSync(join(dir, 'sweep.png')));
});
