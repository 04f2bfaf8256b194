/** The CLI as a user runs it: train writes a model directory that translate reads; bad input exits 2. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/index.js';

const cli = join(repoRoot, 'dist', 'cli', 'main.js');
const run = (args: string[], input?: string) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input });

const dir = mkdtempSync(join(tmpdir(), 'anneal-cli-'));
const configPath = join(dir, 'small.json');
writeFileSync(configPath, JSON.stringify({
  data: { maxDigits: 4, validSize: 50, testSize: 100 },
  model: { dModel: 32, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64 },
  training: { maxSteps: 400, batchSize: 32, evalEvery: 400, samples: 3 },
}));
const modelDir = join(dir, 'run');
const trained = run(['train', configPath, '--out', modelDir, '--json']);

test('train --json prints events and a result, and --out writes the model directory OUT/model', () => {
  assert.equal(trained.status, 0, trained.stderr);
  const lines = trained.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; test?: { metrics: { exactMatch: number } } });
  assert.equal(lines[0]!.type, 'start');
  assert.ok(lines.some((l) => l.type === 'step'));
  const result = lines.at(-1)!;
  assert.equal(result.type, 'result');
  assert.ok(result.test!.metrics.exactMatch >= 0.95);
  assert.ok(existsSync(join(modelDir, 'model', 'model.safetensors')));
  const saved = JSON.parse(readFileSync(join(modelDir, 'model', 'config.json'), 'utf8')) as { format: string; data: { maxDigits: number } };
  assert.equal(saved.format, 'anneal.model');
  assert.equal(saved.data.maxDigits, 4);
});

test('translate prints the words for a number given as an argument', () => {
  const r = run(['translate', modelDir, '4096']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'four zero nine six\n');
});

test('translate --input prints one line per input line, from a file or stdin', () => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, '12\n907\r\n3\n');
  const r = run(['translate', modelDir, '--input', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'one two\nnine zero seven\nthree\n');
  const s = run(['translate', modelDir, '--input', '-'], '55\n');
  assert.equal(s.stdout, 'five five\n');
});

test('unreadable input lines are named on stderr with exit code 2 and nothing translated', () => {
  const file = join(dir, 'bad.txt');
  writeFileSync(file, '12\n\nab3\n123456\n');
  const r = run(['translate', modelDir, '--input', file]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /line 2: empty/);
  assert.match(r.stderr, /line 3: 'ab3' is not a number/);
  assert.match(r.stderr, /line 4: '123456' has 6 digits; this model was trained on numbers of up to 4 digits/);
  assert.doesNotMatch(r.stderr, /line 1/);
});

test('a missing model directory or input file is named, with exit code 2', () => {
  const r = run(['translate', join(dir, 'nope'), '12']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /model directory .*nope does not exist/);
  const notModel = run(['translate', dir, '12']);
  assert.equal(notModel.status, 2);
  assert.match(notModel.stderr, /config\.json is missing/);
  const noFile = run(['translate', modelDir, '--input', join(dir, 'missing.txt')]);
  assert.equal(noFile.status, 2);
  assert.match(noFile.stderr, /input file .*missing\.txt does not exist/);
});

test('config errors name the field and exit 2; a missing config file names the path', () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ optimizer: { name: 'adagrad' } }));
  const r = run(['train', bad]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /optimizer\.name: unknown value "adagrad" \(allowed: adamw, adam, sgd, adafactor\)/);
  const missing = run(['train', join(dir, 'none.json')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /config file .*none\.json does not exist/);
  const notJson = join(dir, 'broken.json');
  writeFileSync(notJson, '{"a": ');
  assert.match(run(['train', notJson]).stderr, /is not valid JSON/);
});

test('usage errors exit 2: unknown command, unknown option, bad option value', () => {
  assert.equal(run(['bogus']).status, 2);
  assert.equal(run(['train', '--bogus']).status, 2);
  const r = run(['train', '--max-steps', 'ten']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--max-steps expects an integer/);
});

test('--help exits 0 and lists the commands', () => {
  const r = run(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /train/);
  assert.match(r.stdout, /translate/);
});

test('an --out that cannot be written is named with exit 2 before any training starts', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  for (const out of [join(file, 'sub'), file]) {
    const r = run(['train', '--out', out, '--json']);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '', 'no training events');
    assert.ok(r.stderr.includes(out), r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('a directory that already holds a run is not overwritten without --overwrite; --resume needs a run', () => {
  const again = run(['train', configPath, '--out', modelDir]);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already holds a run .*--resume .*--overwrite/);
  const none = run(['train', '--resume', join(dir, 'no-run-here')]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /holds no run to resume/);
});

test('--set overrides a config field by dotted path and a bad path is named', () => {
  const out = join(dir, 'set');
  const r = run(['train', configPath, '--out', out, '--set', 'training.maxSteps=3', '--set', 'training.evalEvery=3', '--set', 'data.testSize=5', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { config: { training: { maxSteps: number } } };
  assert.equal(info.config.training.maxSteps, 3);
  const bad = run(['train', configPath, '--set', 'training.maxStep=3']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /training\.maxStep: unknown field/);
});

test('divergence exits 1 with one line of advice and no stack trace', () => {
  const r = run(['train', configPath, '--set', 'optimizer={"name":"sgd","lr":1e7}', '--set', 'schedule={"name":"constant"}', '--set', 'training.clipGradNorm=null', '--quiet']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^anneal: training diverged at step \d+: .*Try a lower learning rate/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('SIGINT saves a checkpoint after the current step and exits 130; the run then resumes', async () => {
  const { spawn } = await import('node:child_process');
  const out = join(dir, 'interrupted');
  const child = spawn(process.execPath, [cli, 'train', configPath, '--out', out, '--set', 'training.maxSteps=100000', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => {
    stdout += d;
    if (/"type":"step","step":5,/.test(stdout)) resolve();
  }));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  assert.equal(code, 130, stderr);
  const steps = readdirSync(join(out, 'checkpoints'));
  assert.equal(steps.length, 1);
  assert.ok(Number(steps[0]!.slice(5)) >= 5);
  assert.deepEqual(readdirSync(out).filter((e) => e.includes('.tmp-')), []);
  const resumed = run(['train', '--resume', out, '--set', `training.maxSteps=${Number(steps[0]!.slice(5)) + 2}`, '--set', 'training.evalEvery=1000', '--quiet']);
  assert.equal(resumed.status, 0, resumed.stderr);
});
