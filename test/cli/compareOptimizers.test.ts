/** `anneal compare-optimizers`: its chart, its JSON table, and its argument errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/index.js';
import { parseOptimizerList, runningMean } from '../../src/cli/compareOptimizers.js';
import { ConfigError } from '../../src/errors.js';

const main = join(repoRoot, 'build', 'src', 'cli', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'anneal-compare-'));

function anneal(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: tmp });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('compare-optimizers writes a loss-curve SVG (and PNG) and prints the JSON table of final losses', () => {
  const svg = join(tmp, 'curves.svg');
  const png = join(tmp, 'curves.png');
  const r = anneal('compare-optimizers', '--steps', '3', '--batch-size', '4', '--svg', svg, '--png', png, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { steps: number; table: { optimizer: string; finalLoss: number; validLoss: number }[] };
  assert.equal(out.steps, 3);
  assert.deepEqual(out.table.map((row) => row.optimizer), ['sgd', 'adam', 'adamw', 'adafactor']);
  assert.ok(out.table.every((row) => Number.isFinite(row.finalLoss) && Number.isFinite(row.validLoss)));
  const text = readFileSync(svg, 'utf8');
  assert.match(text, /^<svg/);
  for (const name of ['SGD', 'Adam', 'AdamW', 'Adafactor']) assert.ok(text.includes(name), `${name} in the legend`);
  assert.deepEqual([...readFileSync(png).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
});

test('compare-optimizers --json FILE writes the table there, --optimizers picks the runs, the SVG defaults to compare-optimizers.svg', () => {
  const json = join(tmp, 'table.json');
  const r = anneal('compare-optimizers', '--steps', '2', '--batch-size', '4', '--optimizers', 'adafactor,sgd', '--json', json, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  const table = (JSON.parse(readFileSync(json, 'utf8')) as { table: { optimizer: string }[] }).table;
  assert.deepEqual(table.map((row) => row.optimizer), ['adafactor', 'sgd']);
  assert.ok(existsSync(join(tmp, 'compare-optimizers.svg')));
});

test('compare-optimizers exits 2 naming the allowed optimizers for an unknown one, and for a bad --steps', () => {
  const bad = anneal('compare-optimizers', '--optimizers', 'sgd,lion');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--optimizers: unknown optimizer 'lion' \(allowed: sgd, adam, adamw, adafactor\)/);
  const steps = anneal('compare-optimizers', '--steps', '0');
  assert.equal(steps.status, 2);
  assert.match(steps.stderr, /--steps expects an integer >= 1/);
});

test('parseOptimizerList keeps the given order and rejects repeats', () => {
  assert.deepEqual(parseOptimizerList('AdamW, sgd'), ['adamw', 'sgd']);
  assert.throws(() => parseOptimizerList('sgd,sgd'), ConfigError);
  assert.throws(() => parseOptimizerList(''), ConfigError);
});

test('runningMean averages the last n values, fewer at the start', () => {
  assert.deepEqual(runningMean([4, 2, 6, 8], 2), [4, 3, 4, 7]);
  assert.deepEqual(runningMean([1, 2, 3], 1), [1, 2, 3]);
});
