/** Shared test helpers: repository paths, fixtures, and numeric comparisons with clear messages. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('package.json not found above the test helpers');
    dir = up;
  }
  return dir;
}

/** The repository root (tests run compiled from build/, fixtures stay in test/fixtures). */
export const repoRoot = findRoot();

export function fixturePath(relative: string): string {
  return join(repoRoot, 'test', 'fixtures', relative);
}

export function readFixture<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(fixturePath(relative), 'utf8')) as T;
}

export interface Tolerance {
  rtol?: number;
  atol?: number;
}

function flatten(x: unknown, out: number[] = []): number[] {
  if (typeof x === 'number') out.push(x);
  else if (typeof x === 'boolean') out.push(x ? 1 : 0);
  else if (ArrayBuffer.isView(x)) out.push(...Array.from(x as Float32Array));
  else if (Array.isArray(x)) for (const v of x) flatten(v, out);
  else throw new TypeError(`cannot compare ${typeof x}`);
  return out;
}

/**
 * Asserts |actual - expected| <= atol + rtol * |expected| elementwise (numpy.allclose), reporting
 * the worst element. NaN matches NaN; infinities must match exactly.
 */
export function assertClose(actual: unknown, expected: unknown, tol: Tolerance = {}, message = ''): void {
  const a = flatten(actual);
  const e = flatten(expected);
  const rtol = tol.rtol ?? 1e-5;
  const atol = tol.atol ?? 1e-6;
  assert.equal(a.length, e.length, `${message} length ${a.length} != expected ${e.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = e[i]!;
    if (Number.isNaN(y) && Number.isNaN(x)) continue;
    if (!Number.isFinite(y) || !Number.isFinite(x)) {
      if (x !== y) { worst = i; worstExcess = Infinity; break; }
      continue;
    }
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (excess > worstExcess || Number.isNaN(excess)) { worst = i; worstExcess = Number.isNaN(excess) ? Infinity : excess; }
  }
  if (worst >= 0) {
    assert.fail(`${message} element ${worst}: got ${a[worst]}, expected ${e[worst]} (rtol ${rtol}, atol ${atol}; ${a.length} elements)`);
  }
}
