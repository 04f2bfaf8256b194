/** Finite-difference gradient checks for shape ops, joins and index-based gathers. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as T from '../../src/tensor/index.js';
import { Tensor } from '../../src/tensor/index.js';
import { gradcheck, param } from '../helpers/gradcheck.js';

// Shape ops are linear, so central differences are exact up to rounding and a large eps is safe.
// Each check multiplies by a second op (exp) so a gradient routed to the wrong element is caught
// even where the weights alone would not distinguish elements.
const opts = { eps: 1e-2 };

describe('view op gradients', () => {
  const cases: [string, number[], (x: Tensor) => Tensor][] = [
    ['reshape of a contiguous tensor', [2, 3, 4], (x) => x.reshape([4, 6])],
    ['reshape with -1', [2, 3, 4], (x) => x.reshape(-1, 2)],
    ['reshape of a transposed tensor (copies)', [3, 4], (x) => x.t().reshape([12])],
    ['view', [2, 3, 4], (x) => x.view([6, 4])],
    ['view of a permuted tensor where strides allow', [2, 3, 4], (x) => x.permute(1, 0, 2).view([3, 2, 2, 2])],
    ['transpose of dims 0 and 2', [2, 3, 4], (x) => x.transpose(0, 2)],
    ['transpose with negative dims', [2, 3, 4], (x) => x.transpose(-1, -2)],
    ['t() of a matrix', [3, 5], (x) => x.t()],
    ['mT', [2, 3, 4], (x) => x.mT],
    ['permute', [2, 3, 4], (x) => x.permute(2, 0, 1)],
    ['permute with negative dims', [2, 3, 4], (x) => x.permute([-1, -3, -2])],
    ['contiguous of a permuted tensor', [2, 3, 4], (x) => x.permute(1, 2, 0).contiguous()],
    ['unsqueeze at 0', [3, 4], (x) => x.unsqueeze(0)],
    ['unsqueeze at -1', [3, 4], (x) => x.unsqueeze(-1)],
    ['squeeze all', [3, 1, 4, 1], (x) => x.squeeze()],
    ['squeeze one dim', [3, 1, 4, 1], (x) => x.squeeze(1)],
    ['flatten all', [2, 3, 4], (x) => x.flatten()],
    ['flatten dims 1..2', [2, 3, 4], (x) => x.flatten(1, 2)],
    ['flatten a transposed tensor', [2, 3, 4], (x) => x.transpose(0, 1).flatten(0, 1)],
    ['unflatten', [2, 12], (x) => x.unflatten(1, [3, 4])],
    ['expand a size-1 dim', [3, 1], (x) => x.expand(3, 4)],
    ['expand with new leading dims', [3], (x) => x.expand([2, 4, 3])],
    ['expand with -1', [1, 3], (x) => x.expand(5, -1)],
    ['expandAs', [1, 3], (x) => x.expandAs(T.zeros([2, 3]))],
    ['narrow', [5, 4], (x) => x.narrow(0, 1, 3)],
    ['narrow with a negative start', [4, 5], (x) => x.narrow(1, -3, 2)],
    ['slice', [6, 4], (x) => x.slice(0, 1, 5)],
    ['slice with step 2', [7, 3], (x) => x.slice(0, 0, null, 2)],
    ['slice with step 3 and negative bounds', [3, 10], (x) => x.slice(1, -9, -1, 3)],
    ['slice of a transposed tensor', [4, 6], (x) => x.t().slice(0, 1, null, 2)],
    ['select', [3, 4, 2], (x) => x.select(1, 2)],
    ['select with a negative index', [3, 4, 2], (x) => x.select(0, -1)],
    ['clone', [2, 3], (x) => x.clone()],
    ['a chain of views', [2, 3, 4], (x) => x.transpose(0, 1).slice(2, 1).reshape([3, -1]).unsqueeze(1).expand(3, 2, 6)],
  ];
  for (const [name, shape, fn] of cases) {
    test(name, () => {
      gradcheck((x) => fn(x).exp(), [param(shape, name.length)], opts);
    });
  }

  test('split into equal sizes, every piece used', () => {
    gradcheck((x) => {
      const [a, b, c] = x.split(2, 1);
      return a!.mul(2).sub(b!.exp()).add(c!.square());
    }, [param([3, 6], 1)], opts);
  });

  test('split into explicit sizes with an unused piece', () => {
    gradcheck((x) => {
      const parts = x.split([1, 3, 2], 0);
      return parts[0]!.exp().add(parts[2]!.sum(0, true));
    }, [param([6, 3], 2)], opts);
  });

  test('chunk with a remainder', () => {
    gradcheck((x) => {
      const parts = x.chunk(3, -1);
      assert.equal(parts.length, 3);
      return T.cat([parts[2]!.exp(), parts[0]!.square(), parts[1]!], -1);
    }, [param([2, 7], 3)], opts);
  });
});

describe('repeat gradients', () => {
  test('repeat sums the gradient of every copy', () => {
    gradcheck((x) => x.repeat(2, 3), [param([2, 3], 31)]);
  });

  test('repeat with extra leading dims of a transposed input', () => {
    gradcheck((x) => x.t().repeat(2, 1, 2), [param([3, 2], 32)]);
  });
});

describe('join gradients', () => {
  for (const dim of [0, 1, 2, -1]) {
    test(`cat along dim ${dim}`, () => {
      const sa = [2, 3, 4];
      const sb = [2, 3, 4];
      const d = dim < 0 ? dim + 3 : dim;
      sb[d] = 2;
      gradcheck((a, b) => T.cat([a, b, a], dim).exp(), [param(sa, 10 + d), param(sb, 20 + d)], opts);
    });
  }

  for (const dim of [0, 1, 2, -1]) {
    test(`stack along dim ${dim}`, () => {
      gradcheck((a, b) => T.stack([a, b.square(), a], dim).exp(), [param([3, 2], 30), param([3, 2], 31)], opts);
    });
  }

  test('cat of non-contiguous inputs', () => {
    gradcheck((a, b) => T.cat([a.t(), b], 0).exp(), [param([3, 2], 40), param([1, 3], 41)], opts);
  });

  test('cat where one input does not require grad', () => {
    const fixed = T.ones([2, 2]);
    gradcheck((a) => T.cat([fixed, a], 1).exp(), [param([2, 3], 42)], opts);
  });
});

describe('indexing gradients', () => {
  test('indexSelect along dim 0 with repeated indices', () => {
    const idx = T.tensor(new Int32Array([2, 0, 2, 3, 2]));
    gradcheck((x) => x.indexSelect(0, idx).exp(), [param([4, 3], 50)], opts);
  });

  test('indexSelect along the last dim', () => {
    const idx = T.tensor(new Int32Array([1, 1, 0]));
    gradcheck((x) => x.indexSelect(-1, idx).exp(), [param([2, 3, 2], 51)], opts);
  });

  test('indexSelect along a middle dim of a transposed input', () => {
    const idx = T.tensor(new Int32Array([0, 2]));
    gradcheck((x) => T.indexSelect(x.transpose(0, 2), 1, idx).exp(), [param([2, 3, 4], 52)], opts);
  });

  test('gather along dim 1 with repeated indices', () => {
    const idx = T.tensor([[0, 0, 2], [1, 2, 1]], { dtype: 'int32' });
    gradcheck((x) => x.gather(1, idx).exp(), [param([2, 3], 53)], opts);
  });

  test('gather along dim 0 of a 3-D tensor', () => {
    const idx = T.tensor([[[1, 0]], [[1, 1]], [[0, 0]]], { dtype: 'int32' }).reshape([1, 3, 2]).expand(2, 3, 2).contiguous();
    gradcheck((x) => T.gather(x, 0, idx).exp(), [param([2, 3, 2], 54)], opts);
  });

  test('gather along the last dim with more entries than the dim size', () => {
    const idx = T.tensor([[0, 1, 1, 0, 1], [1, 1, 1, 1, 0]], { dtype: 'int32' });
    gradcheck((x) => x.gather(-1, idx).exp(), [param([2, 2], 55)], opts);
  });
});

describe('embedding gradients', () => {
  test('embedding with repeated indices accumulates into the rows used', () => {
    const ids = T.tensor([[1, 3, 1], [0, 1, 3]], { dtype: 'int32' });
    const r = gradcheck((w) => T.embedding(ids, w).exp(), [param([5, 4], 60)], opts);
    // row 2 and row 4 are never looked up
    const g = r.analytic[0]!;
    for (const row of [2, 4]) for (let j = 0; j < 4; j++) assert.equal(g[row * 4 + j], 0);
  });

  test('embedding of a repeated index sums the output gradients exactly', () => {
    const w = T.zeros([3, 2], { requiresGrad: true });
    const ids = T.tensor(new Int32Array([2, 2, 0, 2]));
    const out = T.embedding(ids, w);
    assert.deepEqual(out.shape, [4, 2]);
    out.backward(T.tensor([[1, 2], [10, 20], [100, 200], [1000, 2000]]));
    assert.deepEqual(w.grad!.toArray(), [[100, 200], [0, 0], [1011, 2022]]);
  });

  test('embedding gives the paddingIdx row zero gradient and the other rows their usual one', () => {
    const ids = T.tensor([[1, 0, 2], [0, 2, 2]], { dtype: 'int32' });
    const w0 = param([4, 3], 61);
    const w1 = param([4, 3], 61);
    const upstream = param([2, 3, 3], 62).detach();
    T.embedding(ids, w0).mul(upstream).sum().backward();
    T.embedding(ids, w1, 0).mul(upstream).sum().backward();
    const g0 = w0.grad!.toArray() as number[][];
    const g1 = w1.grad!.toArray() as number[][];
    assert.deepEqual(g1[0], [0, 0, 0]);
    assert.ok((g0[0] as number[]).some((v) => v !== 0), 'without paddingIdx row 0 gets gradient');
    assert.deepEqual(g1.slice(1), g0.slice(1));
  });

  test('a negative paddingIdx counts from the end, as in torch.nn.functional.embedding', () => {
    const ids = T.tensor(new Int32Array([2, 0, 2]));
    const w = T.ones([3, 2], { requiresGrad: true });
    T.embedding(ids, w, -1).sum().backward();
    assert.deepEqual(w.grad!.toArray(), [[1, 1], [0, 0], [0, 0]]);
  });

  test('embedding with paddingIdx still looks the padding row up in the forward pass', () => {
    const w = T.tensor([[1, 2], [3, 4]]);
    assert.deepEqual(T.embedding(T.tensor(new Int32Array([0, 1])), w, 0).toArray(), [[1, 2], [3, 4]]);
  });
});
