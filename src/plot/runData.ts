/**
 * A training run's directory as the charts and reports read it: run.json (the config) and
 * metrics.jsonl (one event a line, as the trainer logs them). Plain file reading, no chart library,
 * so the sweep can use it without loading vega. The file names are the trainer's (src/train/runDir.ts);
 * they are spelled here rather than imported so that reading a run does not load the tensor library.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../errors.js';

export const RUN_INFO_FILE = 'run.json';
export const METRICS_LOG_FILE = 'metrics.jsonl';

/** One optimizer step as logged; `lossScale` only when the run used a loss scaler (fp16). */
export interface StepRecord {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  paramNorm: number;
  tokensPerSecond?: number;
  elapsedSeconds?: number;
  lossScale?: number;
}

/** One evaluation as logged: the loss and perplexity, token accuracy and the task's metrics (exactMatch). */
export interface EvalRecordLine {
  step: number;
  split: 'valid' | 'test';
  loss: number;
  perplexity: number;
  tokenAccuracy: number;
  best?: boolean;
  exactMatch?: number;
  [metric: string]: number | string | boolean | undefined;
}

export interface RunSample {
  input: string;
  output: string;
  expected?: string;
}

export interface RunEnd {
  step: number;
  stopReason: string;
  elapsedSeconds?: number;
  trainSeconds?: number;
  model?: 'final' | 'best' | null;
  samples?: RunSample[];
}

export interface RunData {
  /** The directory. */
  dir: string;
  /** A short name for legends: the directory's base name. */
  name: string;
  /** The resolved config from run.json, or null when run.json is missing. */
  config: Record<string, unknown> | null;
  steps: StepRecord[];
  /** Validation evaluations in step order. */
  evals: EvalRecordLine[];
  /** The evaluation on the test split after training, if any. */
  test: EvalRecordLine | null;
  warnings: { step: number; message: string }[];
  /** The last `end` event; null while the run is going or after a crash. */
  end: RunEnd | null;
}

/**
 * Reads a run directory; a missing directory or a missing metrics.jsonl is an InputError naming the
 * path. A line cut short by a crash is skipped.
 */
export function readRun(dir: string, name?: string): RunData {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`run directory ${dir} does not exist`, dir);
  const metricsPath = join(dir, METRICS_LOG_FILE);
  if (!existsSync(metricsPath)) throw new InputError(`${dir} is not a run directory (${METRICS_LOG_FILE} is missing; anneal train --out DIR writes one)`, metricsPath);
  let config: Record<string, unknown> | null = null;
  const infoPath = join(dir, RUN_INFO_FILE);
  if (existsSync(infoPath)) {
    try {
      config = (JSON.parse(readFileSync(infoPath, 'utf8')) as { config?: Record<string, unknown> }).config ?? null;
    } catch {
      config = null;
    }
  }
  const run: RunData = { dir, name: name ?? basename(dir), config, steps: [], evals: [], test: null, warnings: [], end: null };
  for (const line of readFileSync(metricsPath, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    switch (e.type) {
      case 'step':
        run.steps.push(e as unknown as StepRecord);
        break;
      case 'eval':
        if (e.split === 'test') run.test = e as unknown as EvalRecordLine;
        else run.evals.push(e as unknown as EvalRecordLine);
        break;
      case 'warning':
        run.warnings.push({ step: e.step as number, message: String(e.message) });
        break;
      case 'end':
        run.end = e as unknown as RunEnd;
        break;
      default:
        break;
    }
  }
  return run;
}

/** The run's final validation evaluation, or null. */
export function finalEval(run: RunData): EvalRecordLine | null {
  return run.evals[run.evals.length - 1] ?? null;
}

/** The validation evaluation with the lowest loss (the trainer's best), or null. */
export function bestEval(run: RunData): EvalRecordLine | null {
  let best: EvalRecordLine | null = null;
  for (const e of run.evals) if (Number.isFinite(e.loss) && (best === null || e.loss < best.loss)) best = e;
  return best;
}

/** Whether lower values of a metric are better (losses, perplexity) or higher (accuracies). */
export function lowerIsBetter(metric: string): boolean {
  return metric === 'loss' || metric === 'perplexity' || metric.endsWith('Loss') || metric.endsWith('Error');
}

/** The best value each numeric metric reached over the run's validation evaluations (min or max by the metric). */
export function bestValues(run: RunData): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of run.evals) {
    for (const [k, v] of Object.entries(e)) {
      if (k === 'step' || k === 'elapsedSeconds' || typeof v !== 'number' || !Number.isFinite(v)) continue;
      const cur = out[k];
      if (cur === undefined || (lowerIsBetter(k) ? v < cur : v > cur)) out[k] = v;
    }
  }
  return out;
}
