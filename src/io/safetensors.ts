/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * mapping names to { dtype, shape, data_offsets }, then the raw little-endian bytes. Files are
 * written the way the reference Rust crate writes them and read with its rules (safetensorsHeader.ts),
 * so a file anneal writes loads in PyTorch's safetensors and a file the crate refuses is refused here.
 */
import { readFileSync } from 'node:fs';
import { Tensor } from '../tensor/index.js';
import { writeFileAtomic } from './atomic.js';
import { dtypeRank, hasLoneSurrogate, isForbiddenKey, MAX_HEADER_SIZE, N_LEN, readHeader, SafetensorsError, type TensorInfo } from './safetensorsHeader.js';

export { SafetensorsError, MAX_HEADER_SIZE } from './safetensorsHeader.js';

/** Named tensors: an object or a Map (a Map holds any name, `__proto__` included, without surprises). */
export type NamedTensors = Record<string, Tensor> | ReadonlyMap<string, Tensor>;

function dtypeCode(t: Tensor): string {
  switch (t.dtype) {
    case 'float32': return 'F32';
    case 'int32': return 'I32';
    case 'bool': return 'BOOL';
  }
}

/** Compares names as Rust's str Ord does: bytewise over UTF-8. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function checkName(name: string, what: string): void {
  if (isForbiddenKey(name) || (what === 'tensor' && name === '__metadata__')) throw new SafetensorsError(`cannot write ${what} name ${JSON.stringify(name)}: it is reserved`);
  if (hasLoneSurrogate(name)) throw new SafetensorsError(`cannot write ${what} name ${JSON.stringify(name)}: it holds a lone UTF-16 surrogate, which is not UTF-8`);
}

/**
 * Serialises named tensors (and string metadata) to safetensors bytes, laid out as the Rust crate's
 * serialize() does (tensor.rs:222-262): tensors sorted by dtype, widest first, then by name, so each
 * tensor's data is aligned to its element size; the header padded with spaces to a multiple of 8.
 */
export function serializeSafetensors(tensors: NamedTensors, metadata: Record<string, string> = {}): Uint8Array {
  const entries = [...(tensors instanceof Map ? tensors.entries() : Object.entries(tensors))].map(([name, t]) => ({ name, t, dtype: dtypeCode(t) }));
  for (const e of entries) checkName(e.name, 'tensor');
  entries.sort((a, b) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || compareUtf8(a.name, b.name));
  const header: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const metaEntries = Object.entries(metadata);
  for (const [k, v] of metaEntries) {
    checkName(k, 'metadata');
    if (typeof v !== 'string') throw new SafetensorsError(`cannot write metadata ${JSON.stringify(k)}: safetensors metadata values are strings, got ${typeof v}`);
    if (hasLoneSurrogate(v)) throw new SafetensorsError(`cannot write metadata ${JSON.stringify(k)}: its value holds a lone UTF-16 surrogate`);
  }
  if (metaEntries.length > 0) header.__metadata__ = Object.fromEntries(metaEntries);
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const { name, t, dtype } of entries) {
    const values = t.values();
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const n = Math.ceil(json.length / N_LEN) * N_LEN;
  if (n > MAX_HEADER_SIZE) throw new SafetensorsError(`cannot write a safetensors header of ${n} bytes: the format's limit is ${MAX_HEADER_SIZE}`);
  const out = new Uint8Array(N_LEN + n + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, N_LEN);
  out.fill(0x20, N_LEN + json.length, N_LEN + n);
  let pos = N_LEN + n;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

const LOADABLE = ['F32', 'F64', 'F16', 'BF16', 'I32', 'I16', 'I8', 'U8', 'U16', 'U32', 'I64', 'U64', 'BOOL'];

function decode(info: TensorInfo, bytes: Uint8Array, source: string): Tensor {
  const n = info.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const float = (read: (i: number) => number) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = read(i);
    return new Tensor(out, info.shape);
  };
  const int = (read: (i: number) => number | bigint) => {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = read(i);
      if (v > 2147483647 || v < -2147483648) throw new SafetensorsError(`${source}: tensor '${info.name}': ${info.dtype} value ${v} does not fit int32`, source);
      out[i] = Number(v);
    }
    return new Tensor(out, info.shape);
  };
  switch (info.dtype) {
    case 'F32': return float((i) => view.getFloat32(i * 4, true));
    case 'F64': return float((i) => view.getFloat64(i * 8, true));
    case 'F16': return float((i) => halfToFloat(view.getUint16(i * 2, true)));
    case 'BF16': return float((i) => new Float32Array(new Uint32Array([view.getUint16(i * 2, true) << 16]).buffer)[0]!);
    case 'I32': return int((i) => view.getInt32(i * 4, true));
    case 'I16': return int((i) => view.getInt16(i * 2, true));
    case 'I8': return int((i) => view.getInt8(i));
    case 'U8': return int((i) => view.getUint8(i));
    case 'U16': return int((i) => view.getUint16(i * 2, true));
    case 'U32': return int((i) => view.getUint32(i * 4, true));
    case 'I64': return int((i) => view.getBigInt64(i * 8, true));
    case 'U64': return int((i) => view.getBigUint64(i * 8, true));
    case 'BOOL': return new Tensor(bytes.slice(), info.shape);
    default:
      throw new SafetensorsError(`${source}: tensor '${info.name}' has dtype ${info.dtype}, which anneal cannot load (it loads ${LOADABLE.join(', ')})`, source);
  }
}

/**
 * Parses safetensors bytes into named tensors (floating types become float32, integer types int32);
 * both maps are null-prototype objects, so any tensor name is an ordinary key.
 */
export function deserializeSafetensors(buffer: Uint8Array, source = 'safetensors data'): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const header = readHeader(buffer, source);
  const tensors = Object.create(null) as Record<string, Tensor>;
  for (const info of header.tensors) {
    tensors[info.name] = decode(info, buffer.subarray(header.dataStart + info.begin, header.dataStart + info.end), source);
  }
  return { tensors, metadata: header.metadata };
}

/** Writes named tensors to a .safetensors file atomically. */
export function saveSafetensors(path: string, tensors: NamedTensors, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}

/** Reads a .safetensors file; a missing, unreadable or malformed file is an error naming the path. */
export function loadSafetensors(path: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new SafetensorsError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, path);
  }
  return deserializeSafetensors(bytes, path);
}
