/**
 * A run's output directory: run.json (how the run was started), metrics.jsonl (one JSON object per
 * event), checkpoints/ and the model directory. Opening it checks before any work that it can be
 * created and written, and clears what an interrupted write left behind.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, appendFileSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend } from '../backend/index.js';
import { InputError } from '../errors.js';
import { removeStaleTemporaries, writeFileAtomic } from '../io/index.js';
import { version } from '../version.js';
import { CHECKPOINT_DIR } from './checkpoint.js';
import { stringifyExact } from './json.js';
import { MODEL_DIR } from './modelDir.js';

export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';

/** Raised when an output directory cannot be used; the CLI exits 2. */
export class OutputDirError extends InputError {
  override name = 'OutputDirError';
}

export interface RunInfo {
  /** The resolved config (every default filled in). */
  config: unknown;
  seed: number;
  backend: string;
  threads: number;
  version: string;
  gitCommit: string | null;
  startedAt: string;
  argv: string[];
  /** Each time the run was resumed: when, and from which step. */
  resumes: { at: string; fromStep: number }[];
}

function gitCommit(): string | null {
  try {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
    if (!existsSync(join(root, '.git'))) return null;
    return execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

export class RunDir {
  readonly metricsPath: string;

  private constructor(readonly path: string) {
    this.metricsPath = join(path, METRICS_FILE);
  }

  /**
   * Opens `path` for a run: creates it and proves it writable. A directory that already holds a
   * run is an error unless the run is resumed or `overwrite` clears it.
   */
  static open(path: string, options: { resume?: boolean; overwrite?: boolean } = {}): RunDir {
    if (existsSync(path) && !statSync(path).isDirectory()) throw new OutputDirError(`--out ${path} is a file, not a directory`, path);
    try {
      mkdirSync(path, { recursive: true });
      accessSync(path, constants.W_OK);
      const probe = join(path, `.write-check.tmp-${process.pid}`);
      writeFileAtomic(probe, '');
      rmSync(probe, { force: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new OutputDirError(`cannot write to output directory ${path} (${code})`, path);
    }
    const run = new RunDir(path);
    const hasRun = existsSync(join(path, RUN_FILE));
    if (options.resume && !hasRun) throw new OutputDirError(`${path} holds no run to resume (no ${RUN_FILE})`, path);
    if (!options.resume && hasRun) {
      if (!options.overwrite) {
        throw new OutputDirError(`${path} already holds a run (${RUN_FILE}); resume it with --resume ${path}, choose another --out, or pass --overwrite to replace it`, path);
      }
      for (const entry of [RUN_FILE, METRICS_FILE, CHECKPOINT_DIR, MODEL_DIR]) rmSync(join(path, entry), { recursive: true, force: true });
      for (const entry of readdirSync(path)) if (entry.startsWith(`.${MODEL_DIR}-`)) rmSync(join(path, entry), { recursive: true, force: true });
    }
    run.clean();
    return run;
  }

  /** Removes temporaries of interrupted writes (staging directories, half-written files). */
  clean(): void {
    removeStaleTemporaries(this.path, [MODEL_DIR]);
    removeStaleTemporaries(join(this.path, CHECKPOINT_DIR));
  }

  readRunInfo(): RunInfo {
    const p = join(this.path, RUN_FILE);
    try {
      return JSON.parse(readFileSync(p, 'utf8')) as RunInfo;
    } catch (err) {
      throw new InputError(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, p);
    }
  }

  writeRunInfo(config: unknown, seed: number, previous: RunInfo | null, fromStep: number | null): void {
    const backend = getBackend() as { name: string; threads?: number };
    const info: RunInfo = previous
      ? { ...previous, config, resumes: [...previous.resumes, { at: new Date().toISOString(), fromStep: fromStep ?? 0 }] }
      : { config, seed, backend: backend.name, threads: backend.threads ?? 1, version, gitCommit: gitCommit(), startedAt: new Date().toISOString(), argv: process.argv.slice(2), resumes: [] };
    writeFileAtomic(join(this.path, RUN_FILE), JSON.stringify(info, null, 2) + '\n');
  }

  /** Appends one event line. */
  log(record: { type: string; step: number } & Record<string, unknown>): void {
    appendFileSync(this.metricsPath, stringifyExact(record) + '\n');
  }

  /**
   * Keeps the events of steps up to `step` (a resumed run replays the rest), dropping a line cut
   * short by a crash.
   */
  truncateMetrics(step: number): void {
    if (!existsSync(this.metricsPath)) return;
    const kept: string[] = [];
    for (const line of readFileSync(this.metricsPath, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let record: { step?: unknown; type?: unknown };
      try {
        record = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof record.step === 'number' && (record.step < step || (record.step === step && record.type !== 'end'))) kept.push(line);
    }
    writeFileAtomic(this.metricsPath, kept.map((l) => l + '\n').join(''));
  }
}
