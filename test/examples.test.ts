/** Every example config is a valid training config as written (a file the README points to must not fail at load). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { train } from 'anneal';
import { repoRoot } from './helpers/index.js';

const dir = join(repoRoot, 'examples');
const configs = readdirSync(dir).filter((f) => f.endsWith('.json'));

test('the examples folder has configs', () => {
  assert.ok(configs.includes('numbers.json'));
});

for (const file of configs) {
  test(`examples/${file} parses as a training config`, () => {
    assert.doesNotThrow(() => train.parseTrainConfig(JSON.parse(readFileSync(join(dir, file), 'utf8'))));
  });
}
