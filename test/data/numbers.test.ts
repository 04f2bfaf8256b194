import { test } from 'node:test';
import assert from 'node:assert/strict';
import { data, Generator } from 'anneal';

test('the target is one word per digit, covering all ten digits', () => {
  assert.equal(data.numberToWords('4096'), 'four zero nine six');
  assert.equal(data.numberToWords('1234567890'), 'one two three four five six seven eight nine zero');
});

test('vocabularies put <pad>, <sos>, <eos> first', () => {
  const v = data.targetVocab();
  assert.deepEqual(v.tokens.slice(0, 3), ['<pad>', '<sos>', '<eos>']);
  assert.equal(v.size, 13);
  assert.deepEqual(v.decode([1, v.id('four'), v.id('two'), 2, v.id('nine')]), ['four', 'two']);
});

test('validation, test and training numbers never overlap', () => {
  const d = new data.NumbersToWords({ seed: 3, validSize: 500, testSize: 500, maxDigits: 4 });
  const test_ = new Set(d.test);
  const valid = new Set(d.valid);
  assert.equal(test_.size, 500);
  assert.equal(valid.size, 500);
  for (const n of valid) assert.ok(!test_.has(n));
  const g = new Generator(9);
  for (const n of d.sampleTrain(5000, g)) assert.ok(!test_.has(n) && !valid.has(n), `training drew held-out ${n}`);
});

test('the splits are a function of the data seed', () => {
  const a = new data.NumbersToWords({ seed: 1 });
  const b = new data.NumbersToWords({ seed: 1 });
  const c = new data.NumbersToWords({ seed: 2 });
  assert.deepEqual(a.test, b.test);
  assert.notDeepEqual(a.test, c.test);
});

test('held-out sets take at most half of the numbers of each length, so every length is also trained on', () => {
  const d = new data.NumbersToWords({ seed: 0 });
  const held = [...d.test, ...d.valid];
  for (let k = 1; k <= 6; k++) {
    const count = held.filter((n) => n.length === k).length;
    assert.ok(count <= Math.floor(d.countNumbers(k) / 2), `${count} held-out numbers of ${k} digits`);
  }
  const lengths = new Set(d.sampleTrain(3000, new Generator(1)).map((n) => n.length));
  assert.deepEqual([...lengths].sort(), [1, 2, 3, 4, 5, 6]);
});

test('numbers have no leading zero and lengths within the configured range', () => {
  const d = new data.NumbersToWords({ minDigits: 2, maxDigits: 3, validSize: 10, testSize: 10 });
  for (const n of d.sampleTrain(2000, new Generator(2))) {
    assert.ok(n.length >= 2 && n.length <= 3);
    assert.notEqual(n[0], '0');
  }
});

test('batches pad sources and wrap targets in <sos> ... <eos>', () => {
  const d = new data.NumbersToWords({ maxDigits: 3, validSize: 10, testSize: 10 });
  const b = d.batch(['42', '907']);
  const src = d.srcVocab, tgt = d.tgtVocab;
  assert.deepEqual(b.src.toArray(), [[src.id('4'), src.id('2'), src.padId], [src.id('9'), src.id('0'), src.id('7')]]);
  assert.deepEqual(b.tgt.toArray(), [
    [tgt.sosId, tgt.id('four'), tgt.id('two'), tgt.eosId, tgt.padId],
    [tgt.sosId, tgt.id('nine'), tgt.id('zero'), tgt.id('seven'), tgt.eosId],
  ]);
  assert.equal(b.numTargetTokens, 3 + 4);
});

test('a held-out request larger than the numbers available is an error', () => {
  assert.throws(() => new data.NumbersToWords({ maxDigits: 2, validSize: 40, testSize: 40 }), /do not fit the 100 numbers/);
});

test('non-digit input is an InputError', () => {
  const d = new data.NumbersToWords({ maxDigits: 3, validSize: 10, testSize: 10 });
  assert.throws(() => d.encodeSource('4a'), /'4a' is not a number/);
});
