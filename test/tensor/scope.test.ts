/**
 * Buffer lifetimes: tidy releases what it created and did not return, the pool reuses released
 * buffers, backward releases its intermediate gradients, and nothing that must live (parameters,
 * .grad, optimizer state, values() handed out) is ever released.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/errors.js';
import { BufferPool, getBackend, sizeClass } from '../../src/backend/index.js';
import { Linear } from '../../src/nn/index.js';
import { AdamW } from '../../src/optim/index.js';
import { keep, manualSeed, randn, ReleasedTensorError, Tensor, tensor, tidy } from '../../src/tensor/index.js';

describe('tidy', () => {
  test('releases tensors created inside and not returned: using one throws ReleasedTensorError', () => {
    let inner: Tensor | null = null;
    tidy(() => {
      inner = randn([3, 4]).exp();
    });
    assert.throws(() => inner!.values(), ReleasedTensorError);
    assert.throws(() => inner!.add(1), ReleasedTensorError);
    assert.equal(inner!.isReleased, true);
  });

  test('returned tensors survive, also inside arrays, Maps and plain objects', () => {
    const x = tensor([1, 2, 3]);
    const out = tidy(() => ({ a: x.mul(2), list: [x.add(1)], map: new Map([['k', x.neg()]]) }));
    assert.deepEqual(out.a.toArray(), [2, 4, 6]);
    assert.deepEqual(out.list[0]!.toArray(), [2, 3, 4]);
    assert.deepEqual(out.map.get('k')!.toArray(), [-1, -2, -3]);
  });

  test('a returned view keeps the buffer of the tensor it views', () => {
    const v = tidy(() => tensor([1, 2, 3, 4, 5, 6]).mul(1).reshape([2, 3]).transpose(0, 1));
    // allocate the same size class again: a released buffer would now be overwritten
    tidy(() => void tensor([9, 9, 9, 9, 9, 9]).mul(1));
    assert.deepEqual(v.toArray(), [[1, 4], [2, 5], [3, 6]]);
  });

  test('released buffers are reused by the next allocation of their size class', () => {
    const backend = getBackend();
    tidy(() => void randn([257]).exp());
    const before = backend.memoryStats();
    tidy(() => void randn([257]).exp());
    const after = backend.memoryStats();
    assert.ok(after.hits - before.hits >= 2, `expected pool hits, got ${after.hits - before.hits}`);
    assert.equal(after.misses, before.misses);
  });

  test('an inner tidy hands what it returns to the outer one, which releases it at its end', () => {
    let fromInner: Tensor | null = null;
    const kept = tidy(() => {
      fromInner = tidy(() => randn([5]).add(1));
      const sum = fromInner.sum();
      assert.equal(fromInner.isReleased, false);
      return sum;
    });
    assert.equal(fromInner!.isReleased, true);
    assert.equal(kept.isReleased, false);
  });

  test('keep() exempts a tensor and its buffer from every scope', () => {
    let escaped: Tensor | null = null;
    tidy(() => tidy(() => { escaped = keep(tensor([1, 2, 3, 4]).mul(3)); }));
    tidy(() => void tensor([0, 0, 0, 0]).add(1));
    assert.deepEqual(escaped!.toArray(), [3, 6, 9, 12]);
  });

  test('an array from values() stays valid after its tensor is released', () => {
    let values: Float32Array | null = null;
    tidy(() => { values = tensor([5, 6, 7]).mul(2).values() as Float32Array; });
    for (let i = 0; i < 10; i++) tidy(() => void tensor([0, 0, 0]).add(1));
    assert.deepEqual(Array.from(values!), [10, 12, 14]);
  });

  test('rejects a function that returns a Promise', () => {
    assert.throws(() => tidy(() => Promise.resolve(1)), ArgumentError);
  });

  test('releases nothing when fn throws', () => {
    let inner: Tensor | null = null;
    assert.throws(() => tidy(() => { inner = randn([3]).exp(); throw new Error('boom'); }), /boom/);
    assert.equal(inner!.isReleased, false);
  });

  test('backward() after the tidy of the forward pass ended names the cause', () => {
    const w = randn([3], { requiresGrad: true });
    const loss = tidy(() => w.exp().mul(2).sum());
    assert.throws(() => loss.backward(), (err: unknown) => err instanceof ReleasedTensorError && /same tidy/.test(err.message));
  });
});

describe('training under tidy', () => {
  function train(steps: number, scoped: boolean): Float32Array[] {
    manualSeed(3);
    const layer = new Linear(6, 4);
    const opt = new AdamW(layer.parameters(), { lr: 0.1 });
    const x = randn([5, 6]), y = randn([5, 4]);
    for (let i = 0; i < steps; i++) {
      const step = () => {
        opt.zeroGrad();
        const d = layer.forward(x).sub(y);
        d.mul(d).mean().backward();
      };
      if (scoped) { tidy(step); tidy(() => opt.step()); } else { step(); opt.step(); }
    }
    return layer.parameters().map((p) => p.toTypedArray() as Float32Array);
  }

  test('parameters, gradients and optimizer state survive, and the trajectory is unchanged', () => {
    const plain = train(6, false);
    const scoped = train(6, true);
    assert.deepEqual(scoped, plain);
  });

  test('gradients of two micro-batches accumulate into the same .grad buffer', () => {
    const w = randn([4, 3], { requiresGrad: true });
    tidy(() => w.mul(2).sum().backward());
    const first = w.grad!;
    const buffer = first.storage;
    tidy(() => w.mul(3).sum().backward());
    assert.equal(w.grad, first);
    assert.equal(w.grad!.storage, buffer);
    assert.deepEqual(Array.from(w.grad!.values()), new Array(12).fill(5));
  });
});

describe('backward releases intermediate gradients', () => {
  test('returns buffers to the pool while it runs', () => {
    const w = randn([64, 64], { requiresGrad: true });
    const loss = w.exp().mul(w).tanh().mul(3).exp().sum();
    const before = getBackend().memoryStats().released;
    loss.backward();
    assert.ok(getBackend().memoryStats().released - before >= 3);
  });

  test('sums gradients in place correctly when one tensor is used twice, also through a transposed view', () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    // d/dx sum(w * (x + x^T)) = w + w^T: both gradients of x view one buffer, one of them transposed
    const w = tensor([[1, 10], [100, 1000]]);
    x.add(x.transpose(0, 1)).mul(w).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [[2, 110], [110, 2000]]);
    // and two distinct buffers summed: d/dx sum(x * c1 + x * c2) = c1 + c2
    x.grad = null;
    x.mul(w).add(x.mul(2)).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [[3, 12], [102, 1002]]);
  });

  test('a + a gives 2 everywhere, and the first gradient of a leaf is adopted or copied, never shared', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([4, 5, 6], { requiresGrad: true });
    a.add(a).add(b).sum().backward();
    assert.deepEqual(a.grad!.toArray(), [2, 2, 2]);
    assert.deepEqual(b.grad!.toArray(), [1, 1, 1]);
    assert.notEqual(a.grad!.storage, b.grad!.storage);
  });

  test('slices of one tensor accumulate into a single gradient (packed q, k, v)', () => {
    const qkv = randn([2, 3, 12], { requiresGrad: true });
    const [q, k, v] = [qkv.narrow(2, 0, 4), qkv.narrow(2, 4, 4), qkv.narrow(2, 8, 4)];
    // overlapping slices too: the middle one adds into what the others wrote
    const mid = qkv.narrow(2, 2, 8);
    q.mul(1).sum().add(k.mul(2).sum()).add(v.mul(3).sum()).add(mid.mul(10).sum()).backward();
    const g = qkv.grad!.toArray() as number[][][];
    const expected = [1, 1, 11, 11, 12, 12, 12, 12, 13, 13, 3, 3];
    for (const row of g.flat()) assert.deepEqual(row, expected);
  });
});

describe('BufferPool', () => {
  test('size classes hold the request, waste at most 1/8 above 512 bytes, and are multiples of 64', () => {
    for (let bytes = 1; bytes < 1 << 20; bytes = Math.ceil(bytes * 1.37) + 1) {
      const c = sizeClass(bytes);
      assert.ok(c >= bytes && c % 64 === 0, `${bytes} -> ${c}`);
      if (bytes > 512) assert.ok(c <= bytes * 1.125 + 64, `${bytes} -> ${c}`);
    }
  });

  test('zeroes a reused buffer when asked, and ignores double or foreign releases', () => {
    const pool = new BufferPool((b) => new ArrayBuffer(b), true);
    const a = pool.alloc('float32', 10) as Float32Array;
    a.fill(7);
    pool.release(a);
    pool.release(a);
    pool.release(new Float32Array(10));
    assert.equal(pool.stats().released, 1);
    const b = pool.alloc('float32', 10, true) as Float32Array;
    assert.equal(b.buffer, a.buffer);
    assert.deepEqual(Array.from(b), new Array(10).fill(0));
    const c = pool.alloc('float32', 10) as Float32Array;
    assert.notEqual(c.buffer, a.buffer);
  });

  test('drops released buffers beyond its limit', () => {
    const pool = new BufferPool((b) => new ArrayBuffer(b), true, 4096);
    const bufs = Array.from({ length: 4 }, () => pool.alloc('float32', 256));
    for (const b of bufs) pool.release(b);
    assert.equal(pool.stats().bytesFree, 4096);
    assert.equal(pool.stats().released, 4);
    pool.release(pool.alloc('float32', 300));
    assert.equal(pool.stats().released, 4);
    assert.equal(pool.stats().bytesFree, 4096);
  });
});
