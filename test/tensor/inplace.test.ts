/**
 * In-place ops under PyTorch's autograd rules: their values equal the out-of-place ops', a leaf that
 * requires grad changes only under noGrad, recorded in-place ops backpropagate through the tensor's
 * old history, and a change of a tensor that backward needs is an error at backward().
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/errors.js';
import { Linear } from '../../src/nn/index.js';
import * as T from '../../src/tensor/index.js';
import { AutogradError, noGrad, ShapeError, Tensor, tidy } from '../../src/tensor/index.js';
import { gradcheck, param } from '../helpers/gradcheck.js';

const values = (t: Tensor) => Array.from(t.values());
const leaf = (v: number[]) => T.tensor(v, { requiresGrad: true });
const isAutogradError = (pattern: RegExp) => (e: unknown) => e instanceof AutogradError && pattern.test(e.message);

describe('in-place values', () => {
  const x = () => T.tensor([[1.5, -2], [3, 0.25]]);
  const other = T.tensor([0.3, -7]);
  const cases: [string, (t: Tensor) => Tensor, (t: Tensor) => Tensor][] = [
    ['add_', (t) => t.add_(other), (t) => t.add(other)],
    ['add_ with alpha', (t) => t.add_(other, { alpha: 0.5 }), (t) => t.add(other, { alpha: 0.5 })],
    ['sub_ with alpha', (t) => t.sub_(other, { alpha: 3 }), (t) => t.sub(other, { alpha: 3 })],
    ['mul_', (t) => t.mul_(other), (t) => t.mul(other)],
    ['div_ by a number', (t) => t.div_(3), (t) => t.div(3)],
    ['clamp_', (t) => t.clamp_(-1, 1), (t) => t.clamp(-1, 1)],
  ];
  for (const [name, inPlace, outOfPlace] of cases) {
    test(`${name} writes exactly what the out-of-place op returns, and returns the tensor itself`, () => {
      const t = x();
      const expected = values(outOfPlace(x()));
      assert.equal(inPlace(t), t);
      assert.deepEqual(values(t), expected);
    });
  }

  test('fill_ and zero_ set every element, also of a strided view', () => {
    const t = T.zeros([3, 4]);
    t.t().select(0, 1).fill_(5);
    assert.deepEqual(t.toArray(), [[0, 5, 0, 0], [0, 5, 0, 0], [0, 5, 0, 0]]);
    t.zero_();
    assert.deepEqual(values(t), new Array(12).fill(0));
  });

  test('an operand that would grow the tensor is a ShapeError', () => {
    assert.throws(() => T.zeros([3]).add_(T.zeros([2, 3])), ShapeError);
  });

  test('a float result cannot go into an int32 tensor (true division), as in PyTorch', () => {
    assert.throws(() => T.tensor([1, 2], { dtype: 'int32' }).div_(2), ArgumentError);
    assert.deepEqual(T.tensor([1, 2], { dtype: 'int32' }).add_(3).toArray(), [4, 5]);
  });

  test('writing into an expanded view (elements sharing memory) is an error', () => {
    assert.throws(() => T.zeros([1, 3]).expand(2, 3).add_(1), ArgumentError);
  });

  test('copy_ from an overlapping view of itself reads the source before writing', () => {
    const t = T.tensor([[1, 2], [3, 4]]);
    t.copy_(t.t());
    assert.deepEqual(t.toArray(), [[1, 3], [2, 4]]);
  });
});

describe('in-place and autograd', () => {
  test('a leaf that requires grad cannot change in place while grad is recorded; the error names it', () => {
    const w = leaf([1, 2]);
    assert.throws(() => w.add_(1), isAutogradError(/add_: the float32 tensor of shape \[2\] is a leaf that requires grad.*noGrad/));
    const layer = new Linear(2, 3);
    layer.namedParameters();
    assert.throws(() => layer.weight.zero_(), isAutogradError(/shape \[3, 2\] \(weight\)/));
  });

  test('under noGrad a leaf that requires grad changes in place (the README update step)', () => {
    const w = leaf([1, 2]);
    w.mul(w).sum().backward();
    noGrad(() => w.sub_(w.grad!.mul(0.1)));
    assert.deepEqual(values(w), [Math.fround(1 - 0.2), Math.fround(2 - 0.4)]);
    assert.equal(w.isLeaf, true);
  });

  test('a view of a leaf that requires grad cannot change in place while grad is recorded', () => {
    const w = leaf([1, 2, 3]);
    assert.throws(() => w.narrow(0, 0, 2).mul_(2), isAutogradError(/view of the float32 tensor of shape \[3\]/));
  });

  test('y = x * 2; y.add_(1) is recorded: y.sum().backward() gives x.grad = 2', () => {
    const x = leaf([1, 2, 3]);
    const y = x.mul(2);
    y.add_(1);
    assert.equal(y.gradFn!.name, 'add_');
    y.sum().backward();
    assert.deepEqual(values(x.grad!), [2, 2, 2]);
    assert.deepEqual(values(y), [3, 5, 7]);
  });

  test('ops recorded before an in-place op keep the old history (PyTorch edges)', () => {
    const x = leaf([1, 2]);
    const y = x.mul(1);
    const z = y.mul(3);
    y.mul_(2);
    z.sum().add(y.sum()).backward();
    assert.deepEqual(values(x.grad!), [5, 5]);
  });

  test('an in-place op on a tensor that needs no grad, with an operand that does, makes it part of the graph', () => {
    const w = leaf([1, 2]);
    const buffer = T.zeros([2]);
    buffer.add_(w, { alpha: 3 });
    assert.equal(buffer.requiresGrad, true);
    assert.equal(buffer.isLeaf, false);
    buffer.sum().backward();
    assert.deepEqual(values(w.grad!), [3, 3]);
  });

  test('retainGrad() follows the tensor to its new node', () => {
    const x = leaf([1, 2]);
    const y = x.mul(2).retainGrad();
    y.add_(1);
    y.mul(3).sum().backward();
    assert.deepEqual(values(y.grad!), [3, 3]);
  });

  const gradcheckCases: [string, number[], (x: Tensor, o: Tensor) => Tensor][] = [
    ['add_ with alpha', [3], (x, o) => x.mul(1).add_(o, { alpha: -2 })],
    ['sub_ of a broadcast operand', [1], (x, o) => x.mul(1).sub_(o)],
    ['mul_ by a tensor', [3], (x, o) => x.mul(1).mul_(o).mul(x)],
    ['mul_ by a broadcast tensor', [1], (x, o) => x.mul(1).mul_(o)],
    ['div_ by a tensor', [3], (x, o) => x.mul(1).div_(o.add(2))],
    ['copy_ (the gradient goes to the source, not the old values)', [3], (x, o) => x.mul(3).copy_(o).mul(x)],
    ['clamp_', [3], (x, o) => x.mul(o).clamp_(-0.3, 0.3)],
    ['fill_', [3], (x, o) => x.mul(o).fill_(0.5).mul(x)],
    ['mul_ of a view by a view of another tensor', [3], (x, o) => x.mul(o).narrow(0, 1, 2).mul_(x.narrow(0, 1, 2))],
  ];
  for (const [name, otherShape, fn] of gradcheckCases) {
    test(`gradient of ${name} matches finite differences`, () => {
      gradcheck(fn, [param([3], name.length), param(otherShape, name.length + 50, 0.2, 1)]);
    });
  }
});

describe('version counters', () => {
  test('changing a tensor that backward needs is an error at backward(), as PyTorch reports it', () => {
    const x = leaf([1, 2, 3]);
    const y = x.exp();
    y.add_(1);
    assert.throws(
      () => y.sum().backward(),
      isAutogradError(/one of the variables needed for gradient computation has been modified by an inplace operation: the float32 tensor of shape \[3\] that exp saved for backward is at version 1; expected version 0/),
    );
  });

  test('views share the counter of their storage, and noGrad changes count too', () => {
    const x = leaf([1, 2, 3]);
    const y = x.exp();
    const z = y.sum();
    noGrad(() => y.narrow(0, 0, 1).zero_());
    assert.throws(() => z.backward(), isAutogradError(/modified by an inplace operation/));
  });

  test('changing a tensor that no backward reads is fine, under noGrad too', () => {
    const x = leaf([1, 2]);
    const y = x.mul(2);
    noGrad(() => y.add_(1));
    y.sum().backward();
    assert.deepEqual(values(x.grad!), [2, 2]);
  });

  test('changing an operand that a product saved is an error', () => {
    const x = leaf([1, 2]);
    const c = T.tensor([3, 4]);
    const y = x.mul(c);
    c.mul_(2);
    assert.throws(() => y.sum().backward(), isAutogradError(/that mul saved/));
  });

  test('a view changed under recording backpropagates, and its base is then refused rather than silently wrong', () => {
    const x = leaf([1, 2, 3]);
    const y = x.mul(1);
    const v = y.narrow(0, 0, 2);
    v.mul_(3);
    v.sum().backward();
    assert.deepEqual(values(x.grad!), [3, 3, 0]);
    assert.throws(() => y.sum(), isAutogradError(/changed in place while autograd recorded it.*clone\(\)/));
  });
});

describe('in-place ops and memory scopes', () => {
  test('an update inside tidy keeps the parameter and releases only the temporaries', () => {
    const w = T.keep(leaf([1, 2]));
    w.grad = T.keep(T.tensor([1, 1]));
    tidy(() => noGrad(() => w.sub_(w.grad!.mul(0.5))));
    assert.deepEqual(values(w), [0.5, 1.5]);
  });
});
