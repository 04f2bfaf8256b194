/**
 * The range test on what a training config describes: its task's model (seeded as training seeds
 * it), optimizer, training batches, loss and gradient clipping. The schedule is set aside during the
 * test; the result says how the configured schedule scales optimizer.lr, so a suggested peak
 * learning rate can be turned into the optimizer.lr to write in the config.
 */
import { ConfigError } from '../errors.js';
import { buildSchedule, isMetricDriven, isSequentialSpec } from '../lr/index.js';
import { loadWeights } from '../nn/index.js';
import { manualSeed } from '../tensor/index.js';
import { buildOptimizer } from '../train/builders.js';
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from '../train/config.js';
import { createTask } from '../train/tasks/index.js';
import type { Batch } from '../train/task.js';
import { lrRangeTest, type RangeTestOptions, type RangeTestResult } from './lrFind.js';

export interface LrFindResult extends RangeTestResult {
  task: string;
  optimizer: string;
  /** The schedule's largest factor over the run: its learning rate peaks at scheduleFactor x optimizer.lr. */
  scheduleFactor: number;
  /** The optimizer.lr that puts the schedule's peak at each suggestion. */
  optimizerLr: { steep: number | null; minimum: number | null };
}

/** The largest factor the config's schedule applies to optimizer.lr over the run (1 for a metric-driven one). */
export function schedulePeakFactor(config: TrainConfig): number {
  if (!isSequentialSpec(config.schedule) && isMetricDriven(config.schedule)) return 1;
  const total = config.training.maxSteps ?? 10_000;
  const schedule = buildSchedule(config.schedule, { totalSteps: total, baseLr: config.optimizer.lr });
  let peak = 0;
  // the peak of a warmup schedule is near its start: every step of the first 10,000, then a coarse look
  for (let s = 0; s < total; s += s < 10_000 ? 1 : 100) peak = Math.max(peak, schedule(s));
  return peak;
}

/** Runs the range test for a config; nothing is written and nothing the config builds is kept. */
export function lrFind(input: TrainConfigInput | TrainConfig, options: RangeTestOptions = {}): LrFindResult {
  const config = parseTrainConfig(input);
  if (config.optimizer.relativeStep) throw new ConfigError('optimizer.relativeStep', "Adafactor's relative step sets its own learning rate: there is none to find");
  const task = createTask(config);
  manualSeed(config.seed);
  const model = task.buildModel();
  if (config.model.initFrom) loadWeights(model, config.model.initFrom);
  const optimizer = buildOptimizer(config, model);
  const loader = task.createLoader();
  const lossAndBackward = () => {
    const micro: Batch[] = loader.nextStep();
    const tokens = micro.reduce((n, b) => n + b.targetTokens, 0);
    let sum = 0;
    for (const batch of micro) {
      const l = task.loss(model, batch);
      sum += l.item();
      // normalised by the whole step's target tokens, as the trainer does
      l.div(tokens).backward();
    }
    return sum / tokens;
  };
  const result = lrRangeTest(
    { model, optimizer, lossAndBackward, clipGradNorm: config.training.clipGradNorm, extraState: [{ save: () => loader.state(), load: (s) => loader.loadState(s) }] },
    options,
  );
  const scheduleFactor = schedulePeakFactor(config);
  const scale = (lr: number | null) => (lr === null || !(scheduleFactor > 0) ? null : lr / scheduleFactor);
  return {
    ...result,
    task: config.task,
    optimizer: config.optimizer.name,
    scheduleFactor,
    optimizerLr: { steep: scale(result.suggestions.steep), minimum: scale(result.suggestions.minimum) },
  };
}

/** The range test's curve with both suggestions marked, as an SVG string (loads the chart library). */
export async function lrFindChart(result: RangeTestResult, title = 'Learning-rate range test'): Promise<string> {
  const { chartSvg } = await import('../plot/index.js');
  const finite = result.smoothed.filter(Number.isFinite);
  const lo = Math.min(...result.losses.filter(Number.isFinite), ...finite);
  // the blow-up at the end would flatten the rest: the axis stops a little above the first loss
  const hi = Math.max(finite[0] ?? 1, ...finite.slice(0, Math.max(1, finite.length - 5))) * 1.15;
  const at = (lr: number) => {
    const i = result.lrs.indexOf(lr);
    return i >= 0 ? result.smoothed[i] : undefined;
  };
  const markers = [];
  const s = result.suggestions;
  if (s.steep !== null) markers.push({ x: s.steep, y: at(s.steep), label: `steepest descent: ${s.steep.toExponential(1)}`, color: '#e15759' });
  if (s.minimum !== null) markers.push({ x: s.minimum, label: `minimum / 10: ${s.minimum.toExponential(1)}`, color: '#59a14f' });
  return chartSvg({
    title,
    subtitle: `${result.lrs.length} of ${result.steps} steps from ${result.minLr.toExponential(0)} to ${result.maxLr.toExponential(0)}; ${result.stopReason}`,
    xLabel: 'learning rate (log scale)', yLabel: 'training loss', logX: true, logY: false,
    yDomain: [lo * 0.95, hi],
    series: [
      { name: 'loss', x: result.lrs, y: result.losses, style: { color: '#a0cbe8', width: 1 } },
      { name: `smoothed loss (beta ${result.beta})`, x: result.lrs, y: result.smoothed, style: { color: '#4e79a7', width: 2.2 } },
    ],
    markers,
    legend: 'bottom',
  });
}
