/** JSON that keeps every double exactly, including the ones JSON has no literal for (NaN, +-Infinity). */

const FLOAT = '$float';

/** JSON.stringify, with NaN and the infinities written as {"$float": "NaN"} etc. instead of null. */
export function stringifyExact(value: unknown, space?: number): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? { [FLOAT]: String(v) } : v), space);
}

/** JSON.parse that turns stringifyExact's markers back into numbers. */
export function parseExact(text: string): unknown {
  return JSON.parse(text, (_k, v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v[FLOAT] === 'string' ? Number(v[FLOAT]) : v));
}
