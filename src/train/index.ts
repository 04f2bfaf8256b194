export { trainConfigSchema, parseTrainConfig, dataSchema, modelSchema, optimizerSchema, trainingSchema, type TrainConfig, type TrainConfigInput } from './config.js';
export { parseConfig } from './configErrors.js';
export { train, buildModel, buildOptimizer, type TrainEvent, type TrainResult, type TrainHooks, type Sample } from './trainer.js';
export { exactMatch, translateNumbers, type ExactMatch } from './evaluate.js';
export { saveModelDir, loadModelDir, MODEL_FILE, CONFIG_FILE, type SavedModelConfig, type LoadedModel } from './modelDir.js';
export * from './compareOptimizers.js';
