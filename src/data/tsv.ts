/**
 * Parallel text for seq2seq: one `source<TAB>target` pair per line. The whole file is read and
 * checked before training starts, and the first bad line is an InputError naming the file and
 * its 1-based line number (`data/train.tsv:17: no tab between source and target`).
 *
 * Accepted: LF or CRLF line ends, a leading byte-order mark, blank lines at the end of the file.
 * Rejected: a line without a tab, with more than one tab (a tab inside a side would be ambiguous),
 * with an empty or all-whitespace side, a blank line before the end, ill-formed UTF-8, and a file
 * without any pair.
 */
import { InputError } from '../errors.js';
import { decodeUtf8Strict, readFileBytes } from './utf8.js';

export interface TsvPair {
  source: string;
  target: string;
  /** 1-based line number in the file. */
  line: number;
}

/** Parses TSV text; `path` names the file in errors. */
export function parseTsv(text: string, path: string): TsvPair[] {
  const lines = text.split('\n');
  let end = lines.length;
  const blank = (l: string): boolean => !l.includes('\t') && l.trim() === '';
  while (end > 0 && blank(lines[end - 1]!)) end--;
  const out: TsvPair[] = [];
  const fail = (line: number, why: string): never => {
    throw new InputError(`${path}:${line}: ${why}`, path);
  };
  for (let i = 0; i < end; i++) {
    const line = i + 1;
    const raw = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (blank(raw)) fail(line, 'blank line (expected source<TAB>target)');
    const tab = raw.indexOf('\t');
    if (tab < 0) fail(line, 'no tab between source and target');
    if (raw.indexOf('\t', tab + 1) >= 0) fail(line, `${raw.split('\t').length - 1} tabs; expected exactly one, between source and target`);
    const source = raw.slice(0, tab), target = raw.slice(tab + 1);
    if (source.trim() === '') fail(line, 'empty source (the text before the tab)');
    if (target.trim() === '') fail(line, 'empty target (the text after the tab)');
    out.push({ source, target, line });
  }
  if (out.length === 0) throw new InputError(`${path}: no source<TAB>target lines`, path);
  return out;
}

/** Reads and checks a whole TSV file of source<TAB>target lines (see the file comment). */
export function readTsv(path: string): TsvPair[] {
  const bytes = readFileBytes(path, 'TSV file');
  const decoded = decodeUtf8Strict(bytes);
  if ('error' in decoded) {
    const { offset, line, column } = decoded.error;
    throw new InputError(`${path}:${line}: invalid UTF-8 at byte ${column} of the line (byte offset ${offset})`, path);
  }
  return parseTsv(decoded.text, path);
}
