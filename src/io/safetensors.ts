/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * mapping names to { dtype, shape, data_offsets }, then the raw little-endian bytes. Reading checks
 * every offset against the buffer, so a truncated or hostile file is an error, never a bad read.
 */
import { readFileSync } from 'node:fs';
import { AnnealError } from '../errors.js';
import { Tensor } from '../tensor/index.js';
import { writeFileAtomic } from './atomic.js';

export class SafetensorsError extends AnnealError {
  override name = 'SafetensorsError';
}

const ITEM_SIZE: Record<string, number> = { F32: 4, I32: 4, BOOL: 1, U8: 1, I8: 1, F16: 2, BF16: 2, I64: 8, F64: 8, I16: 2 };

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function dtypeCode(t: Tensor): string {
  switch (t.dtype) {
    case 'float32': return 'F32';
    case 'int32': return 'I32';
    case 'bool': return 'BOOL';
  }
}

/** Serialises named tensors (and string metadata) to safetensors bytes. */
export function serializeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const name of names) {
    const t = tensors[name]!;
    const values = t.values();
    const bytes = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    header[name] = { dtype: dtypeCode(t), shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // pad so the data starts 8-byte aligned, as the reference implementation does
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
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

function decode(entry: HeaderEntry, bytes: Uint8Array, name: string): Tensor {
  const n = entry.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (entry.dtype) {
    case 'F32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return new Tensor(out, entry.shape);
    }
    case 'F64': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return new Tensor(out, entry.shape);
    }
    case 'F16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return new Tensor(out, entry.shape);
    }
    case 'BF16': {
      const out = new Float32Array(n);
      const u32 = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) u32[i] = view.getUint16(i * 2, true) << 16;
      return new Tensor(out, entry.shape);
    }
    case 'I32': case 'I16': case 'I8': case 'U8': case 'I64': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        let v: number;
        if (entry.dtype === 'I32') v = view.getInt32(i * 4, true);
        else if (entry.dtype === 'I16') v = view.getInt16(i * 2, true);
        else if (entry.dtype === 'I8') v = view.getInt8(i);
        else if (entry.dtype === 'U8') v = view.getUint8(i);
        else {
          const big = view.getBigInt64(i * 8, true);
          if (big > 2147483647n || big < -2147483648n) throw new SafetensorsError(`tensor '${name}': int64 value ${big} does not fit int32`);
          v = Number(big);
        }
        out[i] = v;
      }
      return new Tensor(out, entry.shape);
    }
    case 'BOOL': return new Tensor(bytes.slice(), entry.shape);
    default: throw new SafetensorsError(`tensor '${name}': unsupported dtype ${entry.dtype}`);
  }
}

/** Parses safetensors bytes into named tensors (float16/bfloat16/float64 widen or narrow to float32). */
export function deserializeSafetensors(buffer: Uint8Array, source = 'safetensors data'): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  if (buffer.length < 8) throw new SafetensorsError(`${source}: too short to be a safetensors file (${buffer.length} bytes)`);
  const headerLen = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength).getBigUint64(0, true);
  if (headerLen > BigInt(buffer.length - 8)) throw new SafetensorsError(`${source}: header length ${headerLen} exceeds the file size ${buffer.length}`);
  const hl = Number(headerLen);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(buffer.subarray(8, 8 + hl)).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new SafetensorsError(`${source}: header is not valid JSON`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError(`${source}: header is not a JSON object`);
  const data = buffer.subarray(8 + hl);
  const tensors: Record<string, Tensor> = {};
  let metadata: Record<string, string> = {};
  const ranges: [number, number, string][] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = raw as Record<string, string>;
      continue;
    }
    const e = raw as HeaderEntry;
    const size = ITEM_SIZE[e?.dtype];
    if (!e || size === undefined) throw new SafetensorsError(`${source}: tensor '${name}' has unknown dtype ${JSON.stringify(e?.dtype)}`);
    if (!Array.isArray(e.shape) || e.shape.some((s) => !Number.isSafeInteger(s) || s < 0)) throw new SafetensorsError(`${source}: tensor '${name}' has an invalid shape`);
    const [begin, end] = e.data_offsets ?? [];
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin! < 0 || end! < begin! || end! > data.length) {
      throw new SafetensorsError(`${source}: tensor '${name}' has offsets [${begin}, ${end}] outside the ${data.length} data bytes`);
    }
    const numel = e.shape.reduce((a, b) => a * b, 1);
    if (end! - begin! !== numel * size) throw new SafetensorsError(`${source}: tensor '${name}' has ${end! - begin!} bytes but shape [${e.shape}] of ${e.dtype} needs ${numel * size}`);
    ranges.push([begin!, end!, name]);
    tensors[name] = decode(e, data.subarray(begin!, end!), name);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]![0] < ranges[i - 1]![1]) throw new SafetensorsError(`${source}: tensors '${ranges[i - 1]![2]}' and '${ranges[i]![2]}' overlap`);
  }
  return { tensors, metadata };
}

/** Writes named tensors to a .safetensors file atomically. */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}

/** Reads a .safetensors file; a missing or unreadable file is an error naming the path. */
export function loadSafetensors(path: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new SafetensorsError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return deserializeSafetensors(bytes, path);
}
