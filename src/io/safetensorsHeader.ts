/**
 * The safetensors header, read with exactly the rules of the reference reader: the Rust crate
 * huggingface/safetensors, safetensors/src/tensor.rs at commit 24b0b28 (May 2026), cited below by
 * line. What that reader rejects, this one rejects; the few files it accepts that we refuse are
 * listed at readHeader().
 */
import { InputError } from '../errors.js';

/** A malformed, truncated or unsupported safetensors file or buffer; names where it came from. */
export class SafetensorsError extends InputError {
  override name = 'SafetensorsError';
}

/**
 * tensor.rs:811-880, the Dtype enum in declaration order (the writer sorts by it, descending, so
 * wider types come first and every tensor stays aligned) with Dtype::bitsize (tensor.rs:883-907).
 */
export const DTYPE_BITS: ReadonlyMap<string, number> = new Map([
  ['BOOL', 8], ['F4', 4], ['F6_E2M3', 6], ['F6_E3M2', 6], ['U8', 8], ['I8', 8], ['F8_E5M2', 8], ['F8_E4M3', 8],
  ['F8_E8M0', 8], ['F8_E4M3FNUZ', 8], ['F8_E5M2FNUZ', 8], ['I16', 16], ['U16', 16], ['F16', 16], ['BF16', 16],
  ['I32', 32], ['U32', 32], ['F32', 32], ['C64', 64], ['F64', 64], ['I64', 64], ['U64', 64],
]);
const DTYPE_ORDER = new Map([...DTYPE_BITS.keys()].map((d, i) => [d, i]));

/** The rank of a dtype in the crate's enum (higher is wider-aligned). */
export function dtypeRank(dtype: string): number {
  return DTYPE_ORDER.get(dtype) ?? -1;
}

/** tensor.rs:10, enforced on read (tensor.rs:402) and on write (tensor.rs:285). */
export const MAX_HEADER_SIZE = 100_000_000;
/** tensor.rs:11: the header length is a little-endian u64. */
export const N_LEN = 8;
const U64_MAX = (1n << 64n) - 1n;

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  /** Offsets into the data section (after the header), as in the file. */
  begin: number;
  end: number;
}

export interface Header {
  /** Tensors in data-offset order. */
  tensors: TensorInfo[];
  /** A null-prototype string map (`__metadata__`), empty when absent. */
  metadata: Record<string, string>;
  /** Where the data section starts in the buffer: 8 + header length. */
  dataStart: number;
}

/** A string with a lone UTF-16 surrogate cannot be UTF-8, so the Rust reader (and writer) cannot hold it. */
export function hasLoneSurrogate(s: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** Names that would change an ordinary JavaScript object's prototype if a caller copied them into one. */
export function isForbiddenKey(name: string): boolean {
  return name === '__proto__';
}

/**
 * Checks what JSON.parse lets through but serde_json rejects for this header's types: every number
 * must be a non-negative integer literal (shapes and offsets are usize, tensor.rs:799-806; metadata
 * values are strings), no object may repeat a key (serde's derive rejects a repeated field), and no
 * string may hold an escaped lone surrogate (serde_json refuses those). The JSON is already valid.
 */
function scanJson(text: string, fail: (why: string) => never): void {
  const stack: { keys: Set<string> | null; expectKey: boolean }[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const value = JSON.parse(text.slice(i, j + 1)) as string;
      if (hasLoneSurrogate(value)) fail(`the string ${text.slice(i, Math.min(j + 1, i + 40))} holds a lone UTF-16 surrogate, which is not UTF-8`);
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        if (top.keys.has(value)) fail(`key ${JSON.stringify(value)} appears twice in one object`);
        top.keys.add(value);
        top.expectKey = false;
      }
      i = j + 1;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < text.length && /[0-9eE+\-.]/.test(text[j]!)) j++;
      const literal = text.slice(i, j);
      if (!/^(0|[1-9][0-9]*)$/.test(literal)) fail(`the number ${literal} is not a non-negative integer (shapes and offsets are unsigned integers)`);
      if (!Number.isSafeInteger(Number(literal))) fail(`the number ${literal} is larger than 2^53 - 1, which anneal cannot represent exactly`);
      i = j;
    } else {
      if (c === '{') stack.push({ keys: new Set(), expectKey: true });
      else if (c === '[') stack.push({ keys: null, expectKey: false });
      else if (c === '}' || c === ']') stack.pop();
      else if (c === ',') {
        const top = stack[stack.length - 1];
        if (top?.keys) top.expectKey = true;
      }
      i++;
    }
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses and validates the header of `buffer` (a whole safetensors file), in the reference reader's
 * order (SafeTensors::read_metadata, tensor.rs:390-424): at least 8 bytes; the length at most
 * MAX_HEADER_SIZE and within the buffer; the header UTF-8 and JSON (leading and trailing JSON
 * whitespace allowed, tensor.rs:1534-1551, so no rule that it starts with '{'); `__metadata__` absent,
 * null or a string-to-string map (tensor.rs:540-545); each tensor a known dtype, a shape and two
 * offsets; the tensors, sorted by offsets (tensor.rs:557), tile the data section from 0 with no hole
 * or overlap (tensor.rs:627-663), each exactly shape x dtype bytes; and the data section ends at the
 * end of the buffer (tensor.rs:419-422: no trailing bytes, none missing). Zero-size tensors may sit at
 * any offset where a tensor starts or ends.
 *
 * Stricter than the crate, deliberately: a key repeated in an object (serde keeps the last tensor of
 * a repeated name), the tensor name `__proto__`, and integers above 2^53 - 1 are refused.
 */
export function readHeader(buffer: Uint8Array, source: string): Header {
  const fail = (why: string): never => {
    throw new SafetensorsError(`${source}: ${why}`, source);
  };
  // tensor.rs:392-394 HeaderTooSmall
  if (buffer.length < N_LEN) fail(`too short to be a safetensors file (${buffer.length} bytes; the header length alone takes 8)`);
  const n = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength).getBigUint64(0, true);
  // tensor.rs:402-404 HeaderTooLarge, checked before the buffer's size
  if (n > BigInt(MAX_HEADER_SIZE)) fail(`header length ${n} exceeds the safetensors limit of ${MAX_HEADER_SIZE} bytes`);
  const headerLen = Number(n);
  // tensor.rs:406-413 InvalidHeaderLength
  if (N_LEN + headerLen > buffer.length) fail(`header length ${headerLen} exceeds the ${buffer.length - N_LEN} bytes after the length field (truncated file?)`);
  let text: string;
  try {
    // tensor.rs:415: from_utf8 fails on invalid UTF-8; a byte-order mark is kept, so JSON.parse refuses it as serde_json does
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buffer.subarray(N_LEN, N_LEN + headerLen));
  } catch {
    return fail('header is not valid UTF-8');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return fail(`header is not valid JSON (${(err as Error).message})`);
  }
  scanJson(text, (why) => fail(`header: ${why}`));
  if (!isPlainObject(raw)) return fail('header is not a JSON object');

  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const tensors: TensorInfo[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (name === '__metadata__') {
      // Option<HashMap<String, String>>: null is None
      if (value === null) continue;
      if (!isPlainObject(value)) fail('__metadata__ must be a map of strings to strings');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__ must be a map of strings to strings, but ${JSON.stringify(k)} is ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`);
        if (isForbiddenKey(k)) fail(`__metadata__ key ${JSON.stringify(k)} is not allowed`);
        metadata[k] = v as string;
      }
      continue;
    }
    if (isForbiddenKey(name)) fail(`tensor name ${JSON.stringify(name)} is not allowed`);
    const what = `tensor '${name}'`;
    if (!isPlainObject(value)) fail(`${what} must be an object with dtype, shape and data_offsets`);
    const e = value as Record<string, unknown>;
    if (typeof e.dtype !== 'string' || !DTYPE_BITS.has(e.dtype)) fail(`${what} has unknown dtype ${JSON.stringify(e.dtype)} (known: ${[...DTYPE_BITS.keys()].join(', ')})`);
    if (!Array.isArray(e.shape) || !e.shape.every((s) => typeof s === 'number')) fail(`${what} has an invalid shape ${JSON.stringify(e.shape)}: expected an array of non-negative integers`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => typeof o === 'number')) fail(`${what} has invalid data_offsets ${JSON.stringify(off)}: expected [begin, end]`);
    tensors.push({ name, dtype: e.dtype as string, shape: e.shape as number[], begin: (off as number[])[0]!, end: (off as number[])[1]! });
  }

  // tensor.rs:557: sorted by (begin, end), then Metadata::validate (tensor.rs:627-663)
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let start = 0;
  for (const t of tensors) {
    if (t.begin !== start || t.end < t.begin) {
      const why = t.end < t.begin ? `ends before it begins` : t.begin < start ? `overlaps the tensor before it (which ends at ${start})` : `leaves a hole: the data before it ends at ${start}`;
      fail(`tensor '${t.name}' has invalid data_offsets [${t.begin}, ${t.end}]: ${why} (tensors must tile the data section in order)`);
    }
    start = t.end;
    let elements = 1n;
    for (const s of t.shape) {
      elements *= BigInt(s);
      if (elements > U64_MAX) fail(`tensor '${t.name}': shape [${t.shape.join(', ')}] overflows the element count`);
    }
    const bits = elements * BigInt(DTYPE_BITS.get(t.dtype)!);
    if (bits > U64_MAX) fail(`tensor '${t.name}': shape [${t.shape.join(', ')}] of ${t.dtype} overflows the byte count`);
    if (bits % 8n !== 0n) fail(`tensor '${t.name}': ${elements} elements of ${t.dtype} do not fill whole bytes`);
    if (BigInt(t.end - t.begin) !== bits / 8n) fail(`tensor '${t.name}' has ${t.end - t.begin} bytes but shape [${t.shape.join(', ')}] of ${t.dtype} needs ${bits / 8n}`);
  }
  const dataLength = buffer.length - N_LEN - headerLen;
  if (start !== dataLength) {
    fail(start < dataLength
      ? `${dataLength - start} trailing bytes after the tensor data (the tensors cover ${start} of ${dataLength} data bytes)`
      : `truncated: the tensors need ${start} data bytes but the file has ${dataLength}`);
  }
  return { tensors, metadata, dataStart: N_LEN + headerLen };
}
