/** What a PyTorch user reaches for: mm, bmm, repeat, tolist, randint(high, shape), supported dtypes, and the README's function forms. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as anneal from '../../src/index.js';
import { ConfigError } from '../../src/errors.js';
import * as T from '../../src/tensor/index.js';
import { ShapeError } from '../../src/tensor/index.js';
import { repoRoot } from '../helpers/index.js';

describe('mm and bmm', () => {
  test('mm multiplies matrices and checks their shapes as torch.mm does', () => {
    const a = T.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(T.mm(a, T.eye(3)).toArray(), a.toArray());
    assert.throws(() => a.mm(T.ones([2, 2])), (e: unknown) => e instanceof ShapeError && /mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x2\)/.test(e.message));
    assert.throws(() => T.mm(T.ones([3]), T.ones([3, 1])), /self must be a matrix/);
    assert.throws(() => T.mm(T.ones([2, 3]), T.ones([2, 3, 1])), /mat2 must be a matrix/);
  });

  test('bmm multiplies batches of equal size and does not broadcast', () => {
    const a = T.ones([2, 3, 4]);
    assert.deepEqual(a.bmm(T.ones([2, 4, 5])).shape, [2, 3, 5]);
    assert.throws(() => T.bmm(a, T.ones([1, 4, 5])), /expected size for first two dimensions of batch2 tensor to be: \[2, 4\] but got: \[1, 4\]/);
    assert.throws(() => T.bmm(T.ones([3, 4]), T.ones([4, 5])), /batch1 must be a 3D tensor/);
  });
});

describe('repeat', () => {
  test('tiles each dim, as Tensor.repeat', () => {
    assert.deepEqual(T.tensor([[1, 2], [3, 4]]).repeat(2, 3).toArray(), [
      [1, 2, 1, 2, 1, 2], [3, 4, 3, 4, 3, 4], [1, 2, 1, 2, 1, 2], [3, 4, 3, 4, 3, 4],
    ]);
  });

  test('extra leading repeats add dims; fewer repeats than dims is an error', () => {
    const r = T.tensor([1, 2, 3]).repeat([2, 1, 2]);
    assert.deepEqual(r.shape, [2, 1, 6]);
    assert.deepEqual(r.toArray(), [[[1, 2, 3, 1, 2, 3]], [[1, 2, 3, 1, 2, 3]]]);
    assert.throws(() => T.ones([2, 2]).repeat(2), ShapeError);
  });
});

describe('tolist, randint, dtypes', () => {
  test('tolist gives nested arrays, a number for a 0-d tensor, booleans for bool', () => {
    assert.deepEqual(T.tensor([[1, 2], [3, 4]]).tolist(), [[1, 2], [3, 4]]);
    assert.equal(T.tensor(7).tolist(), 7);
    assert.deepEqual(T.tensor([true, false]).tolist(), [true, false]);
  });

  test('randint(high, shape) draws from [0, high) like randint(0, high, shape)', () => {
    T.manualSeed(3);
    const a = T.randint(5, [100]);
    T.manualSeed(3);
    const b = T.randint(0, 5, [100]);
    assert.deepEqual(a.toArray(), b.toArray());
    assert.ok((a.values() as Int32Array).every((v) => v >= 0 && v < 5));
    assert.equal(T.randint(5, [2], { dtype: 'float32' }).dtype, 'float32');
  });

  const dtypeError = (f: () => unknown, pattern: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof ConfigError && e.field === 'dtype' && pattern.test(e.message));

  test('an unsupported dtype is an error that lists the supported ones', () => {
    dtypeError(() => T.zeros([2], { dtype: 'float64' as never }), /^dtype: "float64" is not supported by zeros \(allowed: float32, int32, bool\)$/);
    dtypeError(() => T.tensor([1, 2], { dtype: 'int64' as never }), /"int64" is not supported by tensor \(allowed: float32, int32, bool\)/);
    dtypeError(() => T.ones([2]).to('float16' as never), /allowed: float32, int32, bool/);
  });

  test('rand and randn make float32 only, and say so for other dtypes', () => {
    dtypeError(() => T.rand([2], { dtype: 'int32' }), /rand cannot make int32 tensors \(allowed: float32\)/);
    dtypeError(() => T.randn([2], { dtype: 'bool' }), /randn cannot make bool tensors/);
    assert.equal(T.rand([2], { dtype: 'float32' }).dtype, 'float32');
  });

  test('a Float64Array becomes float32; an unsupported typed array is refused', () => {
    const t = T.tensor(new Float64Array([0.5, 1.5]));
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.toArray(), [0.5, 1.5]);
    assert.throws(() => T.tensor(new BigInt64Array(2) as never), anneal.ArgumentError);
  });
});

describe('function forms', () => {
  test('every op the README lists as "methods and functions" exists at the package root as a function', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const bullet = readme.slice(readme.indexOf('Ops as methods and functions:'), readme.indexOf('Every op\'s gradient is checked'));
    // keepdim is an option the bullet mentions, not an op
    const names = [...bullet.matchAll(/`([a-zA-Z]+)`/g)].map((m) => m[1]!).filter((n) => n !== 'keepdim');
    assert.ok(names.length > 20, `found only ${names.length} names in the README`);
    for (const name of names) assert.equal(typeof (anneal as Record<string, unknown>)[name], 'function', `anneal.${name} is not a function`);
  });

  test('the function forms return what the methods return', () => {
    const x = T.tensor([[1, 5, 3], [4, 2, 6]]);
    assert.deepEqual(anneal.narrow(x, 1, 1, 2).toArray(), x.narrow(1, 1, 2).toArray());
    assert.deepEqual(anneal.slice(x, 1, 0, null, 2).toArray(), [[1, 3], [4, 6]]);
    assert.deepEqual(anneal.select(x, 0, 1).toArray(), [4, 2, 6]);
    assert.equal(anneal.max(x).item(), 6);
    assert.deepEqual(anneal.max(x, 1).indices.toArray(), [1, 2]);
    assert.deepEqual(anneal.min(x, 0).values.toArray(), [1, 2, 3]);
  });

  test('nn.functional.mseLoss is loss.mseLoss', () => {
    assert.equal(anneal.nn.functional.mseLoss, anneal.loss.mseLoss);
  });
});
