/**
 * Exact resume: a run stopped after a checkpoint and resumed logs the same losses at every step and
 * ends with bit-identical weights as the run that was never stopped, with dropout on (so the random
 * generator's state must be restored too). Once in process (stopped by its abort signal), once across
 * processes (the first killed with SIGKILL after a checkpoint).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listCheckpoints, train } from '../../src/train/index.js';
import { repoRoot } from '../helpers/index.js';
import { tiny } from './tiny.js';

const root = mkdtempSync(join(tmpdir(), 'anneal-resume-'));
const config = tiny({ model: { dropout: 0.1 }, training: { maxSteps: 80, evalEvery: 20, checkpointEvery: 10, keepCheckpoints: 2 } });

function stepLosses(out: string): [number, number, number][] {
  return readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; step: number; loss: number; gradNorm: number })
    .filter((r) => r.type === 'step')
    .map((r) => [r.step, r.loss, r.gradNorm]);
}

const weights = (out: string) => readFileSync(join(out, 'model', 'model.safetensors'));

const straight = join(root, 'straight');
await train(config, { out: straight });

test('the uninterrupted run logs every step and keeps the last 2 checkpoints plus the best', () => {
  assert.equal(stepLosses(straight).length, 80);
  const evals = readFileSync(join(straight, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; split?: string; step: number; loss: number })
    .filter((r) => r.type === 'eval' && r.split === 'valid');
  const best = evals.reduce((a, b) => (b.loss < a.loss ? b : a)).step;
  assert.deepEqual(listCheckpoints(straight), [...new Set([best, 70, 80])].sort((a, b) => a - b));
});

test('stopped in process after step 33 and resumed: same losses, bit-identical weights', async () => {
  const out = join(root, 'in-process');
  const controller = new AbortController();
  const first = await train(config, { out, signal: controller.signal, onEvent: (e) => { if (e.type === 'step' && e.step === 33) controller.abort(); } });
  assert.equal(first.interrupted, true);
  assert.equal(first.steps, 33);
  // the interruption itself is checkpointed
  assert.ok(listCheckpoints(out).includes(33));
  assert.equal(existsSync(join(out, 'model')), false, 'no model directory from an interrupted run');
  const second = await train(config, { out, resume: true });
  assert.equal(second.steps, 80);
  assert.deepEqual(stepLosses(out), stepLosses(straight));
  assert.ok(weights(out).equals(weights(straight)), 'model.safetensors differs');
});

test('killed with SIGKILL after a checkpoint and resumed from the CLI: same losses, bit-identical weights', async () => {
  const out = join(root, 'killed');
  const configPath = join(root, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const cli = join(repoRoot, 'dist', 'cli', 'main.js');
  const child = spawn(process.execPath, [cli, 'train', configPath, '--out', out, '--quiet'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (listCheckpoints(out).includes(40)) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve();
      }
    }, 2);
    child.on('exit', () => {
      clearInterval(poll);
      reject(new Error('the run finished before it could be killed'));
    });
  });
  await new Promise((r) => child.on('close', r));
  const resumed = spawnSync(process.execPath, [cli, 'train', '--resume', out, '--quiet'], { encoding: 'utf8' });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.deepEqual(stepLosses(out), stepLosses(straight));
  assert.ok(weights(out).equals(weights(straight)), 'model.safetensors differs');
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { resumes: { fromStep: number }[] };
  assert.equal(run.resumes.length, 1);
  assert.ok(run.resumes[0]!.fromStep >= 40);
});

test('resume with --set continues the saved config with the override (a longer run)', () => {
  const out = join(root, 'longer');
  const cli = join(repoRoot, 'dist', 'cli', 'main.js');
  const configPath = join(root, 'short.json');
  writeFileSync(configPath, JSON.stringify({ ...config, training: { ...(config.training as object), maxSteps: 20 } }));
  assert.equal(spawnSync(process.execPath, [cli, 'train', configPath, '--out', out, '--quiet']).status, 0);
  const r = spawnSync(process.execPath, [cli, 'train', '--resume', out, '--set', 'training.maxSteps=30', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const steps = stepLosses(out).map(([s]) => s);
  assert.deepEqual(steps, Array.from({ length: 30 }, (_, i) => i + 1));
});
