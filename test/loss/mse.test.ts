/** mseLoss and the loss modules: PyTorch's semantics, finite-difference gradients, strict options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { crossEntropy, mseLoss } from '../../src/loss/index.js';
import * as nn from '../../src/nn/index.js';
import { tensor } from '../../src/tensor/index.js';
import { gradcheck, param } from '../helpers/gradcheck.js';

test('mseLoss averages, sums or keeps the squared differences, broadcasting like PyTorch', () => {
  const x = tensor([[1, 2], [3, 5]]);
  const y = tensor([[1, 0], [0, 1]]);
  // squared differences 0, 4, 9, 16
  assert.equal(mseLoss(x, y).item(), 29 / 4);
  assert.equal(mseLoss(x, y, { reduction: 'sum' }).item(), 29);
  assert.deepEqual(mseLoss(x, y, { reduction: 'none' }).toArray(), [[0, 4], [9, 16]]);
  assert.equal(mseLoss(x, tensor([1, 1])).item(), (0 + 1 + 4 + 16) / 4);
});

test('mseLoss gradients match finite differences', () => {
  gradcheck((a, b) => mseLoss(a, b), [param([3, 4], 1), param([3, 4], 2)]);
  gradcheck((a) => mseLoss(a, tensor([0.5, -1, 2]), { reduction: 'sum' }), [param([2, 3], 3)]);
});

test('nn.MSELoss and nn.CrossEntropyLoss hold their options and apply them in forward', () => {
  const logits = param([4, 5], 4);
  const target = tensor([0, 3, 4, 1], { dtype: 'int32' });
  const module = new nn.CrossEntropyLoss({ labelSmoothing: 0.1, ignoreIndex: 3 });
  assert.equal(module.forward(logits, target).item(), crossEntropy(logits, target, { labelSmoothing: 0.1, ignoreIndex: 3 }).item());
  const a = param([2, 2], 5);
  const b = param([2, 2], 6);
  assert.equal(new nn.MSELoss({ reduction: 'sum' }).forward(a, b).item(), mseLoss(a, b, { reduction: 'sum' }).item());
});

test("loss options reject unknown keys with PyTorch's names suggested in camelCase", () => {
  const logits = param([2, 3], 7);
  const target = tensor([0, 1], { dtype: 'int32' });
  assert.throws(() => crossEntropy(logits, target, { label_smoothing: 0.1 } as never), (e: unknown) => e instanceof ConfigError && /did you mean labelSmoothing\?/.test(e.message));
  assert.throws(() => new nn.CrossEntropyLoss({ ignore_index: 0 } as never), /did you mean ignoreIndex\?/);
  assert.throws(() => mseLoss(logits, logits, { reduction: 'avg' as never }), (e: unknown) => e instanceof ConfigError && e.field === 'reduction');
});
