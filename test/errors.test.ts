/** One error hierarchy: every class anneal throws is an AnnealError, in the family the CLI maps to its exit code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BackendError } from '../src/backend/errors.js';
import { UsageError } from '../src/cli/usage.js';
import { AnnealError, ArgumentError, ConfigError, InputError, InternalError } from '../src/errors.js';
import { SafetensorsError } from '../src/io/safetensorsHeader.js';
import { StateDictError } from '../src/nn/module.js';
import { UnknownOptionError } from '../src/options.js';
import { OptimizerError, SGD } from '../src/optim/index.js';
import { AutogradError, ReleasedTensorError, ShapeError, Tensor } from '../src/tensor/index.js';
import { parseTrainConfig } from '../src/train/config.js';
import { OutputDirError } from '../src/train/runDir.js';
import { DivergenceError } from '../src/train/trainer.js';
import { repoRoot } from './helpers/index.js';

test('every error class extends AnnealError, in its family', () => {
  const families: [abstract new (...args: never[]) => Error, abstract new (...args: never[]) => Error][] = [
    [UnknownOptionError, ConfigError], [SafetensorsError, InputError], [OutputDirError, InputError],
    [ShapeError, ArgumentError], [OptimizerError, ArgumentError], [StateDictError, ArgumentError],
    [ConfigError, AnnealError], [InputError, AnnealError], [ArgumentError, AnnealError], [InternalError, AnnealError],
    [AutogradError, AnnealError], [ReleasedTensorError, AnnealError], [BackendError, AnnealError],
    [DivergenceError, AnnealError], [UsageError, AnnealError],
  ];
  for (const [cls, parent] of families) assert.ok(cls.prototype instanceof parent, `${cls.name} does not extend ${parent.name}`);
});

test('src/ throws only anneal error classes', () => {
  const src = join(repoRoot, 'src');
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const rel = relative(src, path);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
          if (/throw new (Error|TypeError|RangeError|SyntaxError)\(/.test(line)) offenders.push(`${rel}:${i + 1}`);
        });
      }
    }
  };
  walk(src);
  assert.deepEqual(offenders, []);
});

test('a user mistake reached through the API is a ConfigError naming the field', () => {
  const p = new Tensor(new Float32Array([1]), [1]).requiresGrad_();
  assert.throws(() => new SGD([p], { lr: 1, nesterov: true }), (e: unknown) => e instanceof ConfigError && e.field === 'nesterov');
  assert.throws(() => parseTrainConfig({ optimizer: { name: 'sgd', nesterov: true } }), (e: unknown) => e instanceof ConfigError && e.field === 'optimizer.nesterov');
});

test('the CLI prints a config mistake as one line without a stack trace and exits 2', () => {
  const cli = join(repoRoot, 'dist', 'cli', 'main.js');
  const r = spawnSync(process.execPath, [cli, 'train', '--set', 'optimizer.name="sgd"', '--set', 'optimizer.nesterov=true', '--dry-run'], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^anneal: optimizer\.nesterov: .*\n$/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
