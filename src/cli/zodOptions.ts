/**
 * Command-line options made from the zod schema of an option object: `--kebab-case` of each camelCase
 * field, its description as the help line, its default and choices shown, and the text converted to
 * the field's type (the schema itself then checks the value and names the field in its errors).
 */
import { Option } from 'commander';
import { z } from 'zod';
import { describeOptions, type OptionInfo, type OptionsSchema } from '../options.js';
import { UsageError } from './usage.js';

/** `numCycles` -> `num-cycles`, `t0` -> `t0`. */
export const kebab = (camel: string): string => camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `--num-cycles` for the field `numCycles`. */
export const flagOf = (field: string): string => `--${kebab(field)}`;

export interface FlagOptions {
  /** Fields whose flag may be repeated (each occurrence adds one value) rather than given once. */
  repeatable?: readonly string[];
  /** The heading the flags are listed under in help (default: commander's "Options:"). */
  group?: string;
}

function metavar(info: OptionInfo, field: z.ZodType): string {
  const given = (field.meta() as { metavar?: unknown } | undefined)?.metavar;
  if (typeof given === 'string') return given;
  switch (info.type) {
    case 'integer':
      return 'N';
    case 'number':
      return 'X';
    case 'choice':
      return info.choices!.join('|');
    case 'number[]':
    case 'integer[]':
    case 'number|number[]':
      return 'N,N,...';
    case 'string[]':
      return 'A,B,...';
    default:
      return 'VALUE';
  }
}

function formatDefault(value: unknown): string {
  if (typeof value === 'number' && !Number.isInteger(value)) return String(Number(value.toPrecision(6)));
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** The help line of a field: its description, and its default when the schema declares one. */
export function helpLine(info: OptionInfo): string {
  if (info.required) return `${info.description} (required)`;
  return info.default === undefined || info.type === 'boolean' ? info.description : `${info.description} (default ${formatDefault(info.default)})`;
}

function parseNumber(flag: string, text: string, integer: boolean): number {
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new UsageError(`${flag} expects ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(text)}`);
  return n;
}

/** The command-line text of a field converted to its type; lists are comma-separated. */
function convert(info: OptionInfo, flag: string, text: string): unknown {
  const list = () => text.split(',').map((part) => part.trim());
  switch (info.type) {
    case 'integer':
      return parseNumber(flag, text, true);
    case 'number':
      return parseNumber(flag, text, false);
    case 'number[]':
    case 'number|number[]':
      return list().map((part) => parseNumber(flag, part, false));
    case 'integer[]':
      return list().map((part) => parseNumber(flag, part, true));
    case 'string[]':
      return list();
    default:
      return text;
  }
}

/**
 * One commander Option per field (a boolean gets `--x` and `--no-x`, the one that changes its default
 * shown in help). A flag given twice is a usage error unless it is repeatable.
 */
export function schemaFlags(schema: OptionsSchema, options: FlagOptions = {}): Option[] {
  const shape = schema.shape as Record<string, z.ZodType>;
  return describeOptions(schema).flatMap((info) => {
    const flag = flagOf(info.name);
    if (info.type === 'boolean') {
      const on = new Option(flag, info.description);
      const off = new Option(`--no-${kebab(info.name)}`, `${info.description}: on by default, this turns it off`);
      const flags = info.default === true ? [on.hideHelp(), off] : [on, off.hideHelp()];
      return options.group ? flags.map((f) => f.helpGroup(options.group!)) : flags;
    }
    const repeatable = options.repeatable?.includes(info.name) ?? false;
    const option = new Option(`${flag} <${metavar(info, shape[info.name]!)}>`, helpLine(info));
    option.argParser((text: string, previous: unknown) => {
      if (repeatable) return [...((previous as unknown[] | undefined) ?? []), text];
      if (previous !== undefined) throw new UsageError(`${flag} is given twice`);
      return convert(info, flag, text);
    });
    return [options.group ? option.helpGroup(options.group) : option];
  });
}

/**
 * `--x=true` and `--x=false` of a boolean field as commander reads booleans (`--x`, `--no-x`); any
 * other value is a usage error. Arguments after `--` are left alone.
 */
export function booleanAssignments(args: readonly string[], schemas: readonly OptionsSchema[]): string[] {
  const booleans = new Set(schemas.flatMap((s) => describeOptions(s).filter((i) => i.type === 'boolean').map((i) => kebab(i.name))));
  const end = args.indexOf('--');
  return args.map((arg, i) => {
    const m = /^--([^=]+)=(.*)$/s.exec(arg);
    if ((end >= 0 && i > end) || !m || !booleans.has(m[1]!)) return arg;
    if (m[2] === 'true') return `--${m[1]}`;
    if (m[2] === 'false') return `--no-${m[1]}`;
    throw new UsageError(`--${m[1]} expects true or false, got ${JSON.stringify(m[2])}`);
  });
}
