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
