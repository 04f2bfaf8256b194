/**
 * How a sweep runs one trial: in this process through train(), or as a separate `anneal train`
 * process (for --parallel). Either way a trial is a normal run directory; the runner only reports
 * how it ended, and the sweep reads the metrics from the directory itself.
 */
import { spawn } from 'node:child_process';
import { readRun } from '../plot/runData.js';
import { AnnealError } from '../errors.js';
import { DivergenceError, train, type TrainEvent } from '../train/trainer.js';
import type { TrainConfig } from '../train/config.js';

export type TrialStatus = 'pending' | 'running' | 'completed' | 'diverged' | 'failed' | 'interrupted';

export interface TrialRun {
  name: string;
  /** The trial's run directory. */
  dir: string;
  /** Its config, also written as JSON at configPath for a runner that starts another process. */
  config: TrainConfig;
  configPath: string;
  /** Continue from the directory's last checkpoint instead of starting afresh. */
  resume: boolean;
  signal?: AbortSignal;
}

export interface TrialOutcome {
  status: 'completed' | 'diverged' | 'failed' | 'interrupted';
  error: string | null;
}

export type TrialRunner = (run: TrialRun) => Promise<TrialOutcome>;

/** Whether a runner may run several trials at once (one in this process: the random generator is global). */
export interface RunnerInfo {
  concurrent: boolean;
}

/** Runs trials in this process, one at a time; onEvent sees each trial's training events. */
export function inProcessRunner(onEvent?: (trial: string, e: TrainEvent) => void): TrialRunner & RunnerInfo {
  const runner = async (run: TrialRun): Promise<TrialOutcome> => {
    try {
      const result = await train(run.config, {
        out: run.dir, resume: run.resume, overwrite: !run.resume, signal: run.signal,
        onEvent: onEvent ? (e) => onEvent(run.name, e) : undefined,
      });
      return result.interrupted ? { status: 'interrupted', error: null } : { status: 'completed', error: null };
    } catch (err) {
      if (err instanceof DivergenceError) return { status: 'diverged', error: err.message };
      return { status: 'failed', error: err instanceof AnnealError ? err.message : err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  };
  return Object.assign(runner, { concurrent: false });
}

/** The last line of a child's stderr that says something, without the `anneal: ` prefix. */
function lastMessage(stderr: string): string | null {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const said = lines.filter((l) => l.startsWith('anneal: ') && !l.startsWith('anneal: warning'));
  const line = said[said.length - 1] ?? lines[lines.length - 1];
  return line === undefined ? null : line.replace(/^anneal: /, '');
}

function endedBy(dir: string): string | null {
  try {
    return readRun(dir).end?.stopReason ?? null;
  } catch {
    return null;
  }
}

/**
 * Runs each trial as `node CLI train CONFIG --out DIR` (or `--resume DIR`) in its own process, so
 * several can run at once. The children get their own process group: a Ctrl-C reaches the sweep
 * alone, which then asks each child once (SIGTERM) to checkpoint and stop, as `anneal train` does
 * on its first signal; a second signal would make a child quit without its checkpoint.
 */
export function processRunner(cliPath: string, extraArgs: readonly string[] = []): TrialRunner & RunnerInfo {
  const runner = (run: TrialRun): Promise<TrialOutcome> =>
    new Promise((resolve) => {
      const args = run.resume ? ['train', '--resume', run.dir] : ['train', run.configPath, '--out', run.dir, '--overwrite'];
      const child = spawn(process.execPath, [cliPath, ...args, '--quiet', '--no-plot', ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      let stderr = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-8192);
      });
      const stop = () => child.kill('SIGTERM');
      // if the sweep itself exits, its trials go with it
      const onExit = () => child.kill('SIGKILL');
      run.signal?.addEventListener('abort', stop, { once: true });
      process.once('exit', onExit);
      child.on('error', (err) => {
        stderr += `\nanneal: ${err.message}`;
      });
      child.on('close', (code, signal) => {
        run.signal?.removeEventListener('abort', stop);
        process.off('exit', onExit);
        if (code === 0) return resolve({ status: 'completed', error: null });
        if (code === 130) return resolve({ status: 'interrupted', error: null });
        const reason = endedBy(run.dir);
        const message = lastMessage(stderr) ?? (signal ? `killed by ${signal}` : `exited with code ${code}`);
        if (reason?.startsWith('diverged')) return resolve({ status: 'diverged', error: message });
        if (run.signal?.aborted) return resolve({ status: 'interrupted', error: null });
        resolve({ status: 'failed', error: message });
      });
    });
  return Object.assign(runner, { concurrent: true });
}
