/**
 * Every family against the reference values of scripts/fixtures/lr_schedules.py: PyTorch 1.13's own
 * schedulers stepped as a training loop steps them, and Hugging Face's lambdas, to 1e-6 relative.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../helpers/index.js';
import { buildSchedule, isSequentialSpec, LRScheduler, scheduleNames, type ScheduleSpec } from '../../src/lr/index.js';

interface Case {
  id: string;
  spec: ScheduleSpec;
  baseLrs: number[];
  steps: number;
  lr: number[][];
  beta1?: number[][];
}

const RTOL = 1e-6;
/** Only where the reference is exactly 0 does an absolute bound apply. */
const ZERO_ATOL = 1e-18;

function relativeError(actual: number, expected: number): number {
  if (expected === 0) return Math.abs(actual) <= ZERO_ATOL ? 0 : Infinity;
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** Steps a scheduler over fresh groups the way a training loop does, returning LRs per group per step. */
function run(c: Case): { lr: number[][]; beta1: number[][] } {
  const optimizer = { paramGroups: c.baseLrs.map((lr) => ({ lr, betas: [0.9, 0.999] as const as readonly [number, number] })) };
  const scheduler = new LRScheduler(optimizer, c.spec);
  const lr = c.baseLrs.map((): number[] => []);
  const beta1 = c.baseLrs.map((): number[] => []);
  for (let t = 0; t < c.steps; t++) {
    optimizer.paramGroups.forEach((g, i) => {
      lr[i]!.push(g.lr);
      beta1[i]!.push(g.betas[0]);
    });
    if (t < c.steps - 1) scheduler.step();
  }
  return { lr, beta1 };
}

function checkFile(file: string): void {
  const { cases } = readFixture<{ cases: Case[] }>(`lr/${file}`);
  const worst = new Map<string, { err: number; id: string }>();
  for (const c of cases) {
    test(`${c.id} matches the reference for ${c.steps} steps`, () => {
      assert.ok(c.steps >= 1000, 'every fixture covers at least 1,000 steps');
      const got = run(c);
      const family = 'name' in c.spec ? c.spec.name : 'sequential';
      let max = 0;
      const compare = (actual: number[][], expected: number[][], what: string) => {
        expected.forEach((series, g) =>
          series.forEach((e, t) => {
            const err = relativeError(actual[g]![t]!, e);
            if (!(err <= RTOL)) assert.fail(`${c.id} ${what} group ${g} step ${t}: got ${actual[g]![t]}, expected ${e} (relative error ${err})`);
            max = Math.max(max, err);
          }),
        );
      };
      compare(got.lr, c.lr, 'lr');
      if (c.beta1) compare(got.beta1, c.beta1, 'beta1');
      // the pure function gives the same values as the stateful scheduler
      const pure = buildSchedule(c.spec, { baseLr: c.baseLrs[0]! });
      compare([c.lr[0]!.map((_, t) => c.baseLrs[0]! * pure(t))], [c.lr[0]!], 'pure');
      const w = worst.get(family);
      if (!w || max > w.err) worst.set(family, { err: max, id: c.id });
    });
  }
  test(`${file}: worst relative error per family`, (t) => {
    assert.ok(worst.size > 0);
    for (const [family, { err, id }] of worst) t.diagnostic(`${family}: ${err.toExponential(2)} (${id})`);
  });
}

checkFile('hf.json');
checkFile('torch.json');
checkFile('sequential.json');

test('every registered family has reference values', () => {
  const names = new Set<string>();
  const collect = (spec: ScheduleSpec): void => {
    if (isSequentialSpec(spec)) spec.sequential.forEach(collect);
    else names.add(spec.name);
  };
  for (const file of ['hf.json', 'torch.json', 'sequential.json', 'plateau.json']) {
    readFixture<{ cases: { spec: ScheduleSpec }[] }>(`lr/${file}`).cases.forEach((c) => collect(c.spec));
  }
  assert.deepEqual(scheduleNames.filter((n) => !names.has(n)), []);
});
