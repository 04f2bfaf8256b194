/** The optimizers' option objects: zod schemas with a description on every field, unknown names rejected with a suggestion. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeOptions, UnknownOptionError } from '../../src/options.js';
import { Adafactor, adafactorOptions, Adam, adamOptions, AdamW, SGD, sgdOptions } from '../../src/optim/index.js';
import { Tensor } from '../../src/tensor/index.js';

const param = () => new Tensor(new Float32Array([1, 2]), [2]).requiresGrad_();

/** The message of what f throws, asserting it is an UnknownOptionError. */
function unknownOption(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof UnknownOptionError, `expected an UnknownOptionError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected an error');
}

test('Adam suggests lr for learningRate', () => {
  assert.match(unknownOption(() => new Adam([param()], { learningRate: 1e-3 } as never)), /^learningRate: unknown option of Adam; did you mean lr\?/);
});

test('AdamW suggests betas for beta1, in a parameter group too', () => {
  assert.match(unknownOption(() => new AdamW([{ params: [param()], beta1: 0.8 } as never])), /^paramGroups\[0\]\.beta1: unknown option of AdamW; did you mean betas\?/);
});

test('Adafactor suggests its camelCase names for Hugging Face snake_case ones', () => {
  assert.match(unknownOption(() => new Adafactor([param()], { clip_threshold: 1 } as never)), /did you mean clipThreshold\?/);
});

test('SGD lists the allowed options in the error', () => {
  assert.match(unknownOption(() => new SGD([param()], { lr: 1, nestrov: true } as never)), /did you mean nesterov\?.*\(allowed: lr, momentum, dampening, weightDecay, nesterov, maximize\)/);
});

test('every optimizer option has a description', () => {
  for (const schema of [sgdOptions, adamOptions, adafactorOptions]) {
    for (const o of describeOptions(schema)) assert.ok(o.description.length > 10, `${o.name} has no description`);
  }
});

test('a value of the wrong type names the field', () => {
  assert.throws(() => new Adam([param()], { betas: [0.9, 1] }), /^ConfigError: betas\[1\]: must be < 1, got 1$/m);
  assert.throws(() => new Adafactor([param()], { relativeStep: 'yes' } as never), /relativeStep: must be true or false/);
});
