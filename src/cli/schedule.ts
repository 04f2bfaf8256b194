/**
 * `anneal schedule`: print or draw the learning rates of a schedule, or of several on one chart, from
 * names and kebab-case options or from spec files in the training config's form. Its flags are made
 * from zod schemas: the command's own below and each schedule's in src/lr, so the help lines, the
 * checks and the errors are the ones a training config gets.
 */
import { writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { strictOptions, suggestKey, withField, type OptionsSchema } from '../options.js';
import {
  buildSchedule, getScheduleEntry, isSequentialSpec, scheduleNames, scheduleRegistry, validateScheduleSpec, warmupFields,
  type ScheduleEntry, type ScheduleSpec, type StepScheduleEntry,
} from '../lr/index.js';
import type { LineChartOptions } from '../plot/index.js';
import { readJsonFile } from './files.js';
import { UsageError } from './usage.js';
import { booleanAssignments, flagOf, schemaFlags } from './zodOptions.js';

/** The command's own options; every other flag is an option of a schedule. */
const commandOptions = z.strictObject({
  lr: z.number().positive().optional().describe('base learning rate the schedule multiplies (default 1 for noam, required otherwise)'),
  steps: z.int().min(1).optional().describe('print the LRs of steps 0..N-1 (default: totalSteps when given, the largest one with several schedules)'),
  compare: z
    .array(z.string())
    .min(1)
    .optional()
    .meta({ metavar: 'A,B,...' })
    .describe('several schedules on one chart, one line each, at the same --lr; each takes the flags it declares, and a flag none of them declares is an error'),
  spec: z
    .array(z.string())
    .optional()
    .meta({ metavar: 'FILE' })
    .describe('schedule spec as JSON, as in the training config: {"name": ...} or {"sequential": [...], "milestones": [...]}; repeat it to compare several'),
  json: z.boolean().optional().describe('print {"lr": [...]} instead of a table ({"series": [{"name", "lr"}, ...]} for several schedules)'),
  svg: z.string().optional().meta({ metavar: 'FILE' }).describe('draw the schedule(s) as SVG, one line and legend entry per schedule'),
  png: z.string().optional().meta({ metavar: 'FILE' }).describe('draw the schedule(s) as PNG'),
});

type CommandValues = z.output<typeof commandOptions>;
const commandKeys = Object.keys(commandOptions.shape);

const stepEntries = [...scheduleRegistry.values()].filter((e): e is StepScheduleEntry => e.kind === 'step');

/** A parser for the command's flags and those of `entries` (the first declaration of a shared name wins). */
function commandFor(entries: readonly ScheduleEntry[], usage: string): Command {
  const command = new Command('anneal schedule').usage(usage).allowUnknownOption().allowExcessArguments();
  for (const option of schemaFlags(commandOptions, { repeatable: ['spec'] })) command.addOption(option);
  for (const entry of entries) {
    for (const option of schemaFlags(entry.options, { group: `Options of ${entry.name}:` })) {
      if (!command.options.some((o) => o.long === option.long)) command.addOption(option);
    }
  }
  return command;
}

const usage = 'NAME --lr X [--steps N] [schedule options] [--json] [--svg FILE] [--png FILE]';

/** Where a schedule comes from: a name with the command line's options, or a spec file. */
interface Source {
  label: string;
  spec: ScheduleSpec;
  /** The spec's path in errors: `schedule` for a command-line schedule (its fields become flags), `spec` for a file. */
  path: string;
  /** What to put before an error's field when there are several schedules. */
  origin?: string;
}

/** One line of the chart: a schedule's LRs at steps 0..N-1. */
export interface ScheduleSeries {
  label: string;
  spec: ScheduleSpec;
  lr: number[];
}

export interface ScheduleRun {
  /** The first (or only) schedule's spec and LRs. */
  spec: ScheduleSpec;
  lr: number[];
  /** Every schedule asked for, in order. */
  series: ScheduleSeries[];
  baseLr: number;
  options: CommandValues;
}

/**
 * Error fields in the user's terms: `schedule.numCycles` -> `--num-cycles` for a command-line schedule,
 * `spec.<field>` for a spec file; with several schedules the field names the one it belongs to.
 */
function inUserTerms(err: ConfigError, source: Pick<Source, 'path' | 'origin'>): ConfigError {
  const { path } = source;
  let field = err.field.startsWith(`${path}.`) || err.field === path || err.field.startsWith('--') ? err.field : `${path}.${err.field}`;
  const match = path === 'schedule' ? /^schedule\.([A-Za-z0-9]+)$/.exec(field) : null;
  if (match) field = match[1] === 'name' ? 'NAME' : match[1] === 'baseLr' ? '--lr' : flagOf(match[1]!);
  if (source.origin) field = `${source.origin} ${field}`;
  return field === err.field ? err : withField(err, field);
}

function describeSpec(spec: ScheduleSpec): string {
  if (isSequentialSpec(spec)) return `sequential: ${spec.sequential.map(describeSpec).join(' → ')} at ${spec.milestones.join(', ')}`;
  const { name, ...options } = spec;
  const parts = Object.entries(options).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : String(v)}`);
  return parts.length ? `${name} (${parts.join(', ')})` : name;
}

/** The command's values checked by their schema, errors named by flag. */
function commandValues(values: Record<string, unknown>): CommandValues {
  const own = Object.fromEntries(commandKeys.filter((k) => values[k] !== undefined).map((k) => [k, values[k]]));
  try {
    return strictOptions(commandOptions, own, 'anneal schedule');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const key = /^[A-Za-z0-9]+/.exec(err.field)?.[0] ?? err.field;
    throw withField(err, `${flagOf(key)}${err.field.slice(key.length)}`);
  }
}

function entryOf(name: string, field: string): StepScheduleEntry {
  const entry = getScheduleEntry(name, field);
  if (entry.kind === 'metric') {
    throw new UsageError(`${entry.name} lowers the LR when a validation metric stalls, so it has no curve over steps to print; use it in a training config`);
  }
  return entry;
}

/** Labels for the legend; the same label twice gets a number. */
function uniqueLabels(labels: string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return n === 1 ? l : `${l} (${n})`;
  });
}

/** The schedules a command line names: one NAME or the --compare list (none with --spec). */
function chosenEntries(operands: readonly string[], options: CommandValues): StepScheduleEntry[] {
  if (operands.length > 1) throw new UsageError(`expected one schedule name, got ${operands.join(' ')}; to draw several, use --compare ${operands.join(',')}`);
  const given = [operands.length ? `a schedule name (${operands[0]})` : '', options.compare ? '--compare' : '', options.spec ? '--spec' : ''].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give only one of a schedule name, --compare and --spec (got ${given.join(' and ')})`);
  if (given.length === 0) throw new ConfigError('NAME', 'give a schedule name, --compare A,B,... or --spec FILE', scheduleNames);
  if (!options.compare) return operands.length ? [entryOf(operands[0]!, 'NAME')] : [];
  const entries = options.compare.map((name) => entryOf(name, '--compare'));
  const repeated = entries.find((e, i) => entries.indexOf(e) !== i);
  if (repeated) throw new UsageError(`--compare names ${repeated.name} twice`);
  return entries;
}

/**
 * The schedule options given, checked against the schedules chosen: an unknown flag, or one that
 * none of them declares, is an error listing the allowed flags with the likely one.
 */
function scheduleFlags(entries: readonly StepScheduleEntry[], unknown: readonly string[], values: Record<string, unknown>, spec: boolean): string[] {
  const allowedKeys = [...commandKeys, ...new Set(entries.flatMap((e) => Object.keys(e.options.shape)))];
  const unknownFlag = unknown.find((a) => a.startsWith('-'));
  const given = Object.keys(values).filter((k) => !commandKeys.includes(k) && values[k] !== undefined);
  const misplaced = unknownFlag !== undefined ? undefined : given.find((k) => !allowedKeys.includes(k));
  if (spec && unknownFlag === undefined && given.length) {
    throw new UsageError(`with --spec, put the schedule's options in the spec file (got ${given.map(flagOf).join(', ')})`);
  }
  if (unknownFlag === undefined && misplaced === undefined) return given;
  const flag = unknownFlag ?? flagOf(misplaced!);
  const suggestion = suggestKey(flag.replace(/^-+/, '').split('=')[0]!, allowedKeys);
  const owners = misplaced === undefined ? [] : stepEntries.filter((e) => misplaced in e.options.shape).map((e) => e.name);
  let hint = suggestion ? `; did you mean ${flagOf(suggestion)}?` : '';
  if (!flag.startsWith('--')) hint += '; schedule options are --kebab-case (see anneal schedule --help)';
  else if (owners.length && !suggestion) hint += `; it is an option of ${owners.slice(0, 3).join(', ')}${owners.length > 3 ? ', ...' : ''}`;
  const owner = entries.length ? entries.map((e) => e.name).join(', ') : 'anneal schedule --spec';
  throw new ConfigError(flag, `unknown option of ${owner}${hint}`, allowedKeys.map(flagOf));
}

/** The specs of --spec files, labelled by file name; errors name the path inside the spec (and the file, with several). */
function specSources(files: readonly string[]): Source[] {
  const labels = uniqueLabels(files.map((f) => basename(f, extname(f))));
  return files.map((file, i): Source => {
    const where = { path: 'spec', ...(files.length > 1 ? { origin: file } : {}) };
    try {
      return { label: labels[i]!, spec: validateScheduleSpec(readJsonFile(file, 'the spec file'), 'spec'), ...where };
    } catch (err) {
      throw err instanceof ConfigError ? inUserTerms(err, where) : err;
    }
  });
}

/** The schedules named on the command line, each with the flags it declares. */
function flagSources(entries: readonly StepScheduleEntry[], keys: readonly string[], values: Record<string, unknown>): Source[] {
  return entries.map((entry) => {
    const own = Object.fromEntries(keys.filter((k) => k in entry.options.shape).map((k) => [k, values[k]]));
    return { label: entry.name, spec: { name: entry.name, ...own }, path: 'schedule', ...(entries.length > 1 ? { origin: entry.name } : {}) };
  });
}

/** The schedules and LRs an `anneal schedule` command line asks for (exported for tests). */
export function resolveScheduleArgs(args: readonly string[]): ScheduleRun {
  const parser = commandFor(stepEntries, usage);
  const { operands, unknown } = parser.parseOptions(booleanAssignments(args, [commandOptions, ...stepEntries.map((e) => e.options)]));
  const values = parser.opts() as Record<string, unknown>;
  const options = commandValues(values);
  const entries = chosenEntries(operands, options);
  const keys = scheduleFlags(entries, unknown, values, options.spec !== undefined);
  const sources = options.spec ? specSources(options.spec) : flagSources(entries, keys, values);

  const isNoam = (s: ScheduleSpec) => !isSequentialSpec(s) && s.name === 'noam';
  if (options.lr === undefined && !sources.every((s) => isNoam(s.spec))) {
    throw new UsageError('--lr X is required: the base learning rate the schedule multiplies (only noam defaults to 1)');
  }
  const baseLr = options.lr ?? 1;
  const totals = sources.map((s) => (isSequentialSpec(s.spec) ? undefined : s.spec.totalSteps)).filter((t): t is number => typeof t === 'number');
  if (options.steps === undefined && totals.length === 0) throw new UsageError('--steps N is required (there is no totalSteps to default to)');
  const steps = options.steps ?? Math.max(...totals);

  const series = sources.map((source): ScheduleSeries => {
    try {
      const schedule = buildSchedule(source.spec, { baseLr }, source.path);
      return { label: source.label, spec: source.spec, lr: Array.from({ length: steps }, (_, t) => baseLr * schedule(t)) };
    } catch (err) {
      throw err instanceof ConfigError ? inUserTerms(err, source) : err;
    }
  });
  return { spec: series[0]!.spec, lr: series[0]!.lr, series, baseLr, options };
}

/** The chart of a run: one series per schedule, named as in the legend. */
export function scheduleChart(run: ScheduleRun): LineChartOptions {
  const single = run.series.length === 1;
  return {
    series: run.series.map((s) => ({ name: single ? 'lr' : s.label, x: s.lr.map((_, t) => t), y: s.lr })),
    title: single ? describeSpec(run.spec) : `${run.series.map((s) => s.label).join(' vs ')} (base LR ${run.baseLr})`,
    xLabel: 'step',
    yLabel: 'learning rate',
  };
}

function table(run: ScheduleRun): string {
  const header = run.series.length === 1 ? 'lr' : run.series.map((s) => s.label).join('\t');
  const rows = run.lr.map((_, t) => `${t}\t${run.series.map((s) => s.lr[t]).join('\t')}`);
  return `step\t${header}\n${rows.join('\n')}\n`;
}

const examples = [
  '',
  'Examples:',
  '  anneal schedule cosine --lr 3e-4 --warmup-steps 100 --total-steps 1000 --json',
  '  anneal schedule CosineAnnealingWarmRestarts --lr 0.1 --t0 100 --t-mult 2 --steps 1500 --svg sgdr.svg',
  '  anneal schedule --compare cosine,linear,noam --lr 1e-3 --warmup-steps 100 --total-steps 1000 --d-model 512 --svg compare.svg',
  '  anneal schedule --spec schedule.json --lr 1e-3 --steps 1200 --png schedule.png',
  '  anneal schedule --spec a.json --spec b.json --lr 1e-3 --svg both.svg',
  '  anneal schedule cosine --help      the options of one schedule',
];

const flagLines = (schema: OptionsSchema, skip: readonly string[] = []) =>
  schemaFlags(schema)
    .filter((o) => !o.hidden && !skip.includes(o.attributeName()))
    .map((o) => `      ${o.flags.padEnd(26)} ${o.description}`);

/** `anneal schedule --help`: the command's options, then every schedule with its options. */
export function fullHelp(): string {
  const lines = [
    commandFor([], `${usage}\n       anneal schedule --compare A,B,... --lr X [their options] ...\n       anneal schedule --spec FILE [--spec FILE ...] --lr X [--steps N] ...`)
      .description('Print or draw learning-rate schedules: a step/lr table, JSON, or a chart with one line per schedule.')
      .helpInformation()
      .trimEnd(),
  ];
  const warmupKeys = Object.keys(warmupFields);
  lines.push('', 'Warmup options of the schedules marked [warmup]:');
  lines.push(...flagLines(z.strictObject(warmupFields)));
  lines.push('', "Schedules and their options (kebab-case of the config's camelCase names):");
  for (const entry of scheduleRegistry.values()) {
    if (entry.kind === 'metric') {
      lines.push(`  ${entry.name}: ${entry.description}; training configs only, it has no curve over steps`);
      continue;
    }
    const warms = warmupKeys.every((k) => k in entry.options.shape);
    lines.push(`  ${entry.name}${warms ? ' [warmup]' : ''}: ${entry.description}`);
    lines.push(...flagLines(entry.options, warms ? warmupKeys : []));
  }
  lines.push(...examples);
  return `${lines.join('\n')}\n`;
}

/** The help a command line asks for (`--help`, or `NAME --help` for one schedule's options), if it does. */
export function scheduleHelp(args: readonly string[]): string | undefined {
  const end = args.indexOf('--');
  const head = end < 0 ? args : args.slice(0, end);
  if (!head.includes('--help') && !head.includes('-h')) return undefined;
  const rest = head.filter((a) => a !== '--help' && a !== '-h');
  let names: string[] = [];
  try {
    const parser = commandFor(stepEntries, usage);
    const { operands } = parser.parseOptions(booleanAssignments(rest, []));
    const compare = parser.opts().compare as string[] | undefined;
    names = compare ? compare : operands.slice(0, 1);
  } catch {
    return fullHelp();
  }
  const entries = names.map((n) => scheduleRegistry.get(n)).filter((e): e is StepScheduleEntry => e?.kind === 'step');
  if (!entries.length || entries.length !== names.length) return fullHelp();
  const command = commandFor(entries, entries.length === 1 ? `${entries[0]!.name} --lr X [--steps N] [options]` : `--compare ${names.join(',')} --lr X [options]`);
  const description = entries.map((e) => `${e.name}: ${e.description}`).join('\n');
  return `${command.description(description).helpInformation().trimEnd()}\n${examples.join('\n')}\n`;
}

/** Registers `anneal schedule`. */
export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('print or draw learning-rate schedules, one or several on one chart')
    .argument('[NAME]', `schedule name: ${scheduleNames.join(', ')}`)
    // the flags depend on the schedule named, so the command parses its own arguments (resolveScheduleArgs)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .configureHelp({ formatHelp: () => fullHelp() })
    .action(async (_name: unknown, _options: unknown, command: Command) => {
      const help = scheduleHelp(command.args);
      if (help !== undefined) {
        process.stdout.write(help);
        return;
      }
      const run = resolveScheduleArgs(command.args);
      const { json, svg: svgFile, png: pngFile } = run.options;
      if (json) {
        const out = run.series.length === 1 ? { lr: run.lr } : { series: run.series.map((s) => ({ name: s.label, lr: s.lr })) };
        process.stdout.write(`${JSON.stringify(out)}\n`);
      } else if (svgFile === undefined && pngFile === undefined) process.stdout.write(table(run));
      if (svgFile === undefined && pngFile === undefined) return;
      // loaded only to draw: vega is the heaviest import of the CLI
      const { lineChart, svgToPng } = await import('../plot/index.js');
      const svg = await lineChart(scheduleChart(run));
      if (svgFile !== undefined) writeFileSync(svgFile, svg);
      if (pngFile !== undefined) writeFileSync(pngFile, svgToPng(svg));
    });
}
