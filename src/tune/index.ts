/** Tuning: hyperparameter sweeps (grid and random search) and the learning-rate range test. */
export { parseAxis, splitValues, expandGrid, sampleRandom, pointOverrides, type Axis, type Distribution, type TrialPoint } from './space.js';
export {
  sweep, planTrials, rankTrials, metricValue, parseMetric, formatSweepTable, settingsLabel, formatValue, drawSweepChart, sweepMetrics,
  SWEEP_FILE, BEST_FILE, TRIAL_CONFIG_FILE, SWEEP_FORMAT,
  type SweepOptions, type SweepResult, type SweepEvent, type SweepFile, type SweepDefinition, type TrialRecord, type TrialMetrics,
} from './sweep.js';
export { inProcessRunner, processRunner, type TrialRunner, type TrialRun, type TrialOutcome, type TrialStatus, type RunnerInfo } from './runners.js';
export { lrRangeTest, suggestLr, rangeTestLr, type RangeTestOptions, type RangeTestTarget, type RangeTestResult, type LrSuggestions } from './lrFind.js';
export { lrFind, lrFindChart, schedulePeakFactor, type LrFindResult } from './lrFindConfig.js';
export * as demos from './demos/index.js';
