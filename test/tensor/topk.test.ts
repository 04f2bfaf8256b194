/** topk against PyTorch 1.13 (scripts/fixtures/topk.py): values, indices and the order of ties. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/errors.js';
import { UnknownOptionError } from '../../src/options.js';
import * as T from '../../src/tensor/index.js';
import { gradcheck, paramAway } from '../helpers/gradcheck.js';
import { readFixture } from '../helpers/index.js';

interface TopkCase {
  input: (number | 'NaN')[];
  shape: number[];
  dim: number;
  k: number;
  largest: boolean;
  sorted: boolean;
  values: (number | 'NaN')[];
  indices: number[];
}

const decode = (v: number | 'NaN') => (v === 'NaN' ? NaN : v);
const fx = readFixture<{ cases: TopkCase[] }>('tensor/topk.json');

describe('topk matches PyTorch 1.13', () => {
  for (const c of fx.cases) {
    const name = `n ${c.shape.join('x')}, k ${c.k}, dim ${c.dim}, ${c.largest ? 'largest' : 'smallest'}, ${c.sorted ? 'sorted' : 'unsorted'}`;
    test(`${name}: the same indices (ties included) and values`, () => {
      const x = T.tensor(Float32Array.from(c.input.map(decode)), { shape: c.shape });
      const r = x.topk(c.k, c.dim, { largest: c.largest, sorted: c.sorted });
      assert.deepEqual(Array.from(r.indices.values()), c.indices);
      assert.deepEqual(Array.from(r.values.values()), c.values.map(decode));
      assert.equal(r.indices.dtype, 'int32');
    });
  }
});

describe('topk', () => {
  test('the positional form topk(k, dim, largest, sorted) and the function form agree with the options form', () => {
    const x = T.tensor([[3, 1, 2], [0, 5, 4]]);
    const a = T.topk(x, 2, 1, false, true);
    const b = x.topk(2, 1, { largest: false });
    assert.deepEqual(a.indices.toArray(), [[1, 2], [0, 2]]);
    assert.deepEqual(b.values.toArray(), a.values.toArray());
  });

  test('int32 values keep their dtype', () => {
    const r = T.tensor([4, 9, 1], { dtype: 'int32' }).topk(1);
    assert.equal(r.values.dtype, 'int32');
    assert.deepEqual(r.values.toArray(), [9]);
  });

  test('an unknown option name is an error with a suggestion', () => {
    assert.throws(() => T.tensor([1, 2]).topk(1, -1, { largst: false } as never), (e: unknown) => e instanceof UnknownOptionError && /did you mean largest\?/.test(e.message));
  });

  test('k beyond the dim size, and bool tensors, are errors', () => {
    assert.throws(() => T.tensor([1, 2]).topk(3), ArgumentError);
    assert.throws(() => T.tensor([true, false]).topk(1), ArgumentError);
  });

  test('the gradient flows to the selected positions', () => {
    gradcheck((x) => x.topk(2, 1).values, [paramAway([3, 5], 1)]);
    gradcheck((x) => x.topk(3, 0, { largest: false, sorted: false }).values, [paramAway([4, 2], 2)]);
  });
});
