/** The search space: axes by --set paths, grid expansion and seeded random sampling. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandGrid, parseAxis, planTrials, sampleRandom, splitValues } from '../../src/tune/index.js';
import { ConfigError } from '../../src/errors.js';
import { tiny } from '../train/tiny.js';

test('an axis is a dotted --set path with values parsed as JSON, else strings', () => {
  const a = parseAxis('optimizer.lr=1e-4,3e-4,1e-3');
  assert.deepEqual(a.keys, ['optimizer', 'lr']);
  assert.deepEqual(a.distribution, { kind: 'values', values: [1e-4, 3e-4, 1e-3] });
  assert.deepEqual(parseAxis('optimizer.name=adamw,sgd').distribution, { kind: 'values', values: ['adamw', 'sgd'] });
  assert.deepEqual(parseAxis('training.clipGradNorm=null,1').distribution, { kind: 'values', values: [null, 1] });
});

test('commas inside JSON values do not split them', () => {
  assert.deepEqual(splitValues('{"name":"cosine","warmupSteps":10},{"name":"constant"}'), ['{"name":"cosine","warmupSteps":10}', '{"name":"constant"}']);
  assert.deepEqual(parseAxis('model.x=[1,2],"a,b"').distribution, { kind: 'values', values: [[1, 2], 'a,b'] });
});

test('distributions: loguniform, uniform and choice', () => {
  assert.deepEqual(parseAxis('optimizer.lr=loguniform:1e-5:1e-3').distribution, { kind: 'loguniform', low: 1e-5, high: 1e-3 });
  assert.deepEqual(parseAxis('model.dropout=uniform:0:0.3').distribution, { kind: 'uniform', low: 0, high: 0.3 });
  assert.deepEqual(parseAxis('training.batchSize=choice:8,16,32').distribution, { kind: 'choice', values: [8, 16, 32] });
});

test('bad axes are config errors that say what is expected', () => {
  assert.throws(() => parseAxis('optimizer.lr'), (e: unknown) => e instanceof ConfigError && /expected path=values/.test(e.message));
  assert.throws(() => parseAxis('optimizer.lr=loguniform:0:1'), /loguniform needs low > 0/);
  assert.throws(() => parseAxis('optimizer.lr=uniform:1:1'), /needs low < high/);
  assert.throws(() => parseAxis('optimizer.lr=uniform:a:1'), /is not a number/);
  assert.throws(() => parseAxis('optimizer..lr=1'), /dotted config path/);
  assert.throws(() => parseAxis('optimizer.lr='), /has no values/);
});

test('the grid is every combination, the first axis varying slowest', () => {
  const axes = ['optimizer.lr=1e-4,3e-4,1e-3', 'schedule.warmupSteps=200,400', 'model.dropout=0.1,0.2'].map(parseAxis);
  const grid = expandGrid(axes);
  assert.equal(grid.length, 12);
  assert.deepEqual(grid.slice(0, 3), [
    { 'optimizer.lr': 1e-4, 'schedule.warmupSteps': 200, 'model.dropout': 0.1 },
    { 'optimizer.lr': 1e-4, 'schedule.warmupSteps': 200, 'model.dropout': 0.2 },
    { 'optimizer.lr': 1e-4, 'schedule.warmupSteps': 400, 'model.dropout': 0.1 },
  ]);
  assert.deepEqual(grid[11], { 'optimizer.lr': 1e-3, 'schedule.warmupSteps': 400, 'model.dropout': 0.2 });
  assert.equal(new Set(grid.map((p) => JSON.stringify(p))).size, 12);
});

test('a grid refuses ranges to sample and the same path twice', () => {
  assert.throws(() => expandGrid([parseAxis('optimizer.lr=loguniform:1e-5:1e-3')]), /use --random N/);
  assert.throws(() => expandGrid([parseAxis('optimizer.lr=1'), parseAxis('optimizer.lr=2')]), /is given twice/);
});

test('trials apply their settings to the base config through the --set paths', () => {
  const trials = planTrials({ base: tiny(), axes: ['optimizer.lr=1e-3,3e-3', 'model.dropout=0,0.1'].map(parseAxis), mode: 'grid' });
  assert.deepEqual(trials.map((t) => t.name), ['trial-001', 'trial-002', 'trial-003', 'trial-004']);
  assert.deepEqual(trials.map((t) => [t.config.optimizer.lr, t.config.model.dropout]), [[1e-3, 0], [1e-3, 0.1], [3e-3, 0], [3e-3, 0.1]]);
  // the rest of the base config is untouched
  assert.ok(trials.every((t) => t.config.model.dModel === 16 && t.config.training.maxSteps === 20));
});

test('a trial whose config is invalid is a config error naming the field and the trial', () => {
  assert.throws(
    () => planTrials({ base: tiny(), axes: [parseAxis('model.nhead=2,3')], mode: 'grid' }),
    (e: unknown) => e instanceof ConfigError && e.field === 'model.nhead' && /must divide model.dModel .* \(in trial-002: nhead=3\)/.test(e.message),
  );
  assert.throws(() => planTrials({ base: tiny(), axes: [parseAxis('optimizer.lrr=1')], mode: 'grid' }), /optimizer.lrr: unknown field.*did you mean lr\?.*in trial-001/);
});

test('random search is reproducible from its seed, and a larger count extends the same trials', () => {
  const axes = ['optimizer.lr=loguniform:1e-5:1e-3', 'model.dropout=uniform:0:0.3', 'training.batchSize=choice:8,16,32'].map(parseAxis);
  const a = sampleRandom(axes, 10, 7);
  assert.deepEqual(sampleRandom(axes, 10, 7), a);
  assert.notDeepEqual(sampleRandom(axes, 10, 8), a);
  assert.deepEqual(sampleRandom(axes, 15, 7).slice(0, 10), a);
  for (const p of a) {
    const lr = p['optimizer.lr'] as number;
    const dropout = p['model.dropout'] as number;
    assert.ok(lr >= 1e-5 && lr < 1e-3, `lr ${lr}`);
    assert.ok(dropout >= 0 && dropout < 0.3, `dropout ${dropout}`);
    assert.ok([8, 16, 32].includes(p['training.batchSize'] as number));
  }
});

test('loguniform samples are uniform in log space: each decade gets its share', () => {
  const points = sampleRandom([parseAxis('optimizer.lr=loguniform:1e-6:1e-2')], 4000, 0);
  const perDecade = [0, 0, 0, 0];
  for (const p of points) perDecade[Math.floor(Math.log10(p['optimizer.lr'] as number) + 6)]!++;
  // 1000 expected in each; a binomial's sd is ~27
  for (const n of perDecade) assert.ok(Math.abs(n - 1000) < 120, `decade counts ${perDecade}`);
});
