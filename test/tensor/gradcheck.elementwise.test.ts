/** Finite-difference gradient checks for elementwise ops, broadcasting and gradient accumulation. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as T from '../../src/tensor/index.js';
import { Tensor } from '../../src/tensor/index.js';
import { recordOp } from '../../src/tensor/autograd.js';
import { gradcheck, param, paramAway } from '../helpers/gradcheck.js';

/** Two leaves of the given shapes whose values are all pairwise at least `gap` apart (no ties). */
function distinctPair(sa: number[], sb: number[], seed: number, gap = 0.02): [Tensor, Tensor] {
  const na = sa.reduce((p, s) => p * s, 1);
  const nb = sb.reduce((p, s) => p * s, 1);
  const all = paramAway([na + nb], seed, { lo: -2, hi: 2, gap }).values() as Float32Array;
  return [new Tensor(all.slice(0, na), sa).requiresGrad_(), new Tensor(all.slice(na), sb).requiresGrad_()];
}

/** Values in [0.5, 2) with random signs: safe divisors. */
function awayFromZero(shape: number[], seed: number): Tensor {
  const x = param(shape, seed, 0.5, 2);
  const s = param(shape, seed + 1000);
  const v = x.storage as Float32Array;
  const sv = s.values();
  for (let i = 0; i < v.length; i++) if (sv[i]! < 0) v[i] = -v[i]!;
  return x;
}

describe('gradcheck helper', () => {
  test('passes a correct gradient', () => {
    gradcheck((x) => x.mul(x), [param([3, 2], 1)]);
  });

  function customSquare(x: Tensor, grad: (g: Tensor) => Tensor): Tensor {
    const out = new Tensor((x.values() as Float32Array).map((v) => v * v), x.shape);
    return recordOp(out, 'customSquare', [x], (g) => [grad(g)]);
  }

  test('fails a gradient missing a factor of 2', () => {
    const x = param([3, 2], 2);
    assert.throws(() => gradcheck((t) => customSquare(t, (g) => g.mul(t.detach())), [x]), /gradient mismatch/);
  });

  test('fails a gradient with the wrong sign', () => {
    const x = param([3, 2], 3);
    assert.throws(() => gradcheck((t) => customSquare(t, (g) => g.mul(t.detach()).mul(-2)), [x]), /gradient mismatch/);
  });

  test('fails a transposed gradient', () => {
    const x = param([3, 3], 4);
    assert.throws(() => gradcheck((t) => customSquare(t, (g) => g.mul(t.detach()).mul(2).t().contiguous()), [x]), /gradient mismatch/);
  });

  test('fails a gradient off by 5%', () => {
    const x = param([4], 5, 0.5, 1);
    assert.throws(() => gradcheck((t) => customSquare(t, (g) => g.mul(t.detach()).mul(2.1)), [x]), /gradient mismatch/);
  });

  test('reports the input and multi-index of the worst element', () => {
    const x = param([2, 3], 6);
    const wrongAt = (g: Tensor): Tensor => {
      const v = (g.mul(x.detach()).mul(2).values() as Float32Array).slice();
      v[4] = v[4]! + 1;
      return new Tensor(v, x.shape);
    };
    assert.throws(() => gradcheck((a, t) => a!.add(customSquare(t!, wrongAt)), [param([2, 3], 7), x]), /input 1 \[1, 1\]/);
  });
});

describe('binary op gradients', () => {
  const binaries: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ['add', (a, b) => a.add(b)],
    ['sub', (a, b) => a.sub(b)],
    ['mul', (a, b) => a.mul(b)],
    ['div', (a, b) => a.div(b)],
  ];
  const shapes: [string, number[], number[]][] = [
    ['same shape', [2, 3, 4], [2, 3, 4]],
    ['[2,3,4] with [4]', [2, 3, 4], [4]],
    ['[2,3,4] with [3,1]', [2, 3, 4], [3, 1]],
    ['[2,3,4] with [1,3,1]', [2, 3, 4], [1, 3, 1]],
    ['[2,3,4] with 0-d', [2, 3, 4], []],
    ['0-d with [2,3]', [], [2, 3]],
    ['[3,1] with [1,4] (both broadcast)', [3, 1], [1, 4]],
    ['[4] with [2,3,4] (left operand broadcast)', [4], [2, 3, 4]],
  ];
  for (const [name, op] of binaries) {
    for (const [label, sa, sb] of shapes) {
      test(`${name}: ${label}`, () => {
        gradcheck(op, [param(sa, 11), name === 'div' ? awayFromZero(sb, 12) : param(sb, 12)]);
      });
    }
  }

  test('add with alpha scales the second gradient', () => {
    gradcheck((a, b) => a.add(b, { alpha: -2.5 }), [param([3, 4], 1), param([4], 2)]);
  });

  test('sub with alpha scales the second gradient', () => {
    gradcheck((a, b) => a.sub(b, { alpha: 3 }), [param([3, 4], 1), param([3, 1], 2)]);
  });

  test('binary ops with a number operand', () => {
    gradcheck((a) => a.add(2).mul(-3).sub(0.5).div(1.5), [param([2, 3], 3)]);
  });

  test('div with a tensor numerator broadcast against a denominator', () => {
    gradcheck((a, b) => a.div(b), [param([3, 1], 4), awayFromZero([3, 5], 5)]);
  });

  for (const e of [2, 3, 0.5, -1.5, 1]) {
    test(`pow with scalar exponent ${e}`, () => {
      gradcheck((x) => x.pow(e), [param([2, 3], 20, 0.5, 2)]);
    });
  }

  test('pow with scalar exponent 0 has zero gradient', () => {
    const x = param([2, 3], 21, 0.5, 2);
    const r = gradcheck((t) => t.pow(0), [x]);
    assert.ok(r.analytic[0]!.every((v) => v === 0));
  });

  test('pow with integer exponent 3 on negative bases', () => {
    gradcheck((x) => x.pow(3), [param([5], 22, -2, -0.5)]);
  });

  test('pow with a tensor exponent: gradients for base and exponent', () => {
    gradcheck((x, y) => x.pow(y), [param([2, 3], 23, 0.5, 2), param([2, 3], 24, -1, 2)]);
  });

  test('pow with a broadcast tensor exponent', () => {
    gradcheck((x, y) => x.pow(y), [param([2, 3, 4], 25, 0.5, 2), param([4], 26, -1, 2)]);
  });

  test('pow with a broadcast tensor base', () => {
    gradcheck((x, y) => x.pow(y), [param([3, 1], 27, 0.5, 2), param([3, 4], 28, -1, 2)]);
  });

  test('maximum of tensors of the same shape', () => {
    gradcheck((a, b) => a.maximum(b), distinctPair([3, 4], [3, 4], 30));
  });

  test('minimum of tensors of the same shape', () => {
    gradcheck((a, b) => a.minimum(b), distinctPair([3, 4], [3, 4], 31));
  });

  test('maximum broadcast [2,3,4] with [3,1]', () => {
    gradcheck((a, b) => a.maximum(b), distinctPair([2, 3, 4], [3, 1], 32));
  });

  test('minimum broadcast [2,3,4] with [4]', () => {
    gradcheck((a, b) => a.minimum(b), distinctPair([2, 3, 4], [4], 33));
  });

  test('maximum with a number', () => {
    gradcheck((a) => a.maximum(0.1), [paramAway([3, 4], 34, { avoid: [0.1] })]);
  });

  test('maximum splits the gradient evenly between tied operands, as PyTorch does', () => {
    const a = T.tensor([1, 2, 3], { requiresGrad: true });
    const b = T.tensor([1, 5, 0], { requiresGrad: true });
    a.maximum(b).sum().backward();
    assert.deepEqual(a.grad!.toArray(), [0.5, 0, 1]);
    assert.deepEqual(b.grad!.toArray(), [0.5, 1, 0]);
  });

  test('minimum splits the gradient evenly between tied operands', () => {
    const a = T.tensor([1, 2, 3], { requiresGrad: true });
    const b = T.tensor([1, 5, 0], { requiresGrad: true });
    a.minimum(b).sum().backward();
    assert.deepEqual(a.grad!.toArray(), [0.5, 1, 0]);
    assert.deepEqual(b.grad!.toArray(), [0.5, 0, 1]);
  });
});

describe('unary op gradients', () => {
  const smooth: [string, (x: Tensor) => Tensor, number, number][] = [
    ['neg', (x) => x.neg(), -2, 2],
    ['exp', (x) => x.exp(), -2, 2],
    ['log', (x) => x.log(), 0.5, 3],
    ['sqrt', (x) => x.sqrt(), 0.5, 3],
    ['rsqrt', (x) => x.rsqrt(), 0.5, 3],
    ['tanh', (x) => x.tanh(), -2, 2],
    ['sigmoid', (x) => x.sigmoid(), -4, 4],
    ['gelu (exact)', (x) => x.gelu(), -3, 3],
    ['gelu (tanh approximation)', (x) => x.gelu({ approximate: 'tanh' }), -3, 3],
    ['erf', (x) => x.erf(), -2, 2],
    ['sin', (x) => x.sin(), -3, 3],
    ['cos', (x) => x.cos(), -3, 3],
    ['square', (x) => x.square(), -2, 2],
    ['reciprocal (positive)', (x) => x.reciprocal(), 0.5, 2],
    ['reciprocal (negative)', (x) => x.reciprocal(), -2, -0.5],
  ];
  for (const [name, fn, lo, hi] of smooth) {
    test(name, () => {
      gradcheck(fn, [param([3, 5], name.length, lo, hi)]);
    });
  }

  test('abs away from 0', () => {
    gradcheck((x) => x.abs(), [paramAway([3, 5], 40, { avoid: [0] })]);
  });

  test('abs has zero gradient at 0, as PyTorch does', () => {
    const x = T.tensor([0, -2, 3], { requiresGrad: true });
    x.abs().sum().backward();
    assert.deepEqual(x.grad!.toArray(), [0, -1, 1]);
  });

  test('relu away from 0', () => {
    gradcheck((x) => x.relu(), [paramAway([3, 5], 41, { avoid: [0] })]);
  });

  test('relu has zero gradient at 0', () => {
    const x = T.tensor([0, -1, 2], { requiresGrad: true });
    x.relu().sum().backward();
    assert.deepEqual(x.grad!.toArray(), [0, 0, 1]);
  });

  test('sign has zero gradient', () => {
    const x = param([4], 42);
    x.sign().mul(T.tensor([1, 2, 3, 4])).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [0, 0, 0, 0]);
  });

  test('unary ops of a non-contiguous (transposed) input', () => {
    gradcheck((x) => x.t().exp().mul(x.t().sin()), [param([3, 4], 43)]);
  });

  test('clamp with both bounds (inputs away from the bounds)', () => {
    gradcheck((x) => x.clamp(-0.5, 0.5), [paramAway([4, 5], 44, { avoid: [-0.5, 0.5] })]);
  });

  test('clamp with only a lower bound', () => {
    gradcheck((x) => x.clamp(0.2), [paramAway([4, 5], 45, { avoid: [0.2] })]);
  });

  test('clamp with only an upper bound', () => {
    gradcheck((x) => x.clamp(null, -0.3), [paramAway([4, 5], 46, { avoid: [-0.3] })]);
  });

  test('clamp passes the gradient at the bounds themselves (PyTorch: min <= x <= max)', () => {
    const x = T.tensor([-1, -0.5, 0, 0.5, 1], { requiresGrad: true });
    x.clamp(-0.5, 0.5).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [0, 1, 1, 1, 0]);
  });
});

describe('selection gradients', () => {
  test('where with broadcast condition and operands', () => {
    const cond = T.tensor([[true], [false], [true]]).reshape([1, 3, 1]);
    gradcheck((a, b) => T.where(cond, a, b), [param([2, 3, 4], 50), param([4], 51)]);
  });

  test('where with an elementwise condition', () => {
    const cond = T.tensor([[true, false, true], [false, false, true]]);
    gradcheck((a, b) => T.where(cond, a, b), [param([2, 3], 52), param([2, 3], 53)]);
  });

  test('where with a number for one branch', () => {
    const cond = T.tensor([[true, false, true], [false, true, true]]);
    gradcheck((a) => T.where(cond, a, 0.5), [param([2, 3], 54)]);
    gradcheck((b) => T.where(cond, -1, b), [param([2, 3], 55)]);
  });

  test('maskedFill with a broadcast mask', () => {
    const mask = T.tensor([[true], [false], [true]]);
    gradcheck((x) => x.maskedFill(mask, -3), [param([2, 3, 4], 56)]);
  });

  test('maskedFill with a full-shape mask', () => {
    const mask = T.tensor([[true, false, false], [false, true, false]]);
    gradcheck((x) => T.maskedFill(x, mask, 7), [param([2, 3], 57)]);
  });
});

describe('gradient accumulation inside one graph', () => {
  test('a tensor used twice in one op (x * x)', () => {
    gradcheck((x) => x.mul(x), [param([3, 4], 60)]);
  });

  test('a tensor used in two branches that join again', () => {
    gradcheck((x) => x.exp().mul(x.sin()).add(x.square()), [param([3, 4], 61)]);
  });

  test('an intermediate result used by three consumers', () => {
    gradcheck((x, y) => {
      const h = x.mul(y).tanh();
      return h.add(h.square()).sub(h.mul(x));
    }, [param([3, 4], 62), param([4], 63)]);
  });

  test('the same leaf passed as both operands of add doubles its gradient', () => {
    const x = T.tensor([1, 2, 3], { requiresGrad: true });
    x.add(x).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [2, 2, 2]);
  });

  test('a leaf reused through a broadcast and a view', () => {
    gradcheck((x) => x.reshape([2, 3]).add(x.reshape([2, 3]).sum(1, true)).mul(x.reshape([1, 6]).reshape([2, 3])), [param([6], 64)]);
  });
});
