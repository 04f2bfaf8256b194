/** The families' defining points and their option errors (the full curves are checked in fixtures.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import {
  constantLR, constantWithWarmup, cosine, cosineAnnealingLR, cosineAnnealingWarmRestarts, cosineWithRestarts, exponentialLR,
  inverseSqrt, linear, linearLR, multiStepLR, noam, oneCycleLR, polynomial, polynomialLR, stepLR, warmupStableDecay,
} from '../../src/lr/index.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} != ${b}`);

test('warmup is step / max(1, W): the first update runs at 0, step W at the base LR', () => {
  const f = linear({ warmupSteps: 4, totalSteps: 8 });
  assert.deepEqual([0, 1, 2, 3, 4, 5, 8, 9].map(f), [0, 0.25, 0.5, 0.75, 1, 0.75, 0, 0]);
  assert.deepEqual([0, 1, 5].map(constantWithWarmup({ warmupSteps: 2 })), [0, 0.5, 1]);
});

test('W = T means warmup to the base LR at T and no decay window', () => {
  assert.equal(linear({ warmupSteps: 10, totalSteps: 10 })(10), 0);
  assert.equal(cosine({ warmupSteps: 10, totalSteps: 10 })(10), 1);
  assert.equal(polynomial({ warmupSteps: 10, totalSteps: 10, baseLr: 1e-3 })(10), 1e-7 / 1e-3);
});

test('a warmup longer than the run is an error', () => {
  assert.throws(() => cosine({ warmupSteps: 11, totalSteps: 10 }), /warmupSteps: warmup \(11 steps\) is longer than the run/);
});

test('cosine decays to 0 at T, or to its floor given as minLrRatio or as an absolute minLr', () => {
  close(cosine({ totalSteps: 100 })(50), 0.5);
  assert.equal(cosine({ totalSteps: 100 })(100), 0);
  close(cosine({ totalSteps: 100, minLrRatio: 0.1 })(100), 0.1);
  close(cosine({ totalSteps: 100, minLr: 1e-5, baseLr: 1e-3 })(100), 0.01);
  close(cosine({ totalSteps: 100, numCycles: 1 })(100), 1);
  assert.throws(() => cosine({ totalSteps: 100, minLr: 1e-5 }), /baseLr: minLr is an absolute learning rate/);
  assert.throws(() => cosine({ totalSteps: 100, minLr: 1e-5, minLrRatio: 0.1, baseLr: 1 }), /either minLr or minLrRatio/);
});

test('cosine_with_restarts restarts numCycles times and is 0 from T on', () => {
  const f = cosineWithRestarts({ totalSteps: 100, numCycles: 2 });
  assert.equal(f(0), 1);
  assert.equal(f(50), 1);
  close(f(25), 0.5);
  assert.equal(f(100), 0);
});

test('polynomial reaches lrEnd at T and needs a base LR above lrEnd', () => {
  const f = polynomial({ totalSteps: 100, lrEnd: 1e-4, power: 2, baseLr: 1e-3 });
  close(f(100), 0.1);
  close(f(150), 0.1);
  close(f(50), (0.9e-3 * 0.25 + 1e-4) / 1e-3);
  assert.throws(() => polynomial({ totalSteps: 100, lrEnd: 1e-3, baseLr: 1e-3 }), /lrEnd: lrEnd \(0.001\) must be smaller than the base LR \(0.001\)/);
});

test('inverse_sqrt with timescale = W is sqrt(W / step), the seeds\' decay', () => {
  const f = inverseSqrt({ warmupSteps: 100 });
  for (const step of [100, 400, 2500]) close(f(step), Math.sqrt(100 / step));
  close(inverseSqrt()(30_000), 0.5);
});

test('noam peaks at step W with factor * (dModel W)^-0.5 and counts step 0 as 1', () => {
  const f = noam({ dModel: 512, warmupSteps: 4000 });
  close(f(4000), (512 * 4000) ** -0.5);
  assert.equal(f(0), f(1));
  assert.ok(f(3999) < f(4000) && f(4001) < f(4000));
  close(noam({ dModel: 512, warmupSteps: 4000, factor: 2 })(10), 2 * f(10));
});

test('warmup_stable_decay derives the stable phase from T and ends at minLrRatio', () => {
  const f = warmupStableDecay({ warmupSteps: 10, decaySteps: 20, totalSteps: 100, minLrRatio: 0.1, decayType: 'linear' });
  close(f(0), 0.1);
  assert.equal(f(10), 1);
  assert.equal(f(79), 1);
  close(f(90), 0.55);
  assert.equal(f(100), 0.1);
  close(warmupStableDecay({ warmupSteps: 10, decaySteps: 10, stableSteps: 0, warmupType: 'cosine' })(5), 0.5);
  close(warmupStableDecay({ warmupSteps: 4, decaySteps: 4, stableSteps: 0, warmupType: '1-sqrt', decayType: '1-sqrt' })(6), 1 - Math.sqrt(0.5));
  assert.throws(() => warmupStableDecay({ decaySteps: 10 }), /stableSteps: give stableSteps, or totalSteps/);
  assert.throws(() => warmupStableDecay({ warmupSteps: 50, decaySteps: 60, totalSteps: 100 }), /decaySteps: warmup \(50\) plus decay \(60\) is longer/);
  assert.throws(() => warmupStableDecay({ decaySteps: 10, stableSteps: 5, decayType: 'exp' as 'linear' }), /decayType: unknown value "exp" \(allowed: linear, cosine, 1-sqrt\)/);
});

test('PyTorch closed forms: LinearLR, ConstantLR, StepLR, MultiStepLR, ExponentialLR, PolynomialLR', () => {
  close(linearLR()(0), 1 / 3);
  assert.equal(linearLR()(5), 1);
  assert.equal(linearLR({ startFactor: 0, totalIters: 4 })(1), 0.25);
  assert.deepEqual([0, 4, 5].map(constantLR({ factor: 0.5 })), [0.5, 0.5, 1]);
  assert.deepEqual([0, 9, 10, 25].map(stepLR({ stepSize: 10, gamma: 0.5 })), [1, 1, 0.5, 0.25]);
  assert.deepEqual([0, 2, 3, 5].map(multiStepLR({ milestones: [5, 2, 2], gamma: 0.5 })), [1, 0.25, 0.25, 0.125]);
  close(exponentialLR({ gamma: 0.9 })(3), 0.729);
  assert.deepEqual([0, 1, 2, 3].map(polynomialLR({ totalIters: 2, power: 2 })), [1, 0.25, 0, 0]);
  assert.throws(() => linearLR({ startFactor: 1.5 }), /startFactor: must be <= 1/);
  assert.throws(() => stepLR({ stepSize: 0 }), /stepSize: must be >= 1/);
  assert.throws(() => exponentialLR({} as { gamma: number }), /gamma: is required/);
});

test('CosineAnnealingLR and warm restarts apply etaMin as an absolute LR', () => {
  close(cosineAnnealingLR({ tMax: 10, etaMin: 1e-4, baseLr: 1e-3 })(10), 0.1);
  close(cosineAnnealingLR({ tMax: 10 })(20), 1);
  const sgdr = cosineAnnealingWarmRestarts({ t0: 2, tMult: 2 });
  assert.deepEqual([0, 2, 6, 14].map(sgdr), [1, 1, 1, 1]);
  close(sgdr(4), 0.5);
  assert.throws(() => cosineAnnealingLR({ tMax: 10, etaMin: 1e-4 }), /baseLr: etaMin is an absolute learning rate/);
});

test('OneCycleLR starts at maxLr / divFactor, peaks at pctStart and refuses steps past totalSteps', () => {
  const f = oneCycleLR({ totalSteps: 100 });
  close(f(0), 1 / 25);
  close(f(29), 1);
  close(f(99), 1 / 25 / 1e4);
  f(100);
  assert.throws(() => f(101), (e: unknown) => e instanceof ConfigError && /stepped 102 times but totalSteps is 100/.test(e.message));
  close(f.momentum!(29)!, 0.85);
  close(oneCycleLR({ totalSteps: 100, maxLr: 0.01, baseLr: 0.1 })(29), 0.1);
  assert.throws(() => oneCycleLR({ totalSteps: 10, pctStart: 0.1 })(0), /pctStart: .* leaves a phase of zero steps/);
  assert.throws(() => oneCycleLR({}), /totalSteps: OneCycleLR needs totalSteps, or epochs and stepsPerEpoch/);
  assert.equal(oneCycleLR({ totalSteps: 100, cycleMomentum: false }).momentum, undefined);
});
