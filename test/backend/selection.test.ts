/**
 * Choosing the backend: ANNEAL_BACKEND=js|native, the native one by default when its addon loads,
 * else the TypeScript one with a single notice on stderr; bad settings are errors that name the
 * variable. Each case runs in a child process, since the choice is made once per process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nativeBackend } from '../../src/backend/index.js';
import { repoRoot } from '../helpers/index.js';

const cli = join(repoRoot, 'dist', 'cli', 'main.js');
const lib = join(repoRoot, 'dist', 'index.js');
const missing = join(repoRoot, 'no-such-dir', 'anneal.node');

function run(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const clean = { ...process.env };
  delete clean.ANNEAL_BACKEND;
  delete clean.ANNEAL_THREADS;
  delete clean.ANNEAL_NATIVE_ADDON;
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...clean, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A script that runs a few ops and prints the backend that ran them. */
const script = `import(${JSON.stringify(lib)}).then((a) => { for (let i = 0; i < 3; i++) a.randn([4, 4]).exp().sum(); console.log(a.backend.backendInfo().name); })`;

test('without the addon, anneal runs on the TypeScript backend and says so once on stderr', () => {
  const r = run(['-e', script], { ANNEAL_NATIVE_ADDON: missing });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'js');
  assert.equal(r.stderr.match(/native backend is not available/g)?.length, 1, r.stderr);
  assert.match(r.stderr, /no-such-dir/);
});

test('ANNEAL_BACKEND=native without the addon is an error (exit 1) that says what is missing', () => {
  const r = run([cli, 'bench', '--op', 'matmul', '--n', '8', '--json'], { ANNEAL_NATIVE_ADDON: missing, ANNEAL_BACKEND: 'native' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /ANNEAL_BACKEND=native, but the native backend cannot be loaded: the addon was not built/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('ANNEAL_BACKEND=js picks the TypeScript backend without a notice, and bench reports it', () => {
  const r = run([cli, 'bench', '--op', 'matmul', '--n', '8', '--json'], { ANNEAL_BACKEND: 'js' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { backend: string; threads: number; gflops: number };
  assert.equal(out.backend, 'js');
  assert.equal(out.threads, availableParallelism(), 'its gemm uses every core by default');
  assert.ok(out.gflops > 0);
  assert.equal(r.stderr, '');
  const one = run([cli, 'bench', '--op', 'matmul', '--n', '8', '--json'], { ANNEAL_BACKEND: 'js', ANNEAL_THREADS: '3' });
  assert.equal(one.status, 0, one.stderr);
  assert.equal((JSON.parse(one.stdout) as { threads: number }).threads, 3);
});

test('an unknown ANNEAL_BACKEND or a bad ANNEAL_THREADS is a usage error (exit 2) naming the variable', () => {
  const a = run([cli, 'bench', '--op', 'matmul', '--n', '8'], { ANNEAL_BACKEND: 'cuda' });
  assert.equal(a.status, 2);
  assert.match(a.stderr, /ANNEAL_BACKEND: unknown backend 'cuda' \(allowed: js, native\)/);
  const b = run([cli, 'bench', '--op', 'matmul', '--n', '8'], { ANNEAL_BACKEND: 'js', ANNEAL_THREADS: 'many' });
  assert.equal(b.status, 2);
  assert.match(b.stderr, /ANNEAL_THREADS: expected a positive integer, got 'many'/);
});

test('with the addon built, the native backend is the default and ANNEAL_THREADS sets its threads', { skip: nativeBackend() ? false : 'the addon is not built here' }, () => {
  const r = run([cli, 'bench', '--op', 'matmul', '--n', '8', '--json'], { ANNEAL_THREADS: '1' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { backend: string; threads: number; isa: string };
  assert.equal(out.backend, 'native');
  assert.equal(out.threads, 1);
  assert.match(out.isa, /^(portable|avx2|avx512)$/);
});
