import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, InputError, ConfigError } from 'anneal';
import { repoRoot } from '../helpers/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'anneal-tsv-'));
let fileNo = 0;
function tsv(content: string | Buffer): string {
  const path = join(tmp, `f${fileNo++}.tsv`);
  writeFileSync(path, content);
  return path;
}

function assertBadLine(content: string | Buffer, line: number, why: RegExp): void {
  const path = tsv(content);
  assert.throws(
    () => data.readTsv(path),
    (e: unknown) => e instanceof InputError && e.message.startsWith(`${path}:${line}: `) && why.test(e.message),
  );
}

test('readTsv returns source, target and the 1-based line of each pair', () => {
  const path = tsv('hello\tbonjour\ncat\tchat\n');
  assert.deepEqual(data.readTsv(path), [
    { source: 'hello', target: 'bonjour', line: 1 },
    { source: 'cat', target: 'chat', line: 2 },
  ]);
});

test('readTsv tolerates CRLF, a byte-order mark and blank lines at the end', () => {
  const path = tsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a b\tc d\r\nx\ty\r\n\r\n\n')]));
  assert.deepEqual(data.readTsv(path).map((p) => [p.source, p.target]), [['a b', 'c d'], ['x', 'y']]);
});

test('a line without a tab is named by file and line', () => {
  assertBadLine('a\tb\nc\td\nno tab here\n', 3, /no tab between source and target/);
});

test('a line with more than one tab is named by file and line', () => {
  assertBadLine('a\tb\tc\n', 1, /2 tabs; expected exactly one/);
});

test('an empty source or target is named by file and line', () => {
  assertBadLine('a\tb\n\tb\n', 2, /empty source/);
  assertBadLine('a\tb\nc\td\ne\t  \n', 3, /empty target/);
});

test('a blank line before the end is named by file and line', () => {
  assertBadLine('a\tb\n\nc\td\n', 2, /blank line/);
});

test('invalid UTF-8 is named by file and line', () => {
  assertBadLine(Buffer.concat([Buffer.from('a\tb\nc\td\ne\t'), Buffer.from([0xff]), Buffer.from('f\n')]), 3, /invalid UTF-8/);
});

test('a file with no pairs, or missing, is an InputError naming it', () => {
  const empty = tsv('\n\n');
  assert.throws(() => data.readTsv(empty), (e: unknown) => e instanceof InputError && e.message.includes(empty) && /no source<TAB>target lines/.test(e.message));
  const missing = join(tmp, 'missing.tsv');
  assert.throws(() => data.readTsv(missing), (e: unknown) => e instanceof InputError && e.message.includes(missing));
});

test('splitExamples is seeded, disjoint, covers everything and keeps file order', () => {
  const items = Array.from({ length: 100 }, (_, i) => i);
  const a = data.splitExamples(items, { validFraction: 0.1, testFraction: 0.2, seed: 5 });
  const b = data.splitExamples(items, { validFraction: 0.1, testFraction: 0.2, seed: 5 });
  const c = data.splitExamples(items, { validFraction: 0.1, testFraction: 0.2, seed: 6 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.valid, c.valid);
  assert.deepEqual([a.valid.length, a.test.length, a.train.length], [10, 20, 70]);
  assert.deepEqual([...a.train, ...a.valid, ...a.test].sort((x, y) => x - y), items);
  for (const part of [a.train, a.valid, a.test]) assert.deepEqual(part, [...part].sort((x, y) => x - y));
});

test('a split that leaves no training examples names data.validFraction', () => {
  assert.throws(() => data.splitExamples([1, 2], { validFraction: 0.5, testFraction: 0.5, seed: 0 }), (e: unknown) => e instanceof ConfigError && e.field === 'data.validFraction');
});

test('the shipped pig-latin example reads cleanly, with widely varying lengths', () => {
  const pairs = data.readTsv(join(repoRoot, 'examples', 'data', 'pig-latin.tsv'));
  assert.ok(pairs.length >= 1000);
  const lengths = pairs.map((p) => p.source.length).sort((x, y) => x - y);
  assert.ok(lengths.at(-1)! > 8 * lengths[0]!, `lengths ${lengths[0]}..${lengths.at(-1)}`);
});
