/**
 * Directories that appear or change all at once. A directory is first written in full under a
 * temporary name and renamed into place (rename is atomic within a filesystem). Replacing one that
 * readers use goes through a symbolic link: `name` links to a versioned directory, and a new link
 * renamed over it switches readers from the complete old version to the complete new one in one
 * step, so a crash at any instant leaves one of the two, never a mix of files from both.
 */
import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Steps of a directory write, named so tests can simulate a crash between any two of them. */
export type DirWriteStep = 'files-written' | 'directory-renamed' | 'link-created' | 'link-replaced';

export interface DirWriteOptions {
  /** Called after each step; a test throws here to play a crash at that point. */
  afterStep?: (step: DirWriteStep) => void;
}

const TMP_MARK = '.tmp-';

function fsyncPath(path: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // some filesystems refuse fsync on directories; the rename is still atomic
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function writeFileSynced(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(path, 'w');
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function uniqueSuffix(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

/** Writes `files` (name -> contents) as a new directory at `path`, which must not exist yet. */
export function writeNewDirAtomic(path: string, files: Readonly<Record<string, Uint8Array | string>>, options: DirWriteOptions = {}): void {
  const parent = dirname(path);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `${basename(path)}${TMP_MARK}${uniqueSuffix()}`);
  mkdirSync(staging);
  try {
    for (const [name, data] of Object.entries(files)) writeFileSynced(join(staging, name), data);
    fsyncPath(staging);
    options.afterStep?.('files-written');
    renameSync(staging, path);
    fsyncPath(parent);
    options.afterStep?.('directory-renamed');
  } catch (err) {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Makes `path` (a symbolic link) show a new directory holding `files`, replacing what it showed
 * before in one atomic step; the previous version is then deleted. The versions live beside the
 * link as `.NAME-<version>` directories.
 */
export function replaceDirAtomic(path: string, files: Readonly<Record<string, Uint8Array | string>>, options: DirWriteOptions = {}): void {
  const parent = dirname(path);
  const name = basename(path);
  mkdirSync(parent, { recursive: true });
  const previous = currentTarget(path);
  const version = `.${name}-${uniqueSuffix()}`;
  writeNewDirAtomic(join(parent, version), files, options);
  const link = join(parent, `.${name}.link${TMP_MARK}${uniqueSuffix()}`);
  try {
    symlinkSync(version, link, 'dir');
    options.afterStep?.('link-created');
    if (previous === null && existsSync(path) && !lstatSync(path).isSymbolicLink()) {
      // a plain directory in the way (an older layout): it is replaced, not merged into
      rmSync(path, { recursive: true, force: true });
    }
    renameSync(link, path);
    fsyncPath(parent);
    options.afterStep?.('link-replaced');
  } catch (err) {
    rmSync(link, { force: true });
    throw err;
  }
  if (previous !== null && previous !== version) rmSync(join(parent, previous), { recursive: true, force: true });
}

/** The versioned directory a link made by replaceDirAtomic points to, or null. */
function currentTarget(path: string): string | null {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : null;
  } catch {
    return null;
  }
}

/**
 * Removes what interrupted writes left in `dir`: staging directories and links, and versions of
 * `linkName` that the link no longer points to. Safe to run at any time no write is in progress.
 */
export function removeStaleTemporaries(dir: string, linkNames: readonly string[] = []): void {
  if (!existsSync(dir)) return;
  const live = new Set(linkNames.map((n) => currentTarget(join(dir, n))).filter((t): t is string => t !== null));
  for (const entry of readdirSync(dir)) {
    const stale = entry.includes(TMP_MARK) || linkNames.some((n) => entry.startsWith(`.${n}-`) && !live.has(entry));
    if (stale) rmSync(join(dir, entry), { recursive: true, force: true });
  }
}
