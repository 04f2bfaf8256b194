/** Strict UTF-8 reading of data files: an invalid byte sequence is an error that says where it is. */
import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { InputError } from '../errors.js';

/** Where the first ill-formed sequence starts: byte offset, 1-based line and 1-based byte column. */
export interface Utf8Position {
  offset: number;
  line: number;
  column: number;
}

/**
 * The byte offset of the first ill-formed UTF-8 sequence in `bytes`, or -1 when all of it is
 * well-formed (Unicode table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) { i++; continue; }
    let need: number, lo = 0x80, hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) { need = 2; if (b === 0xe0) lo = 0xa0; if (b === 0xed) hi = 0x9f; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; if (b === 0xf0) lo = 0x90; if (b === 0xf4) hi = 0x8f; }
    else return i;
    if (i + need >= n) return i; // truncated at the end of the data
    const c1 = bytes[i + 1]!;
    if (c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Line and column (both 1-based, the column in bytes) of byte `offset`. */
export function positionOf(bytes: Uint8Array, offset: number): Utf8Position {
  let line = 1, lineStart = 0;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) { line++; lineStart = i + 1; }
  return { offset, line, column: offset - lineStart + 1 };
}

/** The bytes of `path`; a missing or unreadable file is an InputError naming the path and what it is for. */
export function readFileBytes(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`cannot read ${what} (${path} does not exist)`, path);
    if (code === 'EISDIR') throw new InputError(`cannot read ${what} ${path}: it is a directory`, path);
    throw new InputError(`cannot read ${what} ${path}: ${code ?? (err as Error).message}`, path);
  }
}

const decoder = new TextDecoder('utf-8');

/**
 * Decodes well-formed UTF-8 (a leading byte-order mark is dropped, as TextDecoder does), or returns
 * the position of the first ill-formed sequence.
 */
export function decodeUtf8Strict(bytes: Uint8Array): { text: string } | { error: Utf8Position } {
  if (isUtf8(bytes)) return { text: decoder.decode(bytes) };
  const offset = firstInvalidUtf8(bytes);
  return { error: positionOf(bytes, offset < 0 ? 0 : offset) };
}
