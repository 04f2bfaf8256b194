/**
 * `--set path=value` overrides: a dotted path into the config and a value parsed as JSON, or taken
 * as a string when it is not JSON (`--set data.path=notes.txt`). The same paths name the axes of a
 * sweep, so they live here rather than in the CLI.
 */
import { ConfigError } from '../errors.js';

export interface Override {
  path: string[];
  value: unknown;
}

/** Parses `a.b.c=value`. */
export function parseOverride(text: string): Override {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError('--set', `expected path=value (for example training.maxSteps=80), got '${text}'`);
  const path = text.slice(0, eq).split('.');
  if (path.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')) {
    throw new ConfigError('--set', `'${text.slice(0, eq)}' is not a dotted config path like optimizer.lr`);
  }
  return { path, value: parseValue(text.slice(eq + 1)) };
}

/** JSON when it parses (numbers, true/false/null, arrays, objects), else the text itself. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A copy of `config` with each override applied in order; missing objects on the way are created. */
export function applyOverrides(config: Record<string, unknown>, overrides: readonly Override[]): Record<string, unknown> {
  const out = structuredClone(config);
  for (const { path, value } of overrides) {
    let cur: Record<string, unknown> = out;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i]!;
      const next = cur[key];
      if (next === undefined || next === null) cur[key] = {};
      else if (typeof next !== 'object' || Array.isArray(next)) {
        throw new ConfigError(path.slice(0, i + 1).join('.'), `is ${JSON.stringify(next)}, not an object, so --set ${path.join('.')} cannot go inside it`);
      }
      cur = cur[key] as Record<string, unknown>;
    }
    cur[path[path.length - 1]!] = value;
  }
  return out;
}
