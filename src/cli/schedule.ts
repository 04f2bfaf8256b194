/**
 * `anneal schedule`: print or draw the learning rates of any schedule, from its name and kebab-case
 * options or from a spec file in the training config's form. The options depend on the schedule, so
 * this command reads its arguments itself against the registry's declarations instead of commander's.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import {
  buildSchedule, getScheduleEntry, isSequentialSpec, renameConfigError, scheduleNames, scheduleRegistry, validateScheduleSpec,
  warmupOptionSpecs, type OptionSpec, type ScheduleSpec,
} from '../lr/index.js';
import { readJsonFile } from './files.js';
import { UsageError } from './usage.js';

const kebab = (camel: string) => camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (flag: string) => flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The command's own options; every other --flag is an option of the schedule. */
const commandOptions: Record<string, { value: string; description: string }> = {
  lr: { value: 'X', description: 'base learning rate (default 1 for noam, required otherwise)' },
  steps: { value: 'N', description: 'print the LRs of steps 0..N-1 (default: totalSteps when given)' },
  json: { value: '', description: 'print {"lr": [...]} instead of a table' },
  spec: { value: 'FILE', description: 'schedule spec as JSON, as in the training config: {"name": ...} or {"sequential": [...], "milestones": [...]}' },
  svg: { value: 'FILE', description: 'draw the schedule as SVG' },
  png: { value: 'FILE', description: 'draw the schedule as PNG' },
};

/** Options that take no value (`--json`, `--three-phase`, `--no-cycle-momentum`). */
const booleanFlags = new Set(['json']);
for (const entry of scheduleRegistry.values()) {
  for (const [name, spec] of Object.entries(entry.options)) if (spec.type === 'boolean') booleanFlags.add(kebab(name));
}

interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | boolean>;
}

/** Splits the raw arguments into operands and --flags (`--flag value`, `--flag=value`, `--no-flag`). */
function parseArgs(args: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | boolean>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) throw new UsageError(`unknown option ${arg}; schedule options are --kebab-case (see anneal schedule --help)`);
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = arg.slice(2, eq < 0 ? undefined : eq);
    let value: string | boolean;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
      if (booleanFlags.has(name)) {
        if (value !== 'true' && value !== 'false') throw new UsageError(`--${name} expects true or false, got ${JSON.stringify(value)}`);
        value = value === 'true';
      }
    } else if (name.startsWith('no-') && booleanFlags.has(name.slice(3))) {
      name = name.slice(3);
      value = false;
    } else if (booleanFlags.has(name)) value = true;
    else {
      if (i + 1 >= args.length) throw new UsageError(`option --${name} needs a value`);
      value = args[++i]!;
    }
    if (flags.has(name)) throw new UsageError(`option --${name} is given twice`);
    flags.set(name, value);
  }
  return { positional, flags };
}

function parseNumber(flag: string, text: string | boolean, integer = false): number {
  const n = typeof text === 'string' && text.trim() !== '' ? Number(text) : NaN;
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${flag} expects ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** A command-line value converted to the type the family declares. */
function parseOption(flag: string, text: string | boolean, spec: OptionSpec): unknown {
  switch (spec.type) {
    case 'boolean':
      if (typeof text === 'boolean') return text;
      if (text === 'true' || text === 'false') return text === 'true';
      throw new UsageError(`--${flag} expects true or false, got ${JSON.stringify(text)}`);
    case 'integer':
      return parseNumber(flag, text, true);
    case 'number':
      return parseNumber(flag, text);
    case 'number[]':
    case 'number|number[]':
      return String(text).split(',').map((part) => parseNumber(flag, part.trim()));
    case 'string':
      return String(text);
  }
}

/**
 * Error fields in the user's terms: `schedule.numCycles` -> `--num-cycles` for a command-line schedule,
 * `spec.<field>` for a spec file (a schedule's own errors at run time come without the prefix).
 */
function inUserTerms(err: ConfigError, path: string): ConfigError {
  const field = err.field.startsWith(`${path}.`) || err.field === path || err.field.startsWith('--') ? err.field : `${path}.${err.field}`;
  const match = /^schedule\.([A-Za-z0-9]+)$/.exec(field);
  if (!match) return field === err.field ? err : renameConfigError(err, field);
  const option = match[1]!;
  return renameConfigError(err, option === 'name' ? 'NAME' : option === 'baseLr' ? '--lr' : `--${kebab(option)}`);
}

function describeSpec(spec: ScheduleSpec): string {
  if (isSequentialSpec(spec)) return `sequential: ${spec.sequential.map(describeSpec).join(' → ')} at ${spec.milestones.join(', ')}`;
  const { name, ...options } = spec;
  const parts = Object.entries(options).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : String(v)}`);
  return parts.length ? `${name} (${parts.join(', ')})` : name;
}

export interface ScheduleRun {
  spec: ScheduleSpec;
  lr: number[];
}

/** The schedule and LRs an `anneal schedule` command line asks for (exported for tests). */
export function resolveScheduleArgs(args: readonly string[]): ScheduleRun & { flags: Map<string, string | boolean> } {
  const { positional, flags } = parseArgs(args);
  if (positional.length > 1) throw new UsageError(`expected one schedule name, got ${positional.join(' ')}`);
  const specFile = flags.get('spec');
  let spec: ScheduleSpec;
  let path: string;
  if (specFile !== undefined) {
    if (positional.length) throw new UsageError(`give either a schedule name or --spec, not both (got ${positional[0]} and --spec)`);
    const familyFlags = [...flags.keys()].filter((k) => !(k in commandOptions));
    if (familyFlags.length) throw new UsageError(`with --spec, put the schedule's options in the spec file (got --${familyFlags.join(', --')})`);
    path = 'spec';
    spec = validateScheduleSpec(readJsonFile(String(specFile), 'the spec file'), path);
  } else {
    if (!positional.length) throw new ConfigError('NAME', 'give a schedule name or --spec FILE', scheduleNames);
    path = 'schedule';
    let entry;
    try {
      entry = getScheduleEntry(positional[0]);
    } catch (err) {
      throw err instanceof ConfigError ? inUserTerms(err, path) : err;
    }
    if (entry.kind === 'metric') {
      throw new UsageError(`${entry.name} lowers the LR when a validation metric stalls, so it has no curve over steps to print; use it in a training config`);
    }
    const options: Record<string, unknown> = {};
    const allowed = [...Object.keys(commandOptions), ...Object.keys(entry.options).map(kebab)].map((f) => `--${f}`);
    for (const [flag, value] of flags) {
      if (flag in commandOptions) continue;
      const option = entry.options[camel(flag)];
      if (!option || kebab(camel(flag)) !== flag) throw new ConfigError(`--${flag}`, `unknown option of ${entry.name}`, allowed);
      options[camel(flag)] = parseOption(flag, value, option);
    }
    spec = { name: entry.name, ...options };
  }

  const isNoam = !isSequentialSpec(spec) && spec.name === 'noam';
  const lrFlag = flags.get('lr');
  if (lrFlag === undefined && !isNoam) throw new UsageError('--lr X is required: the base learning rate the schedule multiplies (only noam defaults to 1)');
  const baseLr = lrFlag === undefined ? 1 : parseNumber('lr', lrFlag);
  if (!(baseLr > 0)) throw new UsageError(`--lr must be > 0, got ${baseLr}`);
  const stepsFlag = flags.get('steps');
  const total = isSequentialSpec(spec) ? undefined : spec.totalSteps;
  if (stepsFlag === undefined && typeof total !== 'number') throw new UsageError('--steps N is required (there is no totalSteps to default to)');
  const steps = stepsFlag === undefined ? (total as number) : parseNumber('steps', stepsFlag, true);
  if (!(steps >= 1)) throw new UsageError(`--steps must be >= 1, got ${steps}`);

  try {
    const schedule = buildSchedule(spec, { baseLr }, path);
    const lr = Array.from({ length: steps }, (_, t) => baseLr * schedule(t));
    return { spec, lr, flags };
  } catch (err) {
    throw err instanceof ConfigError ? inUserTerms(err, path) : err;
  }
}

function helpText(): string {
  const lines = ['', 'Command options:'];
  for (const [name, o] of Object.entries(commandOptions)) lines.push(`  --${`${name} ${o.value}`.padEnd(14)} ${o.description}`);
  const warmupFlags = Object.keys(warmupOptionSpecs);
  lines.push('', 'Warmup options of the schedules marked [warmup]:');
  for (const [name, o] of Object.entries(warmupOptionSpecs)) lines.push(`  --${kebab(name).padEnd(18)} ${o.description}`);
  lines.push('', "Schedules and their options (kebab-case of the config's camelCase names):");
  for (const entry of scheduleRegistry.values()) {
    if (entry.kind === 'metric') {
      lines.push(`  ${entry.name}: ${entry.description}; training configs only, it has no curve over steps`);
      continue;
    }
    const warms = warmupFlags.every((k) => k in entry.options);
    lines.push(`  ${entry.name}${warms ? ' [warmup]' : ''}: ${entry.description}`);
    for (const [name, o] of Object.entries(entry.options)) {
      if (warms && warmupFlags.includes(name)) continue;
      const choices = o.choices ? ` [${o.choices.join('|')}]` : '';
      lines.push(`      --${kebab(name).padEnd(18)} ${o.description}${choices}`);
    }
  }
  lines.push(
    '',
    'Examples:',
    '  anneal schedule cosine --lr 3e-4 --warmup-steps 100 --total-steps 1000 --json',
    '  anneal schedule CosineAnnealingWarmRestarts --lr 0.1 --t0 100 --t-mult 2 --steps 1500 --svg sgdr.svg',
    '  anneal schedule --spec schedule.json --lr 1e-3 --steps 1200 --png schedule.png',
  );
  return lines.join('\n');
}

/** Registers `anneal schedule`. */
export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('print or draw a learning-rate schedule')
    .usage('NAME --lr X [--steps N] [schedule options] [--json] [--svg FILE] [--png FILE]\n       anneal schedule --spec FILE.json --lr X [--steps N] ...')
    .argument('[NAME]', `schedule name: ${scheduleNames.join(', ')}`)
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText('after', helpText())
    .action(async (_name: unknown, _options: unknown, command: Command) => {
      const { spec, lr, flags } = resolveScheduleArgs(command.args);
      const svgFile = flags.get('svg');
      const pngFile = flags.get('png');
      if (flags.get('json')) process.stdout.write(`${JSON.stringify({ lr })}\n`);
      else if (svgFile === undefined && pngFile === undefined) {
        process.stdout.write(`step\tlr\n${lr.map((v, t) => `${t}\t${v}`).join('\n')}\n`);
      }
      if (svgFile === undefined && pngFile === undefined) return;
      // loaded only to draw: vega is the heaviest import of the CLI
      const { lineChart, svgToPng } = await import('../plot/index.js');
      const svg = await lineChart({
        series: [{ name: 'lr', x: lr.map((_, t) => t), y: lr }],
        title: describeSpec(spec),
        xLabel: 'step',
        yLabel: 'learning rate',
      });
      if (typeof svgFile === 'string') writeFileSync(svgFile, svg);
      if (typeof pngFile === 'string') writeFileSync(pngFile, svgToPng(svg));
    });
}
