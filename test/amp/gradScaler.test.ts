/**
 * GradScaler against torch.cuda.amp.GradScaler's rules: defaults, growth after growthInterval clean
 * steps, backoff and a skipped step on Inf/NaN gradients, unscaling in place, the stage errors, and
 * a state dict that restores the scaler exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amp, optim, tensor, type Tensor } from '../../src/index.js';

function setup(options: amp.GradScalerOptions = {}) {
  const w = tensor([1, 2, 3]).requiresGrad_();
  const opt = new optim.SGD([w], { lr: 0.1 });
  const scaler = new amp.GradScaler(options);
  const backward = (g: number[]) => {
    opt.zeroGrad();
    scaler.scale(w.mul(tensor(g)).sum()).backward();
  };
  return { w, opt, scaler, backward };
}

const vals = (t: Tensor) => Array.from(t.values() as Float32Array);

test("PyTorch's defaults: scale 2^16, x2 after 2000 clean steps", () => {
  const { scaler, opt, backward } = setup();
  assert.equal(scaler.getScale(), 65536);
  assert.deepEqual(scaler.stateDict(), { scale: 65536, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000, growthTracker: 0 });
  for (let i = 0; i < 1999; i++) {
    backward([0, 0, 0]);
    assert.equal(scaler.step(opt), true);
    scaler.update();
  }
  assert.equal(scaler.getScale(), 65536);
  assert.equal(scaler.getGrowthTracker(), 1999);
  backward([0, 0, 0]);
  scaler.step(opt);
  scaler.update();
  assert.equal(scaler.getScale(), 131072);
  assert.equal(scaler.getGrowthTracker(), 0);
});

test('the loss is multiplied by the scale, and unscale() divides the gradients back in place', () => {
  const { w, scaler, opt, backward } = setup({ initScale: 1024 });
  backward([0.5, -1, 2]);
  assert.deepEqual(vals(w.grad!), [512, -1024, 2048]);
  scaler.unscale(opt);
  assert.deepEqual(vals(w.grad!), [0.5, -1, 2]);
  // step() after unscale() does not unscale again
  assert.equal(scaler.step(opt), true);
  assert.deepEqual(vals(w), [Math.fround(1 - 0.05), Math.fround(2 + 0.1), Math.fround(3 - 0.2)]);
  scaler.update();
});

test('an Inf or NaN gradient skips the step, halves the scale and resets the growth count', () => {
  for (const bad of [Infinity, NaN]) {
    const { w, scaler, opt, backward } = setup({ growthInterval: 3 });
    backward([1, 1, 1]);
    scaler.step(opt);
    scaler.update();
    assert.equal(scaler.getGrowthTracker(), 1);
    const before = vals(w);
    backward([1, bad, 1]);
    assert.equal(scaler.step(opt), false);
    assert.equal(scaler.foundInf(opt), true);
    scaler.update();
    assert.deepEqual(vals(w), before, 'the parameters must not change');
    assert.equal(scaler.getScale(), 32768);
    assert.equal(scaler.getGrowthTracker(), 0);
    // three clean steps grow it back
    for (let i = 0; i < 3; i++) {
      backward([1, 1, 1]);
      assert.equal(scaler.step(opt), true);
      scaler.update();
    }
    assert.equal(scaler.getScale(), 65536);
  }
});

test('stage errors: unscale twice, step twice, update before any check', () => {
  const { scaler, opt, backward } = setup();
  assert.throws(() => scaler.update(), /No inf checks/);
  backward([1, 1, 1]);
  scaler.unscale(opt);
  assert.throws(() => scaler.unscale(opt), /already been called/);
  scaler.step(opt);
  assert.throws(() => scaler.step(opt), /already been called/);
  assert.throws(() => scaler.unscale(opt), /after step/);
  scaler.update();
});

test('disabled: scale 1 and step always steps', () => {
  const { w, scaler, opt, backward } = setup({ enabled: false });
  backward([1, Infinity, 1]);
  assert.equal(scaler.getScale(), 1);
  assert.equal(scaler.step(opt), true);
  assert.ok(Number.isNaN(vals(w)[1]!) || !Number.isFinite(vals(w)[1]!));
});

test('stateDict and loadStateDict restore the scale and the growth count', () => {
  const a = setup({ growthInterval: 5 });
  for (let i = 0; i < 3; i++) {
    a.backward([1, 1, 1]);
    a.scaler.step(a.opt);
    a.scaler.update();
  }
  const b = new amp.GradScaler();
  b.loadStateDict(a.scaler.stateDict());
  assert.deepEqual(b.stateDict(), { scale: 65536, growthFactor: 2, backoffFactor: 0.5, growthInterval: 5, growthTracker: 3 });
  assert.throws(() => new amp.GradScaler({ growthFactor: 1 }));
  assert.throws(() => new amp.GradScaler({ initScal: 2 } as never), /initScale/);
});
