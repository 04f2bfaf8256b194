/** Turns zod validation issues into a ConfigError that names the field and lists what is allowed. */
import { z } from 'zod';
import { ConfigError } from '../errors.js';

function fieldName(path: readonly PropertyKey[], prefix: string): string {
  const parts = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  const joined = `${prefix}${parts}`.replace(/^\./, '');
  return joined || '(config)';
}

/** The object schema at `path` inside `schema`, looking through defaults, optionals and the like. */
function objectAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodObject | null {
  let cur: z.ZodType | undefined = schema;
  const unwrap = (s: z.ZodType): z.ZodType => {
    let x = s as z.ZodType & { unwrap?: () => z.ZodType; def: { innerType?: z.ZodType; type: string } };
    for (let i = 0; i < 10 && x; i++) {
      if (x instanceof z.ZodObject) return x;
      const inner = x.def.innerType ?? (typeof x.unwrap === 'function' ? x.unwrap() : undefined);
      if (!inner) return x;
      x = inner as typeof x;
    }
    return x;
  };
  for (const key of path) {
    if (!cur) return null;
    const obj = unwrap(cur);
    if (!(obj instanceof z.ZodObject)) return null;
    cur = (obj.shape as Record<string, z.ZodType>)[String(key)];
  }
  if (!cur) return null;
  const last = unwrap(cur);
  return last instanceof z.ZodObject ? last : null;
}

/** Parses `input` with `schema`, throwing a ConfigError for the first issue. */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const obj = objectAt(schema, issue.path);
    const allowed = obj ? Object.keys(obj.shape) : [];
    const where = issue.path.length ? fieldName(issue.path, prefix) : prefix.replace(/\.$/, '') || '(config)';
    const keys = issue.keys.map((k) => `'${k}'`).join(', ');
    throw new ConfigError(`${where === '(config)' ? '' : where + '.'}${issue.keys[0]}`, `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys} in ${where}`, allowed);
  }
  if (issue.code === 'invalid_value') {
    throw new ConfigError(fieldName(issue.path, prefix), `got ${JSON.stringify(valueAt(input, issue.path))}`, issue.values.map(String));
  }
  throw new ConfigError(fieldName(issue.path, prefix), issue.message.replace(/^Invalid input: /, ''));
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input as Record<PropertyKey, unknown> | undefined;
  for (const k of path) cur = cur?.[k] as Record<PropertyKey, unknown> | undefined;
  return cur;
}
