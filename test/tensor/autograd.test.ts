/** Autograd mechanics: accumulation, noGrad/enableGrad, detach, retainGrad, graph release. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as T from '../../src/tensor/index.js';
import { AutogradError, enableGrad, isGradEnabled, noGrad, setGradEnabled, ShapeError, Tensor } from '../../src/tensor/index.js';

const leaf = (v: number[]) => T.tensor(v, { requiresGrad: true });

describe('autograd', () => {
  test('a leaf accumulates gradients across two backward calls', () => {
    const x = leaf([1, 2, 3]);
    x.mul(x).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
    x.mul(3).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [5, 7, 9]);
  });

  test('setting .grad to null starts accumulation afresh', () => {
    const x = leaf([1, 2]);
    x.sum().backward();
    x.grad = null;
    x.mul(5).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [5, 5]);
  });

  test('.grad is a private contiguous buffer, unaffected by later changes to the upstream gradient', () => {
    const x = leaf([1, 2, 3, 4]);
    const g = T.tensor([[1, 2], [3, 4]]);
    x.view(2, 2).t().backward(g.t());
    assert.deepEqual(x.grad!.toArray(), [1, 2, 3, 4]);
    assert.equal(x.grad!.isContiguous(), true);
    g.storage[0] = 100;
    assert.deepEqual(x.grad!.toArray(), [1, 2, 3, 4]);
  });

  test('the gradient of an expanded (stride-0) use is summed into a proper buffer', () => {
    const x = leaf([2]);
    x.expand(3).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [3]);
    x.expand(2, 3).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [9]);
  });

  test('gradients flow only to tensors that require grad', () => {
    const x = leaf([1, 2]);
    const c = T.tensor([3, 4]);
    x.mul(c).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [3, 4]);
    assert.equal(c.grad, null);
    assert.equal(c.requiresGrad, false);
  });

  test('ops record a graph only when an input requires grad', () => {
    const y = T.tensor([1]).exp();
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    const z = leaf([1]).exp();
    assert.equal(z.requiresGrad, true);
    assert.equal(z.gradFn!.name, 'exp');
    assert.equal(z.isLeaf, false);
  });

  test('noGrad produces no graph', () => {
    const x = leaf([1, 2]);
    const y = noGrad(() => x.mul(2).add(1).sum());
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    assert.throws(() => y.backward(), /does not require grad/);
  });

  test('noGrad restores recording afterwards, even when fn throws', () => {
    assert.equal(isGradEnabled(), true);
    assert.throws(() => noGrad(() => { throw new Error('boom'); }), /boom/);
    assert.equal(isGradEnabled(), true);
    assert.equal(leaf([1]).mul(2).requiresGrad, true);
  });

  test('enableGrad records inside noGrad', () => {
    const x = leaf([1]);
    const y = noGrad(() => enableGrad(() => x.mul(2)));
    assert.equal(y.requiresGrad, true);
    assert.equal(isGradEnabled(), true);
  });

  test('setGradEnabled switches recording globally', () => {
    setGradEnabled(false);
    try {
      assert.equal(leaf([1]).mul(2).requiresGrad, false);
    } finally {
      setGradEnabled(true);
    }
    assert.equal(leaf([1]).mul(2).requiresGrad, true);
  });

  test('detach shares storage and cuts the graph', () => {
    const x = leaf([1, 2]);
    const y = x.mul(2);
    const d = y.detach();
    assert.equal(d.storage, y.storage);
    assert.equal(d.requiresGrad, false);
    assert.equal(d.gradFn, null);
    // only the path through x itself carries gradient
    x.mul(d).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [2, 4]);
  });

  test('a non-leaf keeps its gradient only after retainGrad()', () => {
    const x = leaf([1, 2]);
    const h = x.mul(3);
    const k = x.mul(4).retainGrad();
    h.add(k).mul(T.tensor([1, 10])).sum().backward();
    assert.equal(h.grad, null);
    assert.deepEqual(k.grad!.toArray(), [1, 10]);
    assert.deepEqual(x.grad!.toArray(), [7, 70]);
  });

  test('backward() on a non-scalar without a gradient throws', () => {
    const y = leaf([1, 2]).mul(2);
    assert.throws(() => y.backward(), (e: Error) => e instanceof ShapeError && /scalar/.test(e.message));
  });

  test('backward(gradient) on a non-scalar computes a vector-Jacobian product', () => {
    const x = leaf([1, 2, 3]);
    x.mul(x).backward(T.tensor([1, 0, -1]));
    assert.deepEqual(x.grad!.toArray(), [2, 0, -6]);
  });

  test('backward(gradient) with the wrong shape throws naming both shapes', () => {
    const y = leaf([1, 2]).mul(2);
    assert.throws(() => y.backward(T.tensor([1, 2, 3])), /\[3\].*\[2\]/);
  });

  test('backward() of a one-element non-0-d tensor needs no gradient', () => {
    const x = leaf([3]);
    x.mul(x).reshape([1, 1]).backward();
    assert.deepEqual(x.grad!.toArray(), [6]);
  });

  test('a second backward without retainGraph throws a clear error', () => {
    const x = leaf([1, 2]);
    const y = x.exp().sum();
    y.backward();
    assert.throws(() => y.backward(), (e: Error) => e instanceof AutogradError && /second time/.test(e.message) && /retainGraph/.test(e.message));
  });

  test('a second backward through a shared, already-freed subgraph also throws', () => {
    const x = leaf([1, 2]);
    const h = x.exp();
    h.sum().backward();
    assert.throws(() => h.mul(2).sum().backward(), AutogradError);
  });

  test('with retainGraph a second backward works and accumulates', () => {
    const x = leaf([0, 1]);
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    const first = x.grad!.toArray() as number[];
    y.backward();
    const second = x.grad!.toArray() as number[];
    assert.deepEqual(second, first.map((v) => Math.fround(2 * v)));
  });

  test('backward releases the graph closures (and what they saved)', () => {
    const x = leaf([1, 2]);
    const a = x.exp();
    const b = a.mul(a);
    const c = b.sum();
    c.backward();
    for (const t of [a, b, c]) assert.equal(t.gradFn!.backward, null, `${t.gradFn!.name} still holds its closure`);
  });

  test('backward drops the graph edges, so the loss no longer keeps activations reachable', () => {
    const x = leaf([1, 2]);
    const a = x.exp();
    const c = a.mul(a).sum();
    c.backward();
    assert.equal(c.gradFn!.inputs.length, 0);
    assert.equal(a.gradFn!.inputs.length, 0);
  });

  test('retainGraph keeps the closures', () => {
    const x = leaf([1, 2]);
    const a = x.exp();
    const c = a.sum();
    c.backward(undefined, { retainGraph: true });
    assert.notEqual(a.gradFn!.backward, null);
    assert.notEqual(c.gradFn!.backward, null);
  });

  test('a long chain of ops backpropagates without recursion limits', () => {
    const x = leaf([1]);
    let y: Tensor = x;
    for (let i = 0; i < 20000; i++) y = y.add(1);
    y.sum().backward();
    assert.deepEqual(x.grad!.toArray(), [1]);
  });

  test('a diamond sums both paths before continuing downward', () => {
    // y = e^x; z = y * y + y: dz/dx = (2y + 1) e^x
    const x = leaf([0.5]);
    const y = x.exp();
    y.mul(y).add(y).sum().backward();
    const e = Math.exp(0.5);
    assert.ok(Math.abs(x.grad!.item() - (2 * e + 1) * e) < 1e-5);
  });

  test('requiresGrad_(false) is allowed on a leaf and refused on a non-leaf', () => {
    const x = leaf([1]);
    x.requiresGrad_(false);
    assert.equal(x.requiresGrad, false);
    assert.throws(() => leaf([1]).mul(2).requiresGrad_(false), /leaf/);
  });

  test('toString shows a gradFn or requiresGrad', () => {
    assert.match(leaf([1]).toString(), /requiresGrad=true/);
    assert.match(leaf([1]).mul(2).toString(), /gradFn=mul/);
  });
});
