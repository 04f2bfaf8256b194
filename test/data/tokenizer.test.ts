import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from '../helpers/fc.js';
import { data, InputError, ConfigError } from 'anneal';
import { fixturePath, readFixture } from '../helpers/index.js';

const MULTILINGUAL = 'Hello, world! Grüße aus Zürich. 日本語のテキスト. Ελληνικά. עברית. 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎 😀🦊 👨‍👩‍👧 e\u0301\n\ttab';
const TINY_BPE = fixturePath('data/tiny-bpe/tokenizer.json');

interface Reference {
  vocabSize: number;
  texts: { text: string; ids: number[]; tokens: string[]; idsWithSpecials: number[]; decoded: string }[];
}

const tmp = mkdtempSync(join(tmpdir(), 'anneal-tokenizer-'));

test('char tokenizer round-trips multilingual text, astral code points and emoji', () => {
  const t = data.charTokenizer(MULTILINGUAL);
  assert.equal(t.decode(t.encode(MULTILINGUAL)), MULTILINGUAL);
});

test('char tokenizer gives one id per code point, not per UTF-16 unit', () => {
  const t = data.charTokenizer('a😀𠜎');
  assert.equal(t.encode('😀').length, 1);
  assert.equal(t.encode('a😀𠜎a').length, 4);
  assert.equal(t.vocabSize, 4 + 3);
});

test('char vocabulary is specials first, then the distinct code points in code point order', () => {
  const t = data.charTokenizer('ba\uFFFDb😀a');
  // U+FFFD sorts before U+1F600 by code point, though its UTF-16 unit 0xFFFD sorts after 0xD83D.
  assert.deepEqual(t.toJSON(), { kind: 'char', chars: ['a', 'b', '\uFFFD', '😀'] });
  assert.deepEqual([t.padId, t.bosId, t.eosId, t.unkId], [0, 1, 2, 3]);
  assert.deepEqual(t.encode('ab😀'), [4, 5, 7]);
});

test('char tokenizer maps characters unseen in training to <unk>, which decodes to U+FFFD', () => {
  const t = data.charTokenizer('abc');
  assert.deepEqual(t.encode('axc'), [4, t.unkId, 6]);
  assert.equal(t.decode(t.encode('axc')), 'a\uFFFDc');
});

test('char tokenizer decode skips pad, bos and eos', () => {
  const t = data.charTokenizer('ab');
  assert.equal(t.decode([t.bosId, 4, t.padId, 5, t.eosId, t.padId]), 'ab');
});

test('decode rejects ids outside the vocabulary', () => {
  assert.throws(() => data.charTokenizer('ab').decode([6]), InputError);
  assert.throws(() => data.byteTokenizer().decode([259]), InputError);
  assert.throws(() => data.byteTokenizer().decode([-1]), InputError);
});

test('char tokenizer round-trips any string of its training characters (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
      const t = data.charTokenizer(s);
      assert.equal(t.decode(t.encode(s)), s);
    }),
    { numRuns: 200, seed: 1 },
  );
});

test('byte tokenizer round-trips arbitrary well-formed text through UTF-8', () => {
  const t = data.byteTokenizer();
  assert.equal(t.decode(t.encode(MULTILINGUAL)), MULTILINGUAL);
  assert.deepEqual(t.encode('é'), [0xc3 + 3, 0xa9 + 3]);
  assert.equal(t.vocabSize, 259);
  assert.equal(t.unkId, null);
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => assert.equal(t.decode(t.encode(s)), s)),
    { numRuns: 200, seed: 2 },
  );
});

test('byte tokenizer decodes ill-formed byte sequences as TextDecoder does (U+FFFD per maximal subpart)', () => {
  const t = data.byteTokenizer();
  const ids = (bytes: number[]): number[] => bytes.map((b) => b + 3);
  assert.equal(t.decode(ids([0x61, 0xff, 0x62])), 'a\uFFFDb');
  assert.equal(t.decode(ids([0xe6, 0x97])), '\uFFFD'); // truncated 3-byte sequence
  assert.equal(t.decode(ids([0xed, 0xa0, 0x80])), '\uFFFD\uFFFD\uFFFD'); // encoded surrogate
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      assert.equal(t.decode(ids([...bytes])), decoder.decode(bytes));
    }),
    { numRuns: 300, seed: 3 },
  );
});

test('byte tokenizer re-encodes well-formed byte sequences to the same ids', () => {
  const t = data.byteTokenizer();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      const ids = [...bytes].map((b) => b + 3);
      const text = t.decode(ids);
      if (!text.includes('\uFFFD')) assert.deepEqual(t.encode(text), ids);
    }),
    { numRuns: 300, seed: 4 },
  );
});

test('byte tokenizer encodes a lone surrogate as U+FFFD, as TextEncoder does', () => {
  const t = data.byteTokenizer();
  assert.deepEqual(t.encode('\uD800'), [0xef + 3, 0xbf + 3, 0xbd + 3]);
});

test('Hugging Face tokenizer gives the ids and decodings of the Rust tokenizers library', () => {
  const ref = readFixture<Reference>('data/tiny-bpe/reference.json');
  const t = data.loadTokenizer(TINY_BPE);
  assert.equal(t.vocabSize, ref.vocabSize);
  for (const r of ref.texts) {
    assert.deepEqual(t.encode(r.text), r.ids, `ids of ${JSON.stringify(r.text)}`);
    assert.equal(t.decode(r.ids), r.decoded, `decoding of ${JSON.stringify(r.text)}`);
  }
});

test('Hugging Face tokenizer takes bos and eos from the post-processor and pad from the added tokens', () => {
  const ref = readFixture<Reference>('data/tiny-bpe/reference.json');
  const t = data.loadTokenizer(TINY_BPE);
  assert.deepEqual([t.padId, t.bosId, t.eosId, t.unkId], [0, 1, 2, null]);
  const r = ref.texts[0]!;
  assert.deepEqual([t.bosId, ...t.encode(r.text), t.eosId], r.idsWithSpecials);
});

test('Hugging Face tokenizer loads from the directory holding tokenizer.json', () => {
  const t = data.loadTokenizer(fixturePath('data/tiny-bpe'));
  assert.equal(t.vocabSize, data.loadTokenizer(TINY_BPE).vocabSize);
});

function tinyBpeJson(): Record<string, unknown> {
  return JSON.parse(readFileSync(TINY_BPE, 'utf8')) as Record<string, unknown>;
}

test('Hugging Face tokenizer without special tokens gets pad, bos and eos appended after its vocabulary', () => {
  const json = tinyBpeJson();
  const n = (json.model as { vocab: Record<string, number> }).vocab;
  const size = Math.max(...Object.values(n)) + 1;
  json.added_tokens = [];
  json.post_processor = null;
  const t = data.huggingFaceTokenizer(json);
  assert.deepEqual([t.bosId, t.eosId, t.padId], [size, size + 1, size + 2]);
  assert.equal(t.vocabSize, size + 3);
  const ids = t.encode('the fox');
  assert.equal(t.decode([t.bosId, ...ids, t.eosId, t.padId]), 'the fox');
});

test('Hugging Face tokenizer shares GPT-2 style <|endoftext|> as bos and eos, and adds a distinct pad', () => {
  const json = tinyBpeJson();
  const vocab = (json.model as { vocab: Record<string, number> }).vocab;
  vocab['<|endoftext|>'] = 0;
  delete vocab['<pad>'];
  delete vocab['<s>'];
  delete vocab['</s>'];
  json.added_tokens = [{ id: 0, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }];
  json.post_processor = null;
  const t = data.huggingFaceTokenizer(json);
  assert.equal(t.bosId, 0);
  assert.equal(t.eosId, 0);
  assert.notEqual(t.padId, t.eosId);
  assert.equal(t.padId, t.vocabSize - 1);
});

test('tokenizer_config.json beside tokenizer.json names the special tokens', () => {
  const dir = join(tmp, 'with-config');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), readFileSync(TINY_BPE));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '</s>', eos_token: { content: '<s>' }, pad_token: '<pad>' }));
  const t = data.loadTokenizer(dir);
  assert.deepEqual([t.padId, t.bosId, t.eosId], [0, 2, 1]);
});

test('toJSON / tokenizerFromJSON rebuild an identical tokenizer of every kind', () => {
  const text = 'The fox 😀 ran: Grüße!';
  for (const t of [data.charTokenizer(MULTILINGUAL), data.byteTokenizer(), data.loadTokenizer(TINY_BPE)]) {
    const json = JSON.parse(JSON.stringify(t.toJSON())) as data.TokenizerJSON;
    const u = data.tokenizerFromJSON(json);
    assert.equal(u.kind, t.kind);
    assert.deepEqual([u.vocabSize, u.padId, u.bosId, u.eosId, u.unkId], [t.vocabSize, t.padId, t.bosId, t.eosId, t.unkId]);
    assert.deepEqual(u.encode(text), t.encode(text));
    assert.equal(u.decode(t.encode(text)), t.decode(t.encode(text)));
    assert.deepEqual(u.toJSON(), json);
  }
});

test('a foreign or hand-edited tokenizer JSON is an InputError naming its source', () => {
  assert.throws(() => data.tokenizerFromJSON({ kind: 'word' }, 'model/tokenizer.json'), (e: unknown) => e instanceof InputError && /model\/tokenizer\.json/.test(e.message) && /char, byte, huggingface/.test(e.message));
  assert.throws(() => data.tokenizerFromJSON({ kind: 'char', chars: ['b', 'a'] }, 'm.json'), (e: unknown) => e instanceof InputError && /m\.json/.test(e.message));
  assert.throws(() => data.tokenizerFromJSON({ kind: 'char', chars: ['ab'] }, 'm.json'), /not one code point/);
});

test('a missing tokenizer.json is an InputError naming the path', () => {
  const path = join(tmp, 'nope', 'tokenizer.json');
  assert.throws(() => data.loadTokenizer(path), (e: unknown) => e instanceof InputError && e.message.includes(path) && /does not exist/.test(e.message));
});

test('a corrupt tokenizer.json is an InputError naming the path', () => {
  const bad = join(tmp, 'bad.json');
  writeFileSync(bad, '{"model": {"type": "BPE", "vocab": ');
  assert.throws(() => data.loadTokenizer(bad), (e: unknown) => e instanceof InputError && e.message.includes(bad) && /not valid JSON/.test(e.message));
  const notTok = join(tmp, 'not-tokenizer.json');
  writeFileSync(notTok, '{"hello": 1}');
  assert.throws(() => data.loadTokenizer(notTok), (e: unknown) => e instanceof InputError && e.message.includes(notTok));
  const badModel = join(tmp, 'bad-model.json');
  writeFileSync(badModel, JSON.stringify({ model: { type: 'Nonsense' }, decoder: null, post_processor: null, pre_tokenizer: null, normalizer: null }));
  assert.throws(() => data.loadTokenizer(badModel), (e: unknown) => e instanceof InputError && e.message.includes(badModel));
});

test('buildTokenizer builds each type and names the missing path field', () => {
  assert.equal(data.buildTokenizer({ type: 'char' }, 'abc').vocabSize, 7);
  assert.equal(data.buildTokenizer({ type: 'byte' }, 'abc').vocabSize, 259);
  assert.equal(data.buildTokenizer({ type: 'huggingface', path: TINY_BPE }, '').kind, 'huggingface');
  assert.throws(() => data.buildTokenizer({ type: 'huggingface' }, ''), (e: unknown) => e instanceof ConfigError && e.field === 'data.tokenizer.path');
});
