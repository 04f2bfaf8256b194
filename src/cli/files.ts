/** Reading the files a command is given, with errors that name the file and say what it was for. */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

/** The text of `path` ('-' for stdin); `what` says what the file is for ("config file", "input file"). */
export function readTextFile(path: string, what: string): string {
  try {
    return path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `cannot read ${what} (${path} does not exist)` : `cannot read ${what} ${path}: ${code ?? (err as Error).message}`, path);
  }
}

/** The parsed JSON of `path`; a syntax error names the file. */
export function readJsonFile(path: string, what: string): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${what} ${path} is not valid JSON: ${(err as Error).message}`, path);
  }
}
