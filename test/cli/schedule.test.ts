/** `anneal schedule`: the LRs it prints, the specs and options it accepts, its errors and its charts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFixture, repoRoot } from '../helpers/index.js';
import { ConfigError } from '../../src/errors.js';
import { fullHelp, resolveScheduleArgs, scheduleChart, scheduleHelp } from '../../src/cli/schedule.js';
import { UsageError } from '../../src/cli/usage.js';
import { describeOptions } from '../../src/options.js';
import { buildSchedule, cosineAnnealingWarmRestarts, multiStepLR, oneCycleLR, scheduleRegistry, stepLR, type ScheduleSpec } from '../../src/lr/index.js';

const main = join(repoRoot, 'build', 'src', 'cli', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'anneal-schedule-'));

function anneal(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function specFile(spec: unknown): string {
  const file = join(tmp, `spec-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

const lrs = (args: string[]) => resolveScheduleArgs(args).lr;

test('--json prints {"lr": [...]}: the N learning rates of steps 0..N-1', () => {
  const r = anneal('schedule', 'cosine', '--lr', '3e-4', '--warmup-steps', '100', '--total-steps', '1000', '--steps', '1200', '--json');
  assert.equal(r.status, 0, r.stderr);
  const { lr } = JSON.parse(r.stdout) as { lr: number[] };
  const f = buildSchedule({ name: 'cosine', warmupSteps: 100, totalSteps: 1000 });
  assert.equal(lr.length, 1200);
  lr.forEach((v, t) => assert.equal(v, 3e-4 * f(t)));
});

test('a spec file gives the same schedule as the options, and --steps defaults to totalSteps', () => {
  const fromFlags = lrs(['cosine', '--lr', '1e-3', '--warmup-ratio', '0.1', '--total-steps', '500', '--min-lr', '1e-5']);
  const file = specFile({ name: 'cosine', warmupRatio: 0.1, totalSteps: 500, minLr: 1e-5 });
  assert.deepEqual(lrs(['--spec', file, '--lr', '1e-3']), fromFlags);
  assert.equal(fromFlags.length, 500);
});

test('a sequential spec prints PyTorch SequentialLR\'s learning rates', () => {
  const { cases } = readFixture<{ cases: { id: string; spec: ScheduleSpec; baseLrs: number[]; steps: number; lr: number[][] }[] }>('lr/sequential.json');
  const c = cases.find((x) => x.id === 'LinearLR+CosineAnnealingLR')!;
  const r = anneal('schedule', '--spec', specFile(c.spec), '--lr', String(c.baseLrs[0]), '--steps', String(c.steps), '--json');
  assert.equal(r.status, 0, r.stderr);
  const { lr } = JSON.parse(r.stdout) as { lr: number[] };
  lr.forEach((v, t) => assert.ok(Math.abs(v - c.lr[0]![t]!) <= 1e-6 * Math.abs(c.lr[0]![t]!), `step ${t}: ${v} vs ${c.lr[0]![t]}`));
});

test('PyTorch schedulers keep their class names and take their arguments in kebab-case', () => {
  assert.deepEqual(lrs(['StepLR', '--lr', '1', '--step-size', '10', '--gamma', '0.5', '--steps', '30']), Array.from({ length: 30 }, (_, t) => stepLR({ stepSize: 10, gamma: 0.5 })(t)));
  const sgdr = cosineAnnealingWarmRestarts({ t0: 10, tMult: 2 });
  assert.deepEqual(lrs(['CosineAnnealingWarmRestarts', '--lr', '1', '--t0', '10', '--t-mult', '2', '--steps', '50']), Array.from({ length: 50 }, (_, t) => sgdr(t)));
  assert.deepEqual(lrs(['MultiStepLR', '--lr', '1', '--milestones', '2,4', '--steps', '5']), [0, 1, 2, 3, 4].map(multiStepLR({ milestones: [2, 4] })));
  const three = oneCycleLR({ totalSteps: 100, threePhase: true });
  assert.deepEqual(lrs(['OneCycleLR', '--lr', '1', '--total-steps', '100', '--three-phase']), Array.from({ length: 100 }, (_, t) => three(t)));
  assert.deepEqual(lrs(['OneCycleLR', '--lr', '1', '--total-steps', '100', '--three-phase=false', '--no-cycle-momentum']).slice(0, 40),
    lrs(['OneCycleLR', '--lr', '1', '--total-steps', '100']).slice(0, 40));
});

test('--lr defaults to 1 for noam only', () => {
  const noam = lrs(['noam', '--d-model', '512', '--warmup-steps', '4000', '--steps', '4001']);
  assert.ok(Math.abs(noam[4000]! - (512 * 4000) ** -0.5) < 1e-15);
  assert.throws(() => lrs(['linear', '--total-steps', '10']), (e) => e instanceof UsageError && /--lr X is required/.test(e.message));
});

test('unknown names and options exit 2 with the allowed ones listed', () => {
  const name = anneal('schedule', 'cosin', '--lr', '1');
  assert.equal(name.status, 2);
  assert.match(name.stderr, /unknown schedule "cosin"; did you mean cosine\? \(allowed: constant, .*warmup_stable_decay, .*OneCycleLR/);
  const option = anneal('schedule', 'CosineAnnealingLR', '--lr', '1', '--T-max', '10');
  assert.equal(option.status, 2);
  assert.match(option.stderr, /--T-max: unknown option of CosineAnnealingLR; did you mean --t-max\? \(allowed: --lr, --steps, --compare, --spec, --json, --svg, --png, --t-max, --eta-min\)/);
});

test('bad values and missing options are usage errors naming the flag', () => {
  const check = (args: string[], message: RegExp) =>
    assert.throws(() => lrs(args), (e) => (e instanceof UsageError || e instanceof ConfigError) && message.test(e.message));
  check(['cosine', '--lr', '1', '--total-steps', 'ten'], /--total-steps expects an integer, got "ten"/);
  check(['cosine', '--lr', '1', '--steps', '5'], /--total-steps: is required/);
  check(['StepLR', '--lr', '1', '--step-size', '10'], /--steps N is required/);
  check(['polynomial', '--lr', '1e-8', '--total-steps', '10'], /--lr-end: lrEnd \(1e-7\) must be smaller than the base LR/);
  check(['warmup_stable_decay', '--lr', '1', '--decay-steps', '5', '--warmup-type', 'exp', '--steps', '9', '--stable-steps', '2'], /--warmup-type: unknown value "exp" \(allowed: linear, cosine, 1-sqrt\)/);
  check(['OneCycleLR', '--lr', '1', '--total-steps', '10', '--steps', '12'], /--total-steps: OneCycleLR was stepped 12 times/);
  check(['cosine', '--spec', 'x.json'], /give only one of a schedule name, --compare and --spec \(got a schedule name \(cosine\) and --spec\)/);
  check(['--spec', 'x.json', '--num-cycles', '2', '--lr', '1'], /with --spec, put the schedule's options in the spec file/);
  check(['ReduceLROnPlateau', '--lr', '1'], /no curve over steps/);
  check([], /NAME: give a schedule name, --compare A,B,... or --spec FILE \(allowed: constant,/);
  check(['cosine', '--lr', '1', '--total-steps', '5', '--lr', '2'], /--lr is given twice/);
});

test('a spec file with an error names its path inside the spec', () => {
  const file = specFile({ sequential: [{ name: 'LinearLR' }, { name: 'CosineAnnealingLR' }], milestones: [5] });
  const r = anneal('schedule', '--spec', file, '--lr', '1', '--steps', '10');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /spec\.sequential\[1\]\.tMax: is required/);
  const missing = anneal('schedule', '--spec', join(tmp, 'nope.json'), '--lr', '1', '--steps', '10');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read the spec file/);
});

test('--svg and --png draw the schedule', () => {
  const svg = join(tmp, 'lr.svg');
  const png = join(tmp, 'lr.png');
  const r = anneal('schedule', 'linear', '--lr', '0.001', '--warmup-steps', '10', '--total-steps', '100', '--svg', svg, '--png', png);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(readFileSync(svg, 'utf8'), /^<svg[\s\S]*learning rate[\s\S]*<\/svg>$/);
  assert.deepEqual([...readFileSync(png).subarray(1, 4)], [0x50, 0x4e, 0x47]);
});

test('without --json it prints a step/lr table, and --help lists every schedule with its options', () => {
  const table = anneal('schedule', 'constant_with_warmup', '--lr', '2', '--warmup-steps', '2', '--steps', '3');
  assert.equal(table.stdout, 'step\tlr\n0\t0\n1\t1\n2\t2\n');
  const help = anneal('schedule', '--help');
  assert.equal(help.status, 0);
  for (const text of ['warmup_stable_decay', 'CosineAnnealingWarmRestarts', '--t-mult', '--min-lr-ratio', '--spec FILE']) assert.ok(help.stdout.includes(text), text);
});

test('--compare draws one series per schedule, each with the options it declares', () => {
  const run = resolveScheduleArgs(['--compare', 'cosine,linear,noam', '--lr', '1e-3', '--warmup-steps', '10', '--total-steps', '100', '--d-model', '512']);
  assert.deepEqual(run.series.map((s) => s.label), ['cosine', 'linear', 'noam']);
  assert.deepEqual(run.series[0]!.lr, lrs(['cosine', '--lr', '1e-3', '--warmup-steps', '10', '--total-steps', '100']));
  assert.deepEqual(run.series[1]!.lr, lrs(['linear', '--lr', '1e-3', '--warmup-steps', '10', '--total-steps', '100']));
  assert.deepEqual(run.series[2]!.lr, lrs(['noam', '--lr', '1e-3', '--warmup-steps', '10', '--total-steps', '100', '--d-model', '512']));
  assert.deepEqual(scheduleChart(run).series.map((s) => [s.name, s.y.length]), [['cosine', 100], ['linear', 100], ['noam', 100]]);
});

test('repeated --spec files are compared, each labelled by its file name', () => {
  const dir = mkdtempSync(join(tmp, 'specs-'));
  writeFileSync(join(dir, 'warm.json'), JSON.stringify({ name: 'cosine', warmupSteps: 10, totalSteps: 50 }));
  writeFileSync(join(dir, 'sgdr.json'), JSON.stringify({ name: 'CosineAnnealingWarmRestarts', t0: 10 }));
  const run = resolveScheduleArgs(['--spec', join(dir, 'warm.json'), '--spec', join(dir, 'sgdr.json'), '--lr', '1']);
  assert.deepEqual(run.series.map((s) => s.label), ['warm', 'sgdr']);
  assert.equal(run.series[1]!.lr.length, 50, '--steps defaults to the largest totalSteps');
  assert.deepEqual(run.series[1]!.lr, lrs(['CosineAnnealingWarmRestarts', '--lr', '1', '--t0', '10', '--steps', '50']));
});

test('several schedules print one column each, {"series": [...]} as JSON, and one line and legend entry each on the chart', () => {
  const args = ['schedule', '--compare', 'constant,linear', '--lr', '2', '--total-steps', '4'];
  assert.equal(anneal(...args).stdout, 'step\tconstant\tlinear\n0\t2\t2\n1\t2\t1.5\n2\t2\t1\n3\t2\t0.5\n');
  assert.deepEqual(JSON.parse(anneal(...args, '--json').stdout), { series: [{ name: 'constant', lr: [2, 2, 2, 2] }, { name: 'linear', lr: [2, 1.5, 1, 0.5] }] });
  const svg = join(tmp, 'compare.svg');
  const r = anneal('schedule', '--compare', 'cosine,linear,noam', '--lr', '1e-3', '--warmup-steps', '10', '--total-steps', '100', '--d-model', '512', '--svg', svg);
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync(svg, 'utf8');
  assert.equal(text.match(/aria-roledescription="line mark"/g)?.length, 3);
  for (const name of ['cosine', 'linear', 'noam']) assert.ok(text.includes(`series: ${name}"`) && text.includes(`>${name}</text>`), name);
});

test('with --compare, a flag none of the schedules declares is an error naming the ones that do', () => {
  const r = anneal('schedule', '--compare', 'cosine,linear', '--lr', '1', '--total-steps', '10', '--t-max', '10');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--t-max: unknown option of cosine, linear; it is an option of CosineAnnealingLR \(allowed: --lr, .*--total-steps, --num-cycles, --min-lr, --min-lr-ratio\)/);
  assert.throws(() => lrs(['--compare', 'cosine,StepLR', '--lr', '1', '--total-steps', '10']), /StepLR --step-size: is required/);
  assert.throws(() => lrs(['--compare', 'cosine,cosine', '--lr', '1', '--total-steps', '10']), /--compare names cosine twice/);
  assert.throws(() => lrs(['cosine', 'linear', '--lr', '1']), /expected one schedule name, got cosine linear; to draw several, use --compare cosine,linear/);
});

test('a misspelt flag suggests the right one', () => {
  for (const [typed, meant] of [['--warmup_steps', '--warmup-steps'], ['--warmup', '--warmup-steps'], ['--totalSteps', '--total-steps'], ['--min-lr-rate', '--min-lr-ratio']]) {
    assert.throws(() => lrs(['cosine', '--lr', '1', '--total-steps', '10', typed!, '1']), (e) => e instanceof ConfigError && e.message.startsWith(`${typed}: unknown option of cosine; did you mean ${meant}?`), typed);
  }
});

test('NAME --help lists the options of that schedule only, each with its description and default', () => {
  const r = anneal('schedule', 'CosineAnnealingWarmRestarts', '--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Options of CosineAnnealingWarmRestarts:\n\s+--t0 <N>\s+T_0: steps of the first cycle \(required\)\n\s+--t-mult <N>\s+T_mult: [\s\S]*?\(default 1\)/);
  assert.ok(r.stdout.includes('--lr <X>') && !r.stdout.includes('--num-cycles'));
});

test('--help lists every schedule and every option of each, from the schemas', () => {
  const help = fullHelp();
  for (const entry of scheduleRegistry.values()) {
    assert.ok(help.includes(`  ${entry.name}`), entry.name);
    for (const key of Object.keys(entry.options.shape)) {
      const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      if (entry.kind === 'step') assert.ok(help.includes(flag) || help.includes(flag.replace('--', '--no-')), `${entry.name} ${flag}`);
    }
  }
  assert.ok(help.includes('--compare <A,B,...>') && help.includes('--spec <FILE>'));
  assert.equal(anneal('help', 'schedule').stdout, help);
});

test('a flag shared by several schedules reads the same way in each, and none is one of the command\'s own', () => {
  const kinds = new Map<string, string>();
  for (const entry of scheduleRegistry.values()) {
    if (entry.kind !== 'step') continue;
    for (const option of describeOptions(entry.options)) {
      assert.ok(!['lr', 'steps', 'compare', 'spec', 'json', 'svg', 'png'].includes(option.name), `${entry.name}.${option.name}`);
      const kind = kinds.get(option.name) ?? option.type;
      assert.equal(option.type, kind, `${entry.name}.${option.name}`);
      kinds.set(option.name, kind);
    }
  }
});

test("every anneal schedule example of the README parses", () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const lines = readme.split('\n').filter((l) => l.startsWith('npx anneal schedule'));
  assert.ok(lines.length >= 5);
  const spec = specFile({ name: 'cosine', warmupSteps: 100, totalSteps: 1200 });
  for (const line of lines) {
    const args = line.replace(/#.*/, '').trim().split(/\s+/).slice(3).map((a) => (a === 'schedule.json' ? spec : a));
    if (args.includes('--help')) assert.ok(scheduleHelp(args), line);
    else assert.ok(resolveScheduleArgs(args).lr.length > 0, line);
  }
});
