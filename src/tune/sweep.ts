/**
 * Hyperparameter search: grid or random search over dotted config paths, each trial a normal
 * training run in DIR/trial-NNN (so early stopping, checkpoints and exact resume are the trainer's).
 * DIR/sweep.json records every trial (settings, config, status, final and best validation metrics,
 * time) and is rewritten atomically as trials start and end, so a sweep run again with the same
 * command resumes: finished trials are skipped, an interrupted one continues from its checkpoint.
 * A trial that diverges or fails is recorded and the sweep goes on. At the end, DIR/best.json is
 * the best trial's config, ready for `anneal train`, and DIR/sweep.svg compares the trials'
 * validation curves.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { ConfigError, InputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { bestEval, bestValues, finalEval, lowerIsBetter, readRun, type EvalRecordLine, type RunData } from '../plot/runData.js';
import { listCheckpoints } from '../train/checkpoint.js';
import { parseTrainConfig, type TrainConfig } from '../train/config.js';
import { applyOverrides } from '../train/overrides.js';
import { inProcessRunner, type RunnerInfo, type TrialRunner, type TrialStatus } from './runners.js';
import { expandGrid, pointOverrides, sampleRandom, type Axis, type TrialPoint } from './space.js';

export const SWEEP_FILE = 'sweep.json';
export const BEST_FILE = 'best.json';
export const TRIAL_CONFIG_FILE = 'trial.json';
export const SWEEP_FORMAT = 'anneal.sweep';

/** The metrics a sweep can rank by; `final.` or `test.` in front picks the last validation or the test evaluation instead of the best value reached. */
export const sweepMetrics = ['loss', 'perplexity', 'tokenAccuracy', 'exactMatch'] as const;

/** An evaluation's numbers as the sweep records them. */
export interface TrialMetrics {
  step: number;
  loss: number;
  perplexity: number;
  tokenAccuracy: number;
  exactMatch?: number;
}

export interface TrialRecord {
  name: string;
  /** Its run directory, relative to the sweep directory. */
  dir: string;
  /** The axes' values of this trial, by dotted path. */
  settings: TrialPoint;
  /** The resolved config the trial trains with. */
  config: TrainConfig;
  status: TrialStatus;
  error: string | null;
  steps: number | null;
  stopReason: string | null;
  /** Seconds of training, evaluations included, across resumes. */
  seconds: number | null;
  /** The last validation evaluation. */
  final: TrialMetrics | null;
  /** The validation evaluation with the lowest loss (the trainer's best). */
  best: TrialMetrics | null;
  /** The best value of each metric over the evaluations (min of losses, max of accuracies). */
  bestValues: Record<string, number> | null;
  test: TrialMetrics | null;
}

/** What defines a sweep: a resumed sweep must have the same (random search may ask for more samples). */
export interface SweepDefinition {
  mode: 'grid' | 'random';
  /** The base config (file and --set) before each trial's settings. */
  base: Record<string, unknown>;
  axes: string[];
  seed: number | null;
  samples: number | null;
}

export interface SweepFile extends SweepDefinition {
  format: typeof SWEEP_FORMAT;
  version: 1;
  metric: string;
  best: string | null;
  trials: TrialRecord[];
}

export type SweepEvent =
  | { type: 'trial-start'; trial: TrialRecord; index: number; total: number; resume: boolean }
  | { type: 'trial-end'; trial: TrialRecord; index: number; total: number }
  | { type: 'trial-skip'; trial: TrialRecord; index: number; total: number };

export interface SweepOptions {
  /** The base config: a config file's object with --set applied. */
  base: Record<string, unknown>;
  axes: readonly Axis[];
  mode: 'grid' | 'random';
  /** Random search: how many trials, and the seed of their draws. */
  samples?: number;
  seed?: number;
  /** The sweep directory. */
  out: string;
  /** What ranks the trials (default 'loss': the best validation loss). */
  metric?: string;
  /** Trials at once (default 1); above 1 the runner must start processes (processRunner). */
  parallel?: number;
  runner?: TrialRunner & Partial<RunnerInfo>;
  /** Start afresh: remove the sweep already in `out`. */
  overwrite?: boolean;
  /** Run again the trials that failed (diverged ones stay: they would diverge again). */
  retryFailed?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: SweepEvent) => void;
  /** Draw DIR/sweep.svg and .png (default true). */
  chart?: boolean;
}

export interface SweepResult {
  dir: string;
  trials: TrialRecord[];
  /** Trials best first by the metric; those without a value (diverged, failed, unfinished) last. */
  ranking: TrialRecord[];
  best: TrialRecord | null;
  metric: string;
  interrupted: boolean;
}

/** Checks a metric name: loss, perplexity, tokenAccuracy, exactMatch, optionally after `final.` or `test.`. */
export function parseMetric(metric: string): { source: 'best' | 'final' | 'test'; name: string } {
  const m = /^(?:(final|test)\.)?(.+)$/.exec(metric)!;
  const name = m[2]!;
  if (!(sweepMetrics as readonly string[]).includes(name)) {
    throw new ConfigError('--metric', `unknown metric '${metric}'`, [...sweepMetrics, ...sweepMetrics.map((n) => `final.${n}`), ...sweepMetrics.map((n) => `test.${n}`)]);
  }
  return { source: (m[1] as 'final' | 'test' | undefined) ?? 'best', name };
}

/** A trial's value of the metric, or null when it has none. */
export function metricValue(trial: TrialRecord, metric: string): number | null {
  const { source, name } = parseMetric(metric);
  const v = source === 'best' ? trial.bestValues?.[name] : (source === 'final' ? trial.final : trial.test)?.[name as keyof TrialMetrics];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The trials best first; completed trials with a value ahead of the rest, which keep their order. */
export function rankTrials(trials: readonly TrialRecord[], metric: string): TrialRecord[] {
  const lower = lowerIsBetter(parseMetric(metric).name);
  const scored = trials.filter((t) => t.status === 'completed' && metricValue(t, metric) !== null);
  scored.sort((a, b) => (lower ? metricValue(a, metric)! - metricValue(b, metric)! : metricValue(b, metric)! - metricValue(a, metric)!));
  return [...scored, ...trials.filter((t) => !scored.includes(t))];
}

function trialName(i: number, count: number): string {
  return `trial-${String(i + 1).padStart(Math.max(3, String(count).length), '0')}`;
}

/** A short text of a trial's settings: the last part of each path, unless two axes share it. */
export function settingsLabel(settings: TrialPoint): string {
  const paths = Object.keys(settings);
  const last = paths.map((p) => p.split('.').pop()!);
  return paths
    .map((p, i) => `${last.indexOf(last[i]!) === last.lastIndexOf(last[i]!) ? last[i] : p}=${formatValue(settings[p])}`)
    .join(' ');
}

/** Numbers to 3 significant digits (sampled learning rates), everything else as JSON. */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The trials a sweep runs, each with its settings and resolved config; a config error names the trial. */
export function planTrials(options: Pick<SweepOptions, 'base' | 'axes' | 'mode' | 'samples' | 'seed'>): { name: string; settings: TrialPoint; config: TrainConfig }[] {
  if (options.axes.length === 0) throw new ConfigError('sweep', 'give at least one axis, like optimizer.lr=1e-4,3e-4,1e-3');
  const points = options.mode === 'grid' ? expandGrid(options.axes) : sampleRandom(options.axes, options.samples ?? 10, options.seed ?? 0);
  return points.map((settings, i) => {
    const name = trialName(i, points.length);
    let config: TrainConfig;
    try {
      config = parseTrainConfig(applyOverrides(options.base, pointOverrides(options.axes, settings)));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const detail = err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message;
      throw new ConfigError(err.field, `${detail} (in ${name}: ${settingsLabel(settings)})`);
    }
    return { name, settings, config };
  });
}

function metricsOf(e: EvalRecordLine | null): TrialMetrics | null {
  if (!e) return null;
  const m: TrialMetrics = { step: e.step, loss: e.loss, perplexity: e.perplexity, tokenAccuracy: e.tokenAccuracy };
  if (typeof e.exactMatch === 'number') m.exactMatch = e.exactMatch;
  return m;
}

/** Fills a record's results from its run directory. */
function summarise(record: TrialRecord, run: RunData): void {
  record.final = metricsOf(finalEval(run));
  record.best = metricsOf(bestEval(run));
  record.test = metricsOf(run.test);
  record.bestValues = run.evals.length ? bestValues(run) : null;
  record.steps = run.end?.step ?? run.steps[run.steps.length - 1]?.step ?? 0;
  record.stopReason = run.end?.stopReason ?? null;
  const last = run.steps[run.steps.length - 1];
  record.seconds = run.end?.elapsedSeconds ?? last?.elapsedSeconds ?? null;
}

function readSweepFile(path: string): SweepFile {
  let parsed: SweepFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as SweepFile;
  } catch (err) {
    throw new InputError(`cannot read ${path}: ${(err as Error).message}`, path);
  }
  if (parsed?.format !== SWEEP_FORMAT || !Array.isArray(parsed.trials)) throw new InputError(`${path} is not an anneal sweep file`, path);
  return parsed;
}

function definitionDifference(a: SweepDefinition, b: SweepDefinition): string | null {
  if (a.mode !== b.mode) return `a ${a.mode} search`;
  if (!isDeepStrictEqual(a.axes, b.axes)) return `other axes (${a.axes.join(' ')})`;
  if (!isDeepStrictEqual(a.base, b.base)) return 'another base config (the config file or --set differ)';
  if (a.mode === 'random' && a.seed !== b.seed) return `another seed (${a.seed})`;
  return null;
}

/** Removes what a sweep wrote to `dir` (its files and trial directories), nothing else. */
function clearSweep(dir: string): void {
  for (const f of [SWEEP_FILE, BEST_FILE, 'sweep.svg', 'sweep.png']) rmSync(join(dir, f), { force: true });
  for (const entry of readdirSync(dir)) if (/^trial-\d+$/.test(entry)) rmSync(join(dir, entry), { recursive: true, force: true });
}

const DONE: readonly TrialStatus[] = ['completed', 'diverged'];

/** Runs (or resumes) a sweep; see the file comment. */
export async function sweep(options: SweepOptions): Promise<SweepResult> {
  const metric = options.metric ?? 'loss';
  parseMetric(metric);
  const parallel = options.parallel ?? 1;
  if (!(Number.isInteger(parallel) && parallel >= 1)) throw new ConfigError('--parallel', `expects a positive integer, got ${parallel}`);
  const runner = options.runner ?? inProcessRunner();
  if (parallel > 1 && runner.concurrent === false) throw new ConfigError('--parallel', 'trials in this process run one at a time (the random generator is shared): use a process runner for parallel trials');
  const planned = planTrials(options);
  const dir = options.out;
  const definition: SweepDefinition = {
    mode: options.mode, base: options.base, axes: options.axes.map((a) => a.text),
    seed: options.mode === 'random' ? (options.seed ?? 0) : null, samples: options.mode === 'random' ? planned.length : null,
  };

  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError(`--out ${dir} is a file, not a directory`, dir);
  mkdirSync(dir, { recursive: true });
  const sweepPath = join(dir, SWEEP_FILE);
  let previous: SweepFile | null = null;
  if (options.overwrite) clearSweep(dir);
  else if (existsSync(sweepPath)) {
    previous = readSweepFile(sweepPath);
    const diff = definitionDifference(previous, definition);
    if (diff) throw new InputError(`${dir} holds another sweep, with ${diff}. Resume it with the same command, choose another --out, or pass --overwrite to replace it`, dir);
  } else if (readdirSync(dir).some((e) => /^trial-\d+$/.test(e))) {
    throw new InputError(`${dir} has trial directories but no ${SWEEP_FILE}: choose another --out, or pass --overwrite to replace them`, dir);
  }

  const trials: TrialRecord[] = planned.map((p) => {
    const old = previous?.trials.find((t) => t.name === p.name && isDeepStrictEqual(t.settings, p.settings));
    if (old) return { ...old, config: p.config };
    return { name: p.name, dir: p.name, settings: p.settings, config: p.config, status: 'pending', error: null, steps: null, stopReason: null, seconds: null, final: null, best: null, bestValues: null, test: null };
  });
  const save = () => {
    const ranking = rankTrials(trials, metric);
    const best = ranking[0] && metricValue(ranking[0], metric) !== null ? ranking[0] : null;
    const file: SweepFile = { format: SWEEP_FORMAT, version: 1, ...definition, metric, best: best?.name ?? null, trials };
    writeFileAtomic(sweepPath, JSON.stringify(file, null, 2) + '\n');
  };
  save();

  const total = trials.length;
  const todo: { trial: TrialRecord; index: number }[] = [];
  trials.forEach((trial, index) => {
    const skip = DONE.includes(trial.status) || (trial.status === 'failed' && !options.retryFailed);
    if (skip) options.onEvent?.({ type: 'trial-skip', trial, index, total });
    else todo.push({ trial, index });
  });

  const runOne = async ({ trial, index }: { trial: TrialRecord; index: number }) => {
    const runDir = join(dir, trial.dir);
    const configPath = join(runDir, TRIAL_CONFIG_FILE);
    let resume = existsSync(join(runDir, 'run.json')) && listCheckpoints(runDir).length > 0;
    if (resume) {
      // finished, but the sweep stopped before it recorded so
      const run = readRun(runDir);
      if (run.end && (run.end.model != null || run.end.stopReason.startsWith('diverged'))) {
        summarise(trial, run);
        trial.status = run.end.model != null ? 'completed' : 'diverged';
        trial.error = trial.status === 'diverged' ? run.end.stopReason : null;
        save();
        options.onEvent?.({ type: 'trial-end', trial, index, total });
        return;
      }
    }
    if (trial.status === 'failed') resume = false;
    mkdirSync(runDir, { recursive: true });
    writeFileAtomic(configPath, JSON.stringify(trial.config, null, 2) + '\n');
    trial.status = 'running';
    trial.error = null;
    save();
    options.onEvent?.({ type: 'trial-start', trial, index, total, resume });
    const started = performance.now();
    const outcome = await runner({ name: trial.name, dir: runDir, config: trial.config, configPath, resume, signal: options.signal });
    trial.status = outcome.status;
    trial.error = outcome.error;
    if (existsSync(join(runDir, 'metrics.jsonl'))) summarise(trial, readRun(runDir));
    trial.seconds ??= (performance.now() - started) / 1000;
    if (trial.status === 'completed' && trial.stopReason === null) {
      trial.status = 'failed';
      trial.error = 'the run ended without recording its end';
    }
    save();
    options.onEvent?.({ type: 'trial-end', trial, index, total });
  };

  let next = 0;
  const worker = async () => {
    while (next < todo.length && !options.signal?.aborted) await runOne(todo[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, todo.length) }, worker));

  const interrupted = options.signal?.aborted === true || trials.some((t) => t.status === 'interrupted');
  const ranking = rankTrials(trials, metric);
  const best = ranking[0] && metricValue(ranking[0], metric) !== null ? ranking[0] : null;
  if (best) writeFileAtomic(join(dir, BEST_FILE), JSON.stringify(best.config, null, 2) + '\n');
  else rmSync(join(dir, BEST_FILE), { force: true });
  save();
  if (options.chart !== false) await drawSweepChart(dir, trials, ranking, metric);
  return { dir, trials, ranking, best, metric, interrupted };
}

/** The trials' validation-loss curves on one chart, best first (at most 20), as DIR/sweep.svg and .png. */
export async function drawSweepChart(dir: string, trials: readonly TrialRecord[], ranking: readonly TrialRecord[], metric: string): Promise<string | null> {
  const { chartSvg, svgToPng } = await import('../plot/index.js');
  const shown = ranking.filter((t) => existsSync(join(dir, t.dir, 'metrics.jsonl'))).slice(0, 20);
  const series = shown.flatMap((t, i) => {
    const run = readRun(join(dir, t.dir));
    if (run.evals.length === 0) return [];
    const status = t.status === 'completed' ? '' : ` (${t.status})`;
    return [{
      name: `${t.name}: ${settingsLabel(t.settings)}${status}`,
      x: run.evals.map((e) => e.step),
      y: run.evals.map((e) => e.loss),
      style: { width: i === 0 && t.status === 'completed' ? 3 : 1.6, points: true, dash: t.status === 'completed' ? undefined : [4, 3] },
    }];
  });
  if (series.length === 0) return null;
  // a diverged trial's losses would flatten every other curve: the axis fits the completed trials, the rest runs off the top
  const completed = series.filter((s) => !s.style.dash).flatMap((s) => s.y).filter(Number.isFinite);
  const yDomain: [number, number] | undefined = completed.length ? [Math.min(...completed) * 0.95, Math.max(...completed) * 1.1] : undefined;
  const best = ranking[0];
  const svg = await chartSvg({
    title: `Sweep: validation loss of ${shown.length === trials.length ? `all ${trials.length}` : `the best ${shown.length} of ${trials.length}`} trials`,
    subtitle: best && metricValue(best, metric) !== null ? `ranked by ${metric}; best: ${best.name} (${settingsLabel(best.settings)}), ${metric} ${formatValue(metricValue(best, metric))}` : `ranked by ${metric}`,
    xLabel: 'step', yLabel: 'validation loss', series, legend: 'bottom', yDomain,
  });
  writeFileAtomic(join(dir, 'sweep.svg'), svg);
  writeFileAtomic(join(dir, 'sweep.png'), svgToPng(svg));
  return join(dir, 'sweep.svg');
}

/** The ranking as a text table: rank, trial, each axis, status, steps, the metric, final loss and time. */
export function formatSweepTable(result: Pick<SweepResult, 'ranking' | 'metric'>): string {
  const paths = Object.keys(result.ranking[0]?.settings ?? {});
  const { source, name } = parseMetric(result.metric);
  const head = ['rank', 'trial', ...paths, 'status', 'steps', `${source === 'best' ? 'best' : source} valid ${name}`.replace('test valid', 'test'), 'final valid loss', 'seconds'];
  const rows = result.ranking.map((t, i) => {
    const v = metricValue(t, result.metric);
    return [
      v !== null && t.status === 'completed' ? String(i + 1) : '-', t.name, ...paths.map((p) => formatValue(t.settings[p])), t.status, String(t.steps ?? ''),
      v === null ? '' : v.toPrecision(4), t.final ? t.final.loss.toPrecision(4) : '', t.seconds === null ? '' : t.seconds.toFixed(1),
    ];
  });
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((s, c) => s.padEnd(widths[c]!)).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}
