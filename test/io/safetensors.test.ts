import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, randn, tensor } from 'anneal';

test('tensors of every dtype round-trip through safetensors bytes, with metadata', () => {
  const tensors = {
    'a.weight': randn([3, 4]),
    ids: tensor([1, -2, 3], { dtype: 'int32' }),
    mask: tensor([true, false]),
    scalar: tensor(2.5),
  };
  const bytes = io.serializeSafetensors(tensors, { format: 'test' });
  const back = io.deserializeSafetensors(bytes);
  assert.deepEqual(back.metadata, { format: 'test' });
  for (const [k, t] of Object.entries(tensors)) {
    assert.deepEqual(back.tensors[k]!.shape, t.shape, k);
    assert.equal(back.tensors[k]!.dtype, t.dtype, k);
    assert.deepEqual(back.tensors[k]!.toArray(), t.toArray(), k);
  }
});

test('the layout follows the format: u64 little-endian header length, JSON header, 8-byte aligned data', () => {
  const bytes = io.serializeSafetensors({ x: tensor([1, 2]) });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + n) % 8, 0);
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString());
  assert.deepEqual(header.x, { dtype: 'F32', shape: [2], data_offsets: [0, 8] });
  assert.equal(new DataView(bytes.buffer).getFloat32(8 + n + 4, true), 2);
});

test('non-contiguous views are written as their logical (row-major) values', () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]).t();
  const back = io.deserializeSafetensors(io.serializeSafetensors({ t })).tensors.t!;
  assert.deepEqual(back.toArray(), [[1, 4], [2, 5], [3, 6]]);
});

function withHeader(header: object, dataBytes: number): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

test('malformed files are errors, never out-of-bounds reads', () => {
  assert.throws(() => io.deserializeSafetensors(new Uint8Array(4)), /too short/);
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 1000n, true);
  assert.throws(() => io.deserializeSafetensors(huge), /header length 1000 exceeds/);
  assert.throws(() => io.deserializeSafetensors(withHeader({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8)), /outside the 8 data bytes/);
  assert.throws(() => io.deserializeSafetensors(withHeader({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8)), /needs 12/);
  assert.throws(
    () => io.deserializeSafetensors(withHeader({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, y: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8)),
    /overlap/,
  );
  assert.throws(() => io.deserializeSafetensors(withHeader({ x: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, 1)), /unknown dtype/);
});

test('half-precision tensors are widened to float32 on load', () => {
  const bytes = withHeader({ h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] }, b: { dtype: 'BF16', shape: [1], data_offsets: [6, 8] } }, 8);
  const json = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const view = new DataView(bytes.buffer, 8 + json);
  view.setUint16(0, 0x3c00, true); // 1.0
  view.setUint16(2, 0xc000, true); // -2.0
  view.setUint16(4, 0x3555, true); // 0.333251953125
  view.setUint16(6, 0x4049, true); // bf16 3.140625
  const t = io.deserializeSafetensors(bytes).tensors;
  assert.deepEqual(t.h!.toArray(), [1, -2, 0.333251953125]);
  assert.deepEqual(t.b!.toArray(), [3.140625]);
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
