import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, io, randn, tensor, zeros } from 'anneal';
import { readFixture } from '../helpers/index.js';
import { raw, vectors } from './safetensorsVectors.js';
import { writtenByAnneal } from './safetensorsWritten.js';

interface RustVerdicts {
  crate: string;
  files: Record<string, { sha256: string; verdict: 'ok' | 'err'; error?: string }>;
}
const rust = readFixture<RustVerdicts>('io/safetensors_rust.json');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const headerOf = (bytes: Uint8Array) => {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, text: Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8') };
};

test('tensors of every dtype round-trip through safetensors bytes, with metadata', () => {
  const tensors = {
    'a.weight': randn([3, 4]),
    ids: tensor([1, -2, 3], { dtype: 'int32' }),
    mask: tensor([true, false]),
    scalar: tensor(2.5),
    empty: zeros([2, 0]),
  };
  const back = io.deserializeSafetensors(io.serializeSafetensors(tensors, { format: 'test' }));
  assert.deepEqual({ ...back.metadata }, { format: 'test' });
  for (const [k, t] of Object.entries(tensors)) {
    assert.deepEqual(back.tensors[k]!.shape, t.shape, k);
    assert.equal(back.tensors[k]!.dtype, t.dtype, k);
    assert.deepEqual(back.tensors[k]!.toArray(), t.toArray(), k);
  }
});

test('the reader gives the reference reader\'s verdict on every hand-built file', () => {
  for (const v of vectors) {
    const recorded = rust.files[v.name];
    assert.ok(recorded, `${v.name} has no verdict from the reference reader: run scripts/fixtures/safetensors_rust.sh`);
    assert.equal(sha256(v.bytes), recorded.sha256, `${v.name} changed since the reference reader judged it`);
    const expected = v.stricter || v.unloadable || v.ours === 'ok' ? 'ok' : 'err';
    assert.equal(recorded.verdict, expected, `${v.name}: the reference reader said ${recorded.verdict} (${recorded.error ?? ''})`);
    if (v.ours === 'ok') assert.doesNotThrow(() => io.deserializeSafetensors(v.bytes, v.name), v.name);
    else assert.throws(() => io.deserializeSafetensors(v.bytes, v.name), v.ours, v.name);
  }
});

test('only a few deliberate cases are refused where the reference reader accepts', () => {
  assert.deepEqual(vectors.filter((v) => v.stricter).map((v) => v.name), ['proto_tensor_name', 'proto_metadata_key', 'tensor_name_twice']);
});

test('the reference reader accepts the files the writer produces, byte for byte', () => {
  for (const [name, bytes] of Object.entries(writtenByAnneal())) {
    const recorded = rust.files[`written_${name}`];
    assert.ok(recorded, name);
    assert.equal(recorded.verdict, 'ok', `${name}: ${recorded.error ?? ''}`);
    assert.equal(sha256(bytes), recorded.sha256, `${name}: the writer's bytes changed since the reference reader checked them`);
  }
});

test('the header is padded with spaces to a multiple of 8 bytes, as the crate writes it (tensor.rs:254)', () => {
  for (const bytes of Object.values(writtenByAnneal())) {
    const { n, text } = headerOf(bytes);
    assert.equal(n % 8, 0);
    assert.equal(text, JSON.stringify(JSON.parse(text)) + ' '.repeat(n - Buffer.byteLength(JSON.stringify(JSON.parse(text)))));
  }
});

test('tensors are laid out widest dtype first, then by name, so every tensor is aligned (tensor.rs:230)', () => {
  const bytes = io.serializeSafetensors({ a: tensor([true, false, true]), c: tensor([1], { dtype: 'int32' }), b: tensor([1, 2]), d: tensor([3]) });
  const header = JSON.parse(headerOf(bytes).text) as Record<string, { data_offsets: number[] }>;
  assert.deepEqual(Object.fromEntries(Object.entries(header).map(([k, e]) => [k, e.data_offsets])), { b: [0, 8], d: [8, 12], c: [12, 16], a: [16, 19] });
});

test('names are ordered by their UTF-8 bytes, as Rust orders strings', () => {
  // U+FF5E sorts before U+1F600 in UTF-8 but after it in UTF-16
  const bytes = io.serializeSafetensors({ '\u{1F600}': tensor([1]), '\uFF5E': tensor([2]) });
  const header = JSON.parse(headerOf(bytes).text) as Record<string, { data_offsets: number[] }>;
  assert.deepEqual(header['\uFF5E']!.data_offsets, [0, 4]);
});

test('a non-contiguous view is written as its logical (row-major) values', () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]).t();
  const back = io.deserializeSafetensors(io.serializeSafetensors({ t })).tensors.t!;
  assert.deepEqual(back.toArray(), [[1, 4], [2, 5], [3, 6]]);
});

test('a zero-size tensor at a boundary between tensors loads with its shape', () => {
  const v = vectors.find((x) => x.name === 'zero_size_between_tensors')!;
  const t = io.deserializeSafetensors(v.bytes).tensors;
  assert.deepEqual(t.z!.shape, [0, 3]);
  assert.deepEqual(t.b!.shape, [1]);
});

test('tensor names that are Object.prototype properties are ordinary keys of a null-prototype result', () => {
  const { tensors, metadata } = io.deserializeSafetensors(vectors.find((x) => x.name === 'object_prototype_names')!.bytes);
  assert.equal(Object.getPrototypeOf(tensors), null);
  assert.equal(Object.getPrototypeOf(metadata), null);
  assert.deepEqual(Object.keys(tensors).sort(), ['constructor', 'hasOwnProperty', 'toString']);
  assert.deepEqual(tensors['hasOwnProperty' as string]!.shape, [0]);
});

test('the writer refuses names the format or JavaScript cannot carry', () => {
  assert.throws(() => io.serializeSafetensors(new Map([['__proto__', tensor([1])]])), /cannot write tensor name "__proto__": it is reserved/);
  assert.throws(() => io.serializeSafetensors({ __metadata__: tensor([1]) }), /cannot write tensor name "__metadata__"/);
  assert.throws(() => io.serializeSafetensors({ '\uD800': tensor([1]) }), /lone UTF-16 surrogate/);
  assert.throws(() => io.serializeSafetensors({}, { n: 1 as unknown as string }), /metadata values are strings, got number/);
});

test('the writer refuses a header over the format\'s limit (tensor.rs:285, test_invalid_header_size_serialization)', () => {
  assert.equal(io.MAX_HEADER_SIZE, 100_000_000);
  assert.throws(() => io.serializeSafetensors({}, { big: 'a'.repeat(io.MAX_HEADER_SIZE) }), /header of 100000032 bytes: the format's limit is 100000000/);
});

test('integer types widen to int32 and refuse values that do not fit', () => {
  const v = vectors.find((x) => x.name === 'unsigned_and_wide_ints')!;
  const bytes = v.bytes.slice();
  const data = new DataView(bytes.buffer, bytes.length - 22);
  data.setUint16(0, 65535, true);
  data.setUint32(2, 7, true);
  data.setBigUint64(6, 8n, true);
  data.setBigInt64(14, -9n, true);
  const t = io.deserializeSafetensors(bytes).tensors;
  assert.deepEqual([t.a!.toArray(), t.b!.toArray(), t.c!.toArray(), t.d!.toArray()], [[65535], [7], [8], [-9]]);
  data.setUint32(2, 2 ** 31, true);
  assert.throws(() => io.deserializeSafetensors(bytes, 'big.safetensors'), /big\.safetensors: tensor 'b': U32 value 2147483648 does not fit int32/);
});

test('half-precision tensors are widened to float32 on load', () => {
  const bytes = raw(JSON.stringify({ h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] }, b: { dtype: 'BF16', shape: [1], data_offsets: [6, 8] } }), 8);
  const view = new DataView(bytes.buffer, bytes.length - 8);
  view.setUint16(0, 0x3c00, true); // 1.0
  view.setUint16(2, 0xc000, true); // -2.0
  view.setUint16(4, 0x3555, true); // 0.333251953125
  view.setUint16(6, 0x4049, true); // bf16 3.140625
  const t = io.deserializeSafetensors(bytes).tensors;
  assert.deepEqual(t.h!.toArray(), [1, -2, 0.333251953125]);
  assert.deepEqual(t.b!.toArray(), [3.140625]);
});

test('a malformed file is an InputError naming its path (the CLI exits 2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anneal-st-'));
  const path = join(dir, 'bad.safetensors');
  writeFileSync(path, vectors.find((x) => x.name === 'trailing_bytes')!.bytes);
  assert.throws(() => io.loadSafetensors(path), (err: unknown) => err instanceof InputError && (err as InputError).source === path && err.message.startsWith(`${path}: 34 trailing bytes`));
});

test('saving is atomic: the target is replaced whole and no temp file is left behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anneal-st-'));
  const path = join(dir, 'model.safetensors');
  writeFileSync(path, 'old contents');
  io.saveSafetensors(path, { x: tensor([1, 2, 3]) });
  assert.deepEqual(io.loadSafetensors(path).tensors.x!.toArray(), [1, 2, 3]);
  assert.deepEqual(readdirSync(dir), ['model.safetensors']);
});

test('a missing file is an error naming the path', () => {
  assert.throws(() => io.loadSafetensors('/nonexistent/dir/model.safetensors'), /cannot read \/nonexistent\/dir\/model\.safetensors: ENOENT/);
});
