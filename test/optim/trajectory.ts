/**
 * Replays the optimizer fixtures of scripts/fixtures/optimizers.py: the same three parameters, the
 * same float32 gradients (sign * (c * (p - target) + noise[step]), one rounding per op as in
 * PyTorch), the same steps without a gradient, and the same per-step lr factors.
 */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, readFixture, type Tolerance } from '../helpers/index.js';
import { Tensor } from '../../src/tensor/index.js';
import type { Optimizer, ParamGroupInput, OptimizerStateDict } from '../../src/optim/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOptimizer = Optimizer<any>;

type Nested = number | string | Nested[];

export interface ProblemParam {
  shape: number[];
  init: Nested;
  c: Nested;
  target: Nested;
  noise: Nested[];
}

export interface FixtureCase {
  name: string;
  options: Record<string, unknown>;
  groups: { params: string[]; options: Record<string, unknown> }[];
  sign: number;
  lrFactors?: number[];
  trajectory: Record<string, Nested>[];
  state: Record<string, Record<string, Nested | null>>;
}

export interface OptimizerFixture {
  torch: string;
  steps: number;
  noGradSteps: { vector: number[] };
  problem: Record<string, ProblemParam>;
  cases: FixtureCase[];
}

/** A fixture number: float32 values are stored as their shortest decimals (fround recovers them), non-finite ones as strings. */
export function num(x: Nested): number {
  if (typeof x === 'number') return Math.fround(x);
  if (typeof x === 'string') return Number(x);
  throw new TypeError('expected a number');
}

export function flat(x: Nested): Float32Array {
  const out: number[] = [];
  const walk = (v: Nested) => (Array.isArray(v) ? v.forEach(walk) : out.push(num(v)));
  walk(x);
  return Float32Array.from(out);
}

export function loadOptimizerFixture(name: string): OptimizerFixture {
  return readFixture<OptimizerFixture>(`optim/${name}.json`);
}

/**
 * Float32 precision for the trajectories. The updates are emulated op by op with PyTorch's fused
 * multiply-adds (src/optim/float32.ts): SGD, Adam and AdamW come out bit-identical on the fixture
 * machine; Adafactor differs by an ulp or two where PyTorch sums in float32 (norms, row and column
 * means) and we in float64. The diagnostics print the measured errors; the tolerance leaves room
 * for a platform whose Math.pow differs in the last bit, and is far below what a wrong formula gives.
 */
export const TRAJECTORY_TOL = { rtol: 1e-5, atol: 1e-6 };

export type MakeOptimizer = (groups: ParamGroupInput<Record<string, unknown>>[], options: Record<string, unknown>) => AnyOptimizer;

export interface Run {
  params: Record<string, Tensor>;
  optimizer: AnyOptimizer;
  /** Parameter values after each step. */
  trajectory: Record<string, Float32Array>[];
}

const f = Math.fround;

/** The fixture's parameters as fresh leaf tensors. */
export function freshParams(fx: OptimizerFixture): Record<string, Tensor> {
  const params: Record<string, Tensor> = {};
  for (const [name, p] of Object.entries(fx.problem)) params[name] = new Tensor(flat(p.init), p.shape).requiresGrad_();
  return params;
}

/** Sets each parameter's gradient for step t as the fixture script does (none for `vector` at its no-grad steps). */
export function setGradients(fx: OptimizerFixture, params: Record<string, Tensor>, t: number, sign: number): void {
  for (const [name, p] of Object.entries(params)) {
    if (name === 'vector' && fx.noGradSteps.vector.includes(t)) {
      p.grad = null;
      continue;
    }
    const q = fx.problem[name]!;
    const c = flat(q.c);
    const target = flat(q.target);
    const noise = flat(q.noise[t]!);
    const v = p.values() as Float32Array;
    const g = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const value = f(f(c[i]! * f(v[i]! - target[i]!)) + noise[i]!);
      g[i] = sign === 1 ? value : -value;
    }
    p.grad = new Tensor(g, p.shape);
  }
}

/** Builds the case's optimizer over `params` (its groups by parameter name). */
export function buildOptimizer(c: FixtureCase, params: Record<string, Tensor>, make: MakeOptimizer): AnyOptimizer {
  const groups = c.groups.map((g) => ({ params: g.params.map((n) => params[n]!), ...g.options })) as ParamGroupInput<Record<string, unknown>>[];
  return make(groups, c.options);
}

/** Steps an optimizer through steps [from, to) of a case. */
export function stepThrough(fx: OptimizerFixture, c: FixtureCase, params: Record<string, Tensor>, optimizer: AnyOptimizer, from: number, to: number, baseLrs: (number | null)[]): Record<string, Float32Array>[] {
  const trajectory: Record<string, Float32Array>[] = [];
  for (let t = from; t < to; t++) {
    if (c.lrFactors) {
      (optimizer.paramGroups as { lr: number | null }[]).forEach((g, i) => {
        g.lr = baseLrs[i]! * c.lrFactors![t]!;
      });
    }
    setGradients(fx, params, t, c.sign);
    optimizer.step();
    const snapshot: Record<string, Float32Array> = {};
    for (const [name, p] of Object.entries(params)) snapshot[name] = (p.values() as Float32Array).slice();
    trajectory.push(snapshot);
  }
  return trajectory;
}

/** Runs a whole case from the fixture's initial values. */
export function runCase(fx: OptimizerFixture, c: FixtureCase, make: MakeOptimizer): Run {
  const params = freshParams(fx);
  const optimizer = buildOptimizer(c, params, make);
  const baseLrs = (optimizer.paramGroups as { lr: number | null }[]).map((g) => g.lr);
  const trajectory = stepThrough(fx, c, params, optimizer, 0, fx.steps, baseLrs);
  return { params, optimizer, trajectory };
}

export interface ErrorStats {
  maxAbs: number;
  maxRel: number;
}

/** Largest absolute error, and largest relative error over elements with |expected| > 1e-3. */
export function errorStats(actual: ArrayLike<number>, expected: ArrayLike<number>, into: ErrorStats = { maxAbs: 0, maxRel: 0 }): ErrorStats {
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    into.maxAbs = Math.max(into.maxAbs, d);
    if (Math.abs(expected[i]!) > 1e-3) into.maxRel = Math.max(into.maxRel, d / Math.abs(expected[i]!));
  }
  return into;
}

/** A state dict through JSON and back, tensors as { shape, data } (what a checkpoint file holds). */
export function jsonRoundTrip<O>(sd: OptimizerStateDict<O>): OptimizerStateDict<O> {
  const text = JSON.stringify(sd, (_key, value: unknown) => (value instanceof Tensor ? { tensor: { shape: value.shape, data: Array.from(value.values() as Float32Array) } } : value));
  return JSON.parse(text, (_key, value: unknown) => {
    const t = (value as { tensor?: { shape: number[]; data: number[] } } | null)?.tensor;
    return t ? new Tensor(Float32Array.from(t.data), t.shape) : value;
  }) as OptimizerStateDict<O>;
}

/**
 * Replays a case and asserts every step's parameters, and the final state of every parameter
 * (same keys; same values), against PyTorch's; reports the measured errors as a test diagnostic.
 */
export function assertMatchesFixture(t: TestContext, fx: OptimizerFixture, c: FixtureCase, make: MakeOptimizer, tol: Tolerance): ErrorStats {
  const run = runCase(fx, c, make);
  const stats: ErrorStats = { maxAbs: 0, maxRel: 0 };
  c.trajectory.forEach((expected, step) => {
    for (const [name, values] of Object.entries(expected)) {
      const want = flat(values);
      const got = run.trajectory[step]![name]!;
      errorStats(got, want, stats);
      assertClose(got, want, tol, `${c.name}: ${name} after step ${step + 1}`);
    }
  });
  for (const [name, expected] of Object.entries(c.state)) {
    const state = run.optimizer.state.get(run.params[name]!)!;
    assert.deepEqual(Object.keys(state).sort(), Object.keys(expected).sort(), `${c.name}: state keys of ${name}`);
    for (const [key, want] of Object.entries(expected)) {
      const got = state[key];
      if (want === null) assert.equal(got, null, `${c.name}: ${name}.${key}`);
      else if (got instanceof Tensor) assertClose(got.values(), flat(want), tol, `${c.name}: state ${name}.${key}`);
      else assertClose(got, num(want as number), key === 'step' ? { rtol: 0, atol: 0 } : tol, `${c.name}: state ${name}.${key}`);
    }
  }
  t.diagnostic(`${c.name}: max abs error ${stats.maxAbs.toExponential(2)}, max rel error ${stats.maxRel.toExponential(2)} over ${c.trajectory.length} steps`);
  return stats;
}
