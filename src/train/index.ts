export {
  parseTrainConfig, trainConfigSchemas, optimizerSchema, taskNames, optimizerNames, MAX_DIGITS, checkScheduleLength, scheduleWarning,
  type TrainConfig, type TrainConfigInput, type TrainingConfig, type TaskName, type NumbersConfig, type LanguageModelConfig, type Seq2SeqConfig,
} from './config.js';
export { parseConfig } from './configErrors.js';
export { parseOverride, parseValue, applyOverrides, type Override } from './overrides.js';
export { train, DivergenceError, type TrainEvent, type TrainResult, type TrainOptions } from './trainer.js';
export { buildOptimizer, buildScheduler, type TrainOptimizer, type TrainScheduler } from './builders.js';
export type { Task, Batch, StepLoader, EvalResult, Sample } from './task.js';
export { createTask, NumbersTask } from './tasks/index.js';
export { initialState, type TrainState, type EvalRecord } from './state.js';
export { earlyStopping, targetReached, converged, improves, evaluationsSinceBest } from './stopping.js';
export { saveCheckpoint, loadCheckpoint, listCheckpoints, pruneCheckpoints, checkpointName, CHECKPOINT_DIR, type LoadedCheckpoint } from './checkpoint.js';
export { RunDir, OutputDirError, RUN_FILE, METRICS_FILE, type RunInfo } from './runDir.js';
export { exactMatch, translateNumbers, type ExactMatch } from './evaluate.js';
export { saveModelDir, loadModelDir, resolveModelDir, MODEL_FILE, CONFIG_FILE, MODEL_DIR, FORMAT, type SavedModelConfig, type LoadedModel, type ModelDirContents } from './modelDir.js';
export * from './compareOptimizers.js';
