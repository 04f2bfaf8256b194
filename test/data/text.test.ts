import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, InputError, ConfigError } from 'anneal';
import { repoRoot } from '../helpers/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'anneal-text-'));
const stream = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

test('readTextFile reads UTF-8 text and drops a leading byte-order mark', () => {
  const path = join(tmp, 'ok.txt');
  writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Grüße 😀\nline two\n')]));
  assert.equal(data.readTextFile(path), 'Grüße 😀\nline two\n');
});

test('readTextFile names the file, line and byte offset of invalid UTF-8', () => {
  const path = join(tmp, 'bad.txt');
  writeFileSync(path, Buffer.concat([Buffer.from('one\ntwo\nab'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
  assert.throws(
    () => data.readTextFile(path),
    (e: unknown) => e instanceof InputError && e.message.startsWith(`${path}:3: invalid UTF-8 at byte offset 10`) && /byte 3 of the line/.test(e.message),
  );
});

test('readTextFile names a missing file', () => {
  const path = join(tmp, 'missing.txt');
  assert.throws(() => data.readTextFile(path), (e: unknown) => e instanceof InputError && e.message.includes(path) && /does not exist/.test(e.message));
});

test('firstInvalidUtf8 rejects overlongs, surrogates, code points above U+10FFFF and truncation, like the WHATWG decoder', () => {
  const cases: [number[], number][] = [
    [[0x41, 0x42], -1],
    [[0xf0, 0x9f, 0x98, 0x80], -1],
    [[0xc0, 0xaf], 0],
    [[0xe0, 0x80, 0xaf], 0],
    [[0x41, 0xed, 0xa0, 0x80], 1],
    [[0xf4, 0x90, 0x80, 0x80], 0],
    [[0x41, 0xe2, 0x82], 1],
    [[0x80], 0],
    [[0xf5, 0x80, 0x80, 0x80], 0],
  ];
  for (const [bytes, at] of cases) assert.equal(data.firstInvalidUtf8(Uint8Array.from(bytes)), at, `bytes ${bytes.map((b) => b.toString(16))}`);
  const fatal = new TextDecoder('utf-8', { fatal: true });
  let s = 12345;
  for (let trial = 0; trial < 2000; trial++) {
    const bytes = new Uint8Array(6);
    for (let i = 0; i < 6; i++) { s = (Math.imul(s, 1103515245) + 12345) >>> 0; bytes[i] = s >>> 24; }
    let valid = true;
    try { fatal.decode(bytes); } catch { valid = false; }
    assert.equal(data.firstInvalidUtf8(bytes) < 0, valid, `bytes ${[...bytes].map((b) => b.toString(16))}`);
  }
});

test('LM windows are contextLength + 1 tokens, target = input shifted by one, consecutive windows sharing one token', () => {
  const split = data.lmWindows(stream(100), { contextLength: 8, validFraction: 0, seed: 0 });
  const starts = [...split.train.starts];
  assert.deepEqual(starts.slice(0, 3), [0, 8, 16]);
  assert.equal(starts.length, Math.floor(99 / 8));
  const b = data.collateLM(split.train, [1]);
  assert.deepEqual(b.input.toArray(), [[8, 9, 10, 11, 12, 13, 14, 15]]);
  assert.deepEqual(b.target.toArray(), [[9, 10, 11, 12, 13, 14, 15, 16]]);
});

test('the validation span is contiguous, a whole number of windows, and disjoint from every training window', () => {
  for (let seed = 0; seed < 30; seed++) {
    const N = 1000 + seed * 7, T = 16;
    const split = data.lmWindows(stream(N), { contextLength: T, validFraction: 0.1, seed });
    const [vs, ve] = split.validSpan;
    const windows = Math.floor((N - 1) / T);
    assert.equal(split.valid.starts.length, Math.round(0.1 * windows));
    assert.equal(ve - vs, split.valid.starts.length * T + 1);
    [...split.valid.starts].forEach((s, i) => assert.equal(s, vs + i * T));
    for (const s of split.train.starts) {
      assert.ok(s + T < vs || s >= ve, `seed ${seed}: training window [${s}, ${s + T}] overlaps validation [${vs}, ${ve})`);
      assert.ok(s + T < N);
    }
    // At most one window's worth of tokens is unused on each side of the span.
    assert.ok(split.train.starts.length >= windows - split.valid.starts.length - 2);
  }
});

test('the validation span moves with the seed and is a function of it', () => {
  const a = data.lmWindows(stream(5000), { contextLength: 32, validFraction: 0.1, seed: 1 });
  const b = data.lmWindows(stream(5000), { contextLength: 32, validFraction: 0.1, seed: 1 });
  const c = data.lmWindows(stream(5000), { contextLength: 32, validFraction: 0.1, seed: 2 });
  assert.deepEqual(a.validSpan, b.validSpan);
  assert.notDeepEqual(a.validSpan, c.validSpan);
});

test('the smallest text that fits gets one training and one validation window', () => {
  const T = 10;
  for (let seed = 0; seed < 20; seed++) {
    const split = data.lmWindows(stream(2 * (T + 1)), { contextLength: T, validFraction: 0.01, seed });
    assert.equal(split.valid.starts.length, 1);
    assert.equal(split.train.starts.length, 1);
  }
});

test('a text too short for one training and one validation window names data.contextLength and what fits', () => {
  assert.throws(
    () => data.lmWindows(stream(40), { contextLength: 20, validFraction: 0.1, seed: 0 }),
    (e: unknown) => e instanceof ConfigError && e.field === 'data.contextLength' && /40 tokens/.test(e.message) && /data\.contextLength <= 19 would fit/.test(e.message),
  );
});

test('a validFraction that leaves no training window names data.validFraction', () => {
  assert.throws(
    () => data.lmWindows(stream(100), { contextLength: 10, validFraction: 0.95, seed: 0 }),
    (e: unknown) => e instanceof ConfigError && e.field === 'data.validFraction' && /would fit/.test(e.message),
  );
  assert.throws(() => data.lmWindows(stream(100), { contextLength: 10, validFraction: 1, seed: 0 }), (e: unknown) => e instanceof ConfigError && e.field === 'data.validFraction');
});

test('the shipped tiny-stories corpus is UTF-8 and splits into char-level windows', () => {
  const text = data.readTextFile(join(repoRoot, 'examples', 'data', 'tiny-stories.txt'));
  const tok = data.charTokenizer(text);
  assert.ok(tok.vocabSize < 100, `vocabulary of ${tok.vocabSize} characters`);
  const split = data.lmWindows(tok.encode(text), { contextLength: 128, validFraction: 0.1, seed: 0 });
  assert.ok(split.train.starts.length > 1000 && split.valid.starts.length > 100);
});
