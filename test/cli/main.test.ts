import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/index.js';

const cli = join(repoRoot, 'dist', 'cli', 'main.js');

test('output piped into a reader that stops early (| head) ends quietly with exit code 0', () => {
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" schedule cosine --lr 1 --total-steps 200000 --steps 200000 | head -n 1; exit "\${PIPESTATUS:-0}"`], {
    encoding: 'utf8',
  });
  assert.equal(r.stdout, 'step\tlr\n');
  assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/);
});

test('--version prints the package version', () => {
  const r = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('--debug (anywhere on the line) or ANNEAL_DEBUG=1 adds the stack trace to an error', () => {
  const plain = spawnSync(process.execPath, [cli, 'train', '--set', 'optimizer.lr=-1'], { encoding: 'utf8' });
  assert.equal(plain.status, 2);
  assert.equal(plain.stderr, 'anneal: optimizer.lr: must be > 0, got -1\n');
  for (const r of [
    spawnSync(process.execPath, [cli, 'train', '--set', 'optimizer.lr=-1', '--debug'], { encoding: 'utf8' }),
    spawnSync(process.execPath, [cli, '--debug', 'train', '--set', 'optimizer.lr=-1'], { encoding: 'utf8' }),
    spawnSync(process.execPath, [cli, 'train', '--set', 'optimizer.lr=-1'], { encoding: 'utf8', env: { ...process.env, ANNEAL_DEBUG: '1' } }),
  ]) {
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^anneal: ConfigError: optimizer\.lr: must be > 0, got -1\n\s+at /);
  }
});
