import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as anneal from 'anneal';
test('self reference', () => { assert.equal(anneal.version, '0.1.0'); });
