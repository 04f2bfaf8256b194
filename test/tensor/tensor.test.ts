/** Tensor creation, views and storage sharing, broadcasting, reading values, dtypes, in-place updates. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/errors.js';
import * as T from '../../src/tensor/index.js';
import { noGrad, ShapeError, Tensor } from '../../src/tensor/index.js';

describe('creation', () => {
  test('tensor() infers the shape of nested arrays and defaults to float32', () => {
    const t = T.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(t.strides, [3, 1]);
  });

  test('tensor() of a number is 0-d', () => {
    const t = T.tensor(2.5);
    assert.deepEqual(t.shape, []);
    assert.equal(t.item(), 2.5);
    assert.equal(t.toArray(), 2.5);
  });

  test('tensor() of booleans is bool and reads back as booleans', () => {
    const t = T.tensor([[true, false], [false, true]]);
    assert.equal(t.dtype, 'bool');
    assert.deepEqual(t.toArray(), [[true, false], [false, true]]);
  });

  test('tensor() of an empty array has shape [0]; of [[], []] shape [2, 0]', () => {
    assert.deepEqual(T.tensor([]).shape, [0]);
    assert.deepEqual(T.tensor([[], []]).shape, [2, 0]);
    assert.equal(T.tensor([[], []]).numel(), 0);
  });

  test('tensor() keeps the dtype of typed arrays and copies them', () => {
    const src = new Int32Array([1, 2, 3]);
    const i = T.tensor(src);
    assert.equal(i.dtype, 'int32');
    src[0] = 99;
    assert.equal(i.toArray().toString(), '1,2,3');
    assert.equal(T.tensor(new Float32Array([1])).dtype, 'float32');
    assert.equal(T.tensor(new Uint8Array([0, 2])).dtype, 'bool');
    assert.deepEqual(T.tensor(new Uint8Array([0, 2])).toArray(), [false, true]);
  });

  test('tensor() converts to the dtype option (truncating toward zero into int32)', () => {
    const t = T.tensor([1.9, -1.9, 3], { dtype: 'int32' });
    assert.equal(t.dtype, 'int32');
    assert.deepEqual(t.toArray(), [1, -1, 3]);
    assert.deepEqual(T.tensor(new Float32Array([0, 0.5, -2]), { dtype: 'bool' }).toArray(), [false, true, true]);
  });

  test('tensor() reshapes flat data with the shape option', () => {
    const t = T.tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] });
    assert.deepEqual(t.toArray(), [[1, 2], [3, 4], [5, 6]]);
    assert.deepEqual(T.tensor(new Float32Array(6), { shape: [2, 1, 3] }).shape, [2, 1, 3]);
  });

  test('tensor() rejects a shape option that the data does not fill', () => {
    assert.throws(() => T.tensor([1, 2, 3], { shape: [2, 2] }), (e: Error) => e instanceof ShapeError && /\[2, 2\]/.test(e.message));
  });

  test('tensor() rejects ragged nested arrays', () => {
    assert.throws(() => T.tensor([[1, 2], [3]]), (e: Error) => e instanceof ShapeError && /ragged/.test(e.message));
    assert.throws(() => T.tensor([[1, 2], 3] as never), ShapeError);
    assert.throws(() => T.tensor([1, [2]] as never), ShapeError);
  });

  test('tensor() rejects non-numeric entries', () => {
    assert.throws(() => T.tensor(['a'] as never), ArgumentError);
  });

  test('tensor() with requiresGrad makes a leaf requiring grad', () => {
    const t = T.tensor([1, 2], { requiresGrad: true });
    assert.equal(t.requiresGrad, true);
    assert.equal(t.isLeaf, true);
  });

  test('zeros, ones, full and empty fill their shape', () => {
    assert.deepEqual(T.zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
    assert.deepEqual(T.ones([3]).toArray(), [1, 1, 1]);
    assert.deepEqual(T.full([2], 7, { dtype: 'int32' }).toArray(), [7, 7]);
    assert.equal(T.full([2], 7, { dtype: 'int32' }).dtype, 'int32');
    assert.deepEqual(T.empty([2]).toArray(), [0, 0]);
    assert.throws(() => T.zeros([2, -1]), ShapeError);
  });

  test('zerosLike, onesLike and fullLike copy shape and dtype', () => {
    const x = T.tensor([[1, 2]], { dtype: 'int32' });
    for (const t of [T.zerosLike(x), T.onesLike(x), T.fullLike(x, 3)]) {
      assert.deepEqual(t.shape, [1, 2]);
      assert.equal(t.dtype, 'int32');
    }
    assert.deepEqual(T.fullLike(x, 3).toArray(), [[3, 3]]);
  });

  test('arange gives int32 for integer arguments and float32 otherwise', () => {
    assert.deepEqual(T.arange(5).toArray(), [0, 1, 2, 3, 4]);
    assert.equal(T.arange(5).dtype, 'int32');
    assert.deepEqual(T.arange(2, 11, 3).toArray(), [2, 5, 8]);
    assert.deepEqual(T.arange(5, 0, -2).toArray(), [5, 3, 1]);
    assert.deepEqual(T.arange(3, 3).shape, [0]);
    const f = T.arange(0, 1, 0.25);
    assert.equal(f.dtype, 'float32');
    assert.deepEqual(f.toArray(), [0, 0.25, 0.5, 0.75]);
    assert.throws(() => T.arange(0, 1, 0), ArgumentError);
  });

  test('linspace includes both ends', () => {
    assert.deepEqual(T.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(T.linspace(3, 9, 1).toArray(), [3]);
  });

  test('eye puts ones on the diagonal, rectangular too', () => {
    assert.deepEqual(T.eye(2).toArray(), [[1, 0], [0, 1]]);
    assert.deepEqual(T.eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
  });

  test('triu and tril keep the triangle relative to a diagonal', () => {
    const x = T.ones([3, 3]);
    assert.deepEqual(T.triu(x).toArray(), [[1, 1, 1], [0, 1, 1], [0, 0, 1]]);
    assert.deepEqual(T.triu(x, 1).toArray(), [[0, 1, 1], [0, 0, 1], [0, 0, 0]]);
    assert.deepEqual(T.tril(x).toArray(), [[1, 0, 0], [1, 1, 0], [1, 1, 1]]);
    assert.deepEqual(T.tril(x, -1).toArray(), [[0, 0, 0], [1, 0, 0], [1, 1, 0]]);
    assert.deepEqual(T.tril(T.ones([2, 2, 3])).shape, [2, 2, 3]);
    assert.throws(() => T.triu(T.ones([3])), ShapeError);
  });
});

describe('reading values', () => {
  test('item() reads a one-element tensor of any rank and rejects larger ones', () => {
    assert.equal(T.tensor([[4]]).item(), 4);
    assert.equal(T.tensor([1, 2, 3]).slice(0, 2).item(), 3);
    assert.throws(() => T.tensor([1, 2]).item(), /2 elements/);
  });

  test('values() of a contiguous tensor is its storage (or a window of it)', () => {
    const t = T.tensor([1, 2, 3, 4]);
    assert.equal(t.values(), t.storage);
    const s = t.slice(0, 1, 3);
    const v = s.values();
    v[0] = 20;
    assert.deepEqual(t.toArray(), [1, 20, 3, 4]);
  });

  test('values() of a non-contiguous tensor is a row-major copy', () => {
    const t = T.tensor([[1, 2], [3, 4]]);
    const v = t.t().values();
    assert.deepEqual([...v], [1, 3, 2, 4]);
    v[0] = 100;
    assert.equal(t.toArray().toString(), '1,2,3,4');
  });

  test('toArray() of a view follows the view, not the storage', () => {
    const t = T.arange(6).reshape([2, 3]);
    assert.deepEqual(t.t().toArray(), [[0, 3], [1, 4], [2, 5]]);
    assert.deepEqual(t.slice(1, 0, null, 2).toArray(), [[0, 2], [3, 5]]);
  });

  test('toTypedArray() is a private copy', () => {
    const t = T.tensor([1, 2]);
    const a = t.toTypedArray();
    a[0] = 9;
    assert.deepEqual(t.toArray(), [1, 2]);
  });

  test('size(), dim() and numel() describe the shape', () => {
    const t = T.zeros([2, 3, 4]);
    assert.deepEqual(t.size(), [2, 3, 4]);
    assert.equal(t.size(-1), 4);
    assert.equal(t.dim(), 3);
    assert.equal(t.ndim, 3);
    assert.equal(t.numel(), 24);
  });

  test('toString() looks like PyTorch', () => {
    assert.equal(T.tensor([[1, 2], [3, 4]]).toString(), 'tensor([[1., 2.], [3., 4.]])');
    assert.equal(T.tensor([1, 2], { dtype: 'int32' }).toString(), 'tensor([1, 2], dtype=int32)');
  });
});

describe('views and storage', () => {
  test('reshape of a contiguous tensor is a view sharing storage', () => {
    const x = T.arange(6, undefined, 1, { dtype: 'float32' });
    const y = x.reshape([2, 3]);
    assert.equal(y.storage, x.storage);
    x.storage[4] = 40;
    assert.equal((y.toArray() as number[][])[1]![1], 40);
  });

  test('transpose is a view with swapped strides', () => {
    const x = T.zeros([2, 3]);
    const y = x.transpose(0, 1);
    assert.equal(y.storage, x.storage);
    assert.deepEqual(y.shape, [3, 2]);
    assert.deepEqual(y.strides, [1, 3]);
    assert.equal(y.isContiguous(), false);
  });

  test('slice is a view with an offset and a multiplied stride', () => {
    const x = T.arange(10, undefined, 1, { dtype: 'float32' });
    const y = x.slice(0, 2, 9, 3);
    assert.equal(y.storage, x.storage);
    assert.equal(y.offset, 2);
    assert.deepEqual(y.strides, [3]);
    assert.deepEqual(y.toArray(), [2, 5, 8]);
  });

  test('slice clamps out-of-range bounds and counts negative ones from the end', () => {
    const x = T.arange(5);
    assert.deepEqual(x.slice(0, -2).toArray(), [3, 4]);
    assert.deepEqual(x.slice(0, 1, 100).toArray(), [1, 2, 3, 4]);
    assert.deepEqual(x.slice(0, 4, 2).shape, [0]);
    assert.throws(() => x.slice(0, 0, 5, 0), ShapeError);
  });

  test('select, narrow and expand are views', () => {
    const x = T.arange(12, undefined, 1, { dtype: 'float32' }).reshape([3, 4]);
    for (const v of [x.select(1, 2), x.narrow(0, 1, 2), x.select(0, -1).unsqueeze(0).expand(5, 4)]) assert.equal(v.storage, x.storage);
    assert.deepEqual(x.select(1, 2).toArray(), [2, 6, 10]);
    assert.deepEqual(x.narrow(0, 1, 2).toArray(), [[4, 5, 6, 7], [8, 9, 10, 11]]);
    assert.deepEqual(x.select(0, -1).unsqueeze(0).expand(2, 4).strides, [0, 1]);
  });

  test('reshape of a non-contiguous tensor copies', () => {
    const x = T.arange(6, undefined, 1, { dtype: 'float32' }).reshape([2, 3]);
    const y = x.t().reshape([6]);
    assert.notEqual(y.storage, x.storage);
    assert.deepEqual(y.toArray(), [0, 3, 1, 4, 2, 5]);
  });

  test('reshape of a non-contiguous tensor still views when the strides allow it', () => {
    const x = T.zeros([4, 6]);
    const y = x.slice(1, 0, 3).reshape([4, 3, 1]);
    assert.equal(y.storage, x.storage);
    const z = T.zeros([2, 3, 4]).permute(1, 0, 2).reshape([3, 2, 2, 2]);
    assert.deepEqual(z.strides, [4, 12, 2, 1]);
  });

  test('view() throws on incompatible strides and points to reshape()', () => {
    const x = T.zeros([2, 3]).t();
    assert.throws(() => x.view([6]), (e: Error) => e instanceof ShapeError && /reshape/.test(e.message));
    assert.throws(() => x.view(-1), ShapeError);
  });

  test('view() infers one -1 and rejects two or a wrong count', () => {
    assert.deepEqual(T.zeros([2, 6]).view(3, -1).shape, [3, 4]);
    assert.throws(() => T.zeros([2, 6]).view(-1, -1), /only one/);
    assert.throws(() => T.zeros([2, 6]).view(5, -1), /invalid for input of size 12/);
    assert.throws(() => T.zeros([2, 6]).reshape([5, 2]), ShapeError);
  });

  test('squeeze and unsqueeze add and remove size-1 dims', () => {
    const x = T.zeros([3, 1, 4, 1]);
    assert.deepEqual(x.squeeze().shape, [3, 4]);
    assert.deepEqual(x.squeeze(1).shape, [3, 4, 1]);
    assert.deepEqual(x.squeeze(0).shape, [3, 1, 4, 1]);
    assert.deepEqual(x.unsqueeze(0).shape, [1, 3, 1, 4, 1]);
    assert.deepEqual(x.unsqueeze(-1).shape, [3, 1, 4, 1, 1]);
    assert.deepEqual(T.tensor(5).unsqueeze(0).shape, [1]);
  });

  test('flatten and unflatten', () => {
    const x = T.zeros([2, 3, 4]);
    assert.deepEqual(x.flatten().shape, [24]);
    assert.deepEqual(x.flatten(1).shape, [2, 12]);
    assert.deepEqual(x.flatten(0, 1).shape, [6, 4]);
    assert.deepEqual(T.tensor(3).flatten().shape, [1]);
    assert.deepEqual(x.unflatten(2, [2, -1]).shape, [2, 3, 2, 2]);
    assert.throws(() => x.flatten(2, 1), ShapeError);
  });

  test('permute rejects repeated dims and the wrong count', () => {
    const x = T.zeros([2, 3]);
    assert.throws(() => x.permute(0, 0), /repeated/);
    assert.throws(() => x.permute(0), ShapeError);
    assert.deepEqual(x.permute(-1, 0).shape, [3, 2]);
  });

  test('expand rejects a size that is neither equal nor broadcast from 1', () => {
    assert.throws(() => T.zeros([2, 3]).expand(2, 4), ShapeError);
    assert.throws(() => T.zeros([2, 3]).expand(3), ShapeError);
    assert.deepEqual(T.zeros([3]).expand(2, 3).shape, [2, 3]);
  });

  test('narrow, select and split reject out-of-range arguments', () => {
    const x = T.zeros([4, 3]);
    assert.throws(() => x.narrow(0, 2, 3), ShapeError);
    assert.throws(() => x.select(1, 3), ShapeError);
    assert.throws(() => x.split([1, 2], 0), /sum to 3/);
  });

  test('slice, narrow, select, split and cat reject 0-d tensors instead of making a NaN-shaped view', () => {
    const s = T.tensor(5);
    assert.throws(() => s.slice(0, 0, 1), ShapeError);
    assert.throws(() => s.narrow(0, 0, 1), ShapeError);
    assert.throws(() => s.select(0, 0), ShapeError);
    assert.throws(() => s.split(1), ShapeError);
    assert.throws(() => T.cat([s, s]), /0-d/);
    assert.deepEqual(T.stack([s, s]).toArray(), [5, 5]);
  });

  test('split and chunk sizes follow PyTorch', () => {
    const x = T.arange(10);
    assert.deepEqual(x.split(4).map((t) => t.shape[0]), [4, 4, 2]);
    assert.deepEqual(x.chunk(3).map((t) => t.shape[0]), [4, 4, 2]);
    assert.deepEqual(x.chunk(4).map((t) => t.shape[0]), [3, 3, 3, 1]);
    assert.deepEqual(x.split([2, 8]).map((t) => t.toArray()), [[0, 1], [2, 3, 4, 5, 6, 7, 8, 9]]);
  });

  test('an out-of-range dim names the valid range', () => {
    assert.throws(() => T.zeros([2, 3]).sum(2), /out of range.*-2\.\.1/);
    assert.throws(() => T.zeros([2, 3]).transpose(0, -3), ShapeError);
  });

  test('contiguous() returns the tensor itself when already contiguous', () => {
    const x = T.zeros([2, 3]);
    assert.equal(x.contiguous(), x);
    const y = x.t().contiguous();
    assert.notEqual(y.storage, x.storage);
    assert.equal(y.isContiguous(), true);
  });

  test('clone() copies the storage', () => {
    const x = T.tensor([1, 2]);
    const y = x.clone();
    assert.notEqual(y.storage, x.storage);
    assert.deepEqual(y.toArray(), [1, 2]);
  });

  test('cat and stack join along existing and new dims', () => {
    const a = T.tensor([[1, 2]]);
    const b = T.tensor([[3, 4]]);
    assert.deepEqual(T.cat([a, b]).toArray(), [[1, 2], [3, 4]]);
    assert.deepEqual(T.cat([a, b], 1).toArray(), [[1, 2, 3, 4]]);
    assert.deepEqual(T.stack([a, b], 1).toArray(), [[[1, 2], [3, 4]]]);
    assert.deepEqual(T.stack([a, b], -1).shape, [1, 2, 2]);
    assert.throws(() => T.cat([a, T.zeros([1, 3])], 0), /\[1, 2\].*\[1, 3\]/);
    assert.throws(() => T.stack([a, T.zeros([2, 1])]), ShapeError);
    assert.throws(() => T.cat([]), ShapeError);
  });

  test('cat of int32 with float32 promotes to float32', () => {
    const c = T.cat([T.tensor([1], { dtype: 'int32' }), T.tensor([0.5])]);
    assert.equal(c.dtype, 'float32');
    assert.deepEqual(c.toArray(), [1, 0.5]);
  });
});

describe('broadcasting', () => {
  test('shapes broadcast from the right', () => {
    assert.deepEqual(T.zeros([2, 3, 4]).add(T.zeros([3, 1])).shape, [2, 3, 4]);
    assert.deepEqual(T.zeros([5, 1, 3]).add(T.zeros([4, 1])).shape, [5, 4, 3]);
    assert.deepEqual(T.zeros([]).add(T.zeros([2])).shape, [2]);
    assert.deepEqual(T.zeros([0, 1]).add(T.zeros([3])).shape, [0, 3]);
  });

  test('broadcast values repeat along the size-1 dims', () => {
    const col = T.tensor([[10], [20]]);
    const row = T.tensor([1, 2, 3]);
    assert.deepEqual(col.add(row).toArray(), [[11, 12, 13], [21, 22, 23]]);
  });

  test('an incompatible pair of shapes is an error naming both shapes', () => {
    assert.throws(() => T.zeros([2, 3]).add(T.zeros([4])), (e: Error) => e instanceof ShapeError && /\[2, 3\]/.test(e.message) && /\[4\]/.test(e.message));
    assert.throws(() => T.zeros([2, 3]).mul(T.zeros([3, 2])), /\[2, 3\].*\[3, 2\]/);
    assert.throws(() => T.zeros([2]).lt(T.zeros([3])), /\[2\].*\[3\]/);
  });

  test('where broadcasts condition and both branches together', () => {
    const out = T.where(T.tensor([[true], [false]]), T.tensor([1, 2, 3]), T.tensor(0));
    assert.deepEqual(out.toArray(), [[1, 2, 3], [0, 0, 0]]);
  });

  test('maskedFill rejects a mask that would grow the tensor', () => {
    assert.throws(() => T.zeros([3]).maskedFill(T.tensor([[true], [false]]), 1), ShapeError);
  });
});

describe('int32 and bool dtypes', () => {
  const i = (v: number[]) => T.tensor(v, { dtype: 'int32' });

  test('comparisons return bool', () => {
    const c = T.tensor([1, 2, 3]).gt(T.tensor([2, 2, 2]));
    assert.equal(c.dtype, 'bool');
    assert.deepEqual(c.toArray(), [false, false, true]);
    assert.deepEqual(i([1, 2]).eq(2).toArray(), [false, true]);
    assert.deepEqual(T.tensor([0.5, 2]).le(i([1, 1])).toArray(), [true, false]);
    assert.deepEqual(T.tensor([NaN]).ne(T.tensor([NaN])).toArray(), [true]);
  });

  test('int32 arithmetic stays int32 and exact', () => {
    const s = i([16777217, -5]).add(i([2, 3]));
    assert.equal(s.dtype, 'int32');
    // 16777219 is not representable in float32
    assert.deepEqual(s.toArray(), [16777219, -2]);
    assert.deepEqual(i([7, -7]).sub(i([2, 2])).toArray(), [5, -9]);
    assert.deepEqual(i([3, -4]).mul(i([5, 6])).toArray(), [15, -24]);
    assert.equal(i([2]).add(3).dtype, 'int32');
  });

  test('int32 multiplication and powers wrap on overflow like C', () => {
    assert.deepEqual(i([65536, 2147483647, -2147483648]).mul(i([65536, 2147483647, -1])).toArray(), [0, 1, -2147483648]);
    assert.deepEqual(i([2147483647]).add(1).toArray(), [-2147483648]);
    // 3^40 mod 2^32, as C's repeated multiplication gives
    assert.deepEqual(i([3]).pow(i([40])).toArray(), [Number(BigInt.asIntN(32, 3n ** 40n))]);
  });

  test('division of int32 tensors promotes to float32', () => {
    const q = i([7, -7]).div(i([2, 2]));
    assert.equal(q.dtype, 'float32');
    assert.deepEqual(q.toArray(), [3.5, -3.5]);
    assert.equal(i([1]).div(2).dtype, 'float32');
  });

  test('an int32 tensor meeting a float operand becomes float32', () => {
    assert.equal(i([1]).add(T.tensor([0.5])).dtype, 'float32');
    assert.deepEqual(i([1]).add(0.5).toArray(), [1.5]);
    assert.equal(i([1]).mul(2.5).dtype, 'float32');
  });

  test('bool arithmetic promotes to int32', () => {
    const s = T.tensor([true, false, true]).add(T.tensor([true, true, false]));
    assert.equal(s.dtype, 'int32');
    assert.deepEqual(s.toArray(), [2, 1, 1]);
  });

  test('logical ops on bool and numeric tensors', () => {
    const a = T.tensor([true, true, false, false]);
    const b = T.tensor([true, false, true, false]);
    assert.deepEqual(a.logicalAnd(b).toArray(), [true, false, false, false]);
    assert.deepEqual(a.logicalOr(b).toArray(), [true, true, true, false]);
    assert.deepEqual(a.logicalNot().toArray(), [false, false, true, true]);
    assert.deepEqual(T.tensor([0, 2, -1]).logicalNot().toArray(), [true, false, false]);
    assert.equal(a.logicalAnd(b).dtype, 'bool');
  });

  test('casts: float to int truncates, anything non-zero (NaN included) is true', () => {
    assert.deepEqual(T.tensor([2.9, -2.9]).int().toArray(), [2, -2]);
    assert.deepEqual(T.tensor([0, 0.1, NaN, -3]).bool().toArray(), [false, true, true, true]);
    assert.deepEqual(T.tensor([true, false]).float().toArray(), [1, 0]);
    const x = T.tensor([1]);
    assert.equal(x.float(), x);
  });

  test('unary float ops on an int32 tensor compute in float32', () => {
    const e = i([0, 1]).exp();
    assert.equal(e.dtype, 'float32');
    assert.deepEqual(e.toArray(), [1, Math.fround(Math.E)]);
    assert.deepEqual(i([-3, 2]).abs().toArray(), [3, 2]);
    assert.equal(i([-3, 2]).abs().dtype, 'int32');
    assert.deepEqual(i([-3, 2]).neg().toArray(), [3, -2]);
  });

  test('where keeps int32 when both branches are int32', () => {
    const w = T.where(T.tensor([true, false]), i([1, 2]), i([3, 4]));
    assert.equal(w.dtype, 'int32');
    assert.deepEqual(w.toArray(), [1, 4]);
    assert.equal(T.where(T.tensor([true]), i([1]), T.tensor([0.5])).dtype, 'float32');
  });

  test('only float32 tensors can require grad', () => {
    assert.throws(() => i([1]).requiresGrad_(), ArgumentError);
    assert.throws(() => T.tensor([1], { dtype: 'int32', requiresGrad: true }), ArgumentError);
  });

  test('argmax and argmin return int32 indices of the first extreme', () => {
    const x = T.tensor([[1, 5, 5], [7, 0, 0]]);
    assert.deepEqual(x.argmax(1).toArray(), [1, 0]);
    assert.deepEqual(x.argmin(1).toArray(), [0, 1]);
    assert.deepEqual(x.argmax().toArray(), 3);
    assert.deepEqual(x.argmax(0, true).shape, [1, 3]);
    assert.equal(x.argmax(1).dtype, 'int32');
  });

  test('max and min over all elements and along a dim', () => {
    const x = T.tensor([[1, 5], [7, -2]]);
    assert.equal(x.max().item(), 7);
    assert.equal(x.min().item(), -2);
    assert.deepEqual(x.max(0).values.toArray(), [7, 5]);
    assert.deepEqual(x.max(0).indices.toArray(), [1, 0]);
    assert.deepEqual(x.max(1, true).values.shape, [2, 1]);
    assert.throws(() => T.zeros([0]).max(), ShapeError);
  });

  test('max over a dim propagates NaN, as in PyTorch', () => {
    const r = T.tensor([[1, NaN, 3]]).max(1);
    assert.ok(Number.isNaN(r.values.item()));
    assert.equal(r.indices.item(), 1);
  });
});

describe('reductions (values)', () => {
  test('sum and mean over dims with and without keepdim', () => {
    const x = T.arange(6, undefined, 1, { dtype: 'float32' }).reshape([2, 3]);
    assert.equal(x.sum().item(), 15);
    assert.deepEqual(x.sum(0).toArray(), [3, 5, 7]);
    assert.deepEqual(x.sum(1, true).toArray(), [[3], [12]]);
    assert.deepEqual(x.sum([0, 1]).toArray(), 15);
    assert.deepEqual(x.mean(-1).toArray(), [1, 4]);
    assert.deepEqual(T.zeros([2, 0]).sum(1).toArray(), [0, 0]);
  });

  test('a dim repeated in a reduction is an error', () => {
    assert.throws(() => T.zeros([2, 3]).sum([1, -1]), ShapeError);
  });

  test('std is the square root of var', () => {
    const x = T.tensor([2, 4, 4, 4, 5, 5, 7, 9]);
    assert.ok(Math.abs(x.std(0, { correction: 0 }).item() - 2) < 1e-6);
  });
});

describe('in-place updates', () => {
  test('copy_ broadcasts the source into the tensor', () => {
    const x = T.zeros([2, 3]);
    x.copy_(T.tensor([1, 2, 3]));
    assert.deepEqual(x.toArray(), [[1, 2, 3], [1, 2, 3]]);
  });

  test('copy_ into a view writes through to the base tensor', () => {
    const x = T.zeros([3, 3]);
    x.t().select(0, 1).copy_(T.tensor([7, 8, 9]));
    assert.deepEqual(x.toArray(), [[0, 7, 0], [0, 8, 0], [0, 9, 0]]);
  });

  test('copy_ converts the source dtype', () => {
    const x = T.zeros([2], { dtype: 'int32' });
    x.copy_(T.tensor([1.7, -2.2]));
    assert.deepEqual(x.toArray(), [1, -2]);
  });

  test('fill_ and zero_ on a non-contiguous view touch only the view', () => {
    const x = T.ones([2, 4]);
    x.slice(1, 0, null, 2).fill_(5);
    assert.deepEqual(x.toArray(), [[5, 1, 5, 1], [5, 1, 5, 1]]);
    x.select(0, 0).zero_();
    assert.deepEqual(x.toArray(), [[0, 0, 0, 0], [5, 1, 5, 1]]);
  });

  test('a leaf requiring grad can be modified in place only under noGrad', () => {
    const w = T.zeros([2], { requiresGrad: true });
    assert.throws(() => w.fill_(1), /noGrad/);
    noGrad(() => w.fill_(1));
    assert.deepEqual(w.toArray(), [1, 1]);
  });
});

describe('Tensor constructor', () => {
  test('a tensor over explicit storage, shape, strides and offset reads the right elements', () => {
    const t = new Tensor(new Float32Array([0, 1, 2, 3, 4, 5, 6]), [2, 2], [1, 3], 1);
    assert.deepEqual(t.toArray(), [[1, 4], [2, 5]]);
  });
});
