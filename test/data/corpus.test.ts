import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/index.js';

test('the shipped example corpora are exactly what scripts/make_tiny_corpus.mjs generates', () => {
  const out = mkdtempSync(join(tmpdir(), 'anneal-corpus-'));
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'make_tiny_corpus.mjs'), '--out', out]);
  for (const name of ['tiny-stories.txt', 'pig-latin.tsv']) {
    assert.ok(readFileSync(join(out, name)).equals(readFileSync(join(repoRoot, 'examples', 'data', name))), `${name} differs from the generator's output`);
  }
});
