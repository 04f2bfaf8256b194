/** The tuning and picture commands as a user runs them: plot, report, sweep, lr-find, and train's charts at the end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/index.js';
import { tiny } from '../train/tiny.js';

const cli = join(repoRoot, 'dist', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'anneal-cli-tune-'));
const config = join(dir, 'tiny.json');
writeFileSync(config, JSON.stringify(tiny({ training: { maxSteps: 10, evalEvery: 5, samples: 2 } })));

const plotted = join(dir, 'plotted');
const trained = run(['train', config, '--out', plotted, '--quiet']);

test('train --out draws the run\'s charts and report at the end', () => {
  assert.equal(trained.status, 0, trained.stderr);
  assert.deepEqual(readdirSync(join(plotted, 'plots')).sort(), ['accuracy', 'loss', 'lr', 'norms', 'perplexity'].flatMap((c) => [`${c}.png`, `${c}.svg`]));
  assert.ok(existsSync(join(plotted, 'report.html')));
});

test('train --no-plot draws nothing; anneal plot draws it later', () => {
  const out = join(dir, 'unplotted');
  const r = run(['train', config, '--out', out, '--quiet', '--no-plot']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(existsSync(join(out, 'plots')), false);
  assert.equal(existsSync(join(out, 'report.html')), false);
  const p = run(['plot', out]);
  assert.equal(p.status, 0, p.stderr);
  assert.ok(p.stdout.includes(join(out, 'plots', 'loss.svg')) && p.stdout.includes(join(out, 'report.html')));
  const report = run(['report', plotted, out, '--out', join(dir, 'both.html')]);
  assert.equal(report.status, 0, report.stderr);
  assert.match(readFileSync(join(dir, 'both.html'), 'utf8'), /2 training runs: plotted, unplotted/);
});

test('plot and report name a directory that holds no run, with exit code 2', () => {
  mkdirSync(join(dir, 'empty'));
  const r = run(['plot', join(dir, 'empty')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /empty is not a run directory \(metrics\.jsonl is missing/);
  assert.equal(run(['report', join(dir, 'nope')]).status, 2);
});

test('sweep --dry-run lists the trials of the grid and checks their configs', () => {
  const r = run(['sweep', config, '--grid', 'optimizer.lr=1e-3,3e-3', 'model.dropout=0,0.1', '--dry-run']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'trial-001  lr=0.001 dropout=0\ntrial-002  lr=0.001 dropout=0.1\ntrial-003  lr=0.003 dropout=0\ntrial-004  lr=0.003 dropout=0.1\n4 trials; every config checked\n');
  const random = run(['sweep', config, '--random', '3', '--seed', '5', 'optimizer.lr=loguniform:1e-4:1e-2', '--dry-run']);
  assert.equal(random.stdout, run(['sweep', config, '--random', '3', '--seed', '5', 'optimizer.lr=loguniform:1e-4:1e-2', '--dry-run']).stdout);
  assert.equal(random.stdout.split('\n').length, 5);
});

test('sweep usage and config errors exit 2 and name what is wrong', () => {
  const bad = run(['sweep', config, 'optimizer.lr=uniform:1', '--out', join(dir, 'x')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /sweep axis optimizer.lr: expected uniform:low:high/);
  const field = run(['sweep', config, 'optimizer.nmae=adamw', '--dry-run']);
  assert.equal(field.status, 2);
  assert.match(field.stderr, /did you mean name\?.*in trial-001/);
  const metric = run(['sweep', config, 'optimizer.lr=1e-3', '--metric', 'acc', '--dry-run']);
  assert.equal(metric.status, 2);
  assert.match(metric.stderr, /--metric: unknown metric 'acc'/);
  assert.match(run(['sweep', config, 'optimizer.lr=1e-3']).stderr, /--out DIR is required/);
});

test('sweep --parallel 2 runs trials as separate processes with the same results as one at a time, and prints the ranking', () => {
  const args = [config, 'optimizer.lr=1e-3,3e-3', '--quiet'];
  const one = run(['sweep', ...args, '--out', join(dir, 'one')]);
  const two = run(['sweep', ...args, '--out', join(dir, 'two'), '--parallel', '2']);
  assert.equal(one.status, 0, one.stderr);
  assert.equal(two.status, 0, two.stderr);
  const trials = (d: string) => (JSON.parse(readFileSync(join(dir, d, 'sweep.json'), 'utf8')) as { trials: { status: string; final: unknown; best: unknown }[] }).trials;
  assert.deepEqual(trials('two').map((t) => [t.status, t.final, t.best]), trials('one').map((t) => [t.status, t.final, t.best]));
  assert.match(one.stdout, /^rank +trial +optimizer\.lr +status +steps +best valid loss/m);
  assert.match(one.stdout, /best: trial-00\d \(lr=0\.00\d\)/);
  // run again: nothing to do
  const again = run(['sweep', ...args.slice(0, 2), '--out', join(dir, 'one')]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /trial-001 lr=0\.001: already completed, skipped/);
});

test('lr-find prints both suggestions and writes the JSON and the chart', () => {
  const out = join(dir, 'lr');
  const r = run(['lr-find', config, '--steps', '15', '--min-lr', '1e-4', '--max-lr', '1', '--out', out, '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /steepest descent of the smoothed loss: /);
  assert.match(r.stdout, /minimum \/ 10: /);
  const result = JSON.parse(readFileSync(join(out, 'lr-find.json'), 'utf8')) as { lrs: number[]; suggestions: { minimum: number | null } };
  assert.ok(result.lrs.length > 0 && result.lrs.length <= 15);
  assert.ok(existsSync(join(out, 'lr-find.svg')) && existsSync(join(out, 'lr-find.png')));
  // the model it trained is not kept anywhere
  assert.deepEqual(readdirSync(out).sort(), ['lr-find.json', 'lr-find.png', 'lr-find.svg']);
});
