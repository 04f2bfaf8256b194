/**
 * Learning-rate schedules (torch.optim.lr_scheduler and Hugging Face's optimization.py): every family
 * as a pure `(step) => factor`, compositions, warmup helpers, the name registry, and the stateful
 * LRScheduler / ReduceLROnPlateau.
 */
export {
  linearWarmup, withMomentum,
  type Schedule, type BaseLrOption, type SchedulableOptimizer, type SchedulableParamGroup,
} from './schedule.js';
export { resolveWarmupSteps, totalStepsFor, type WarmupOptions, type TotalStepsOptions } from './steps.js';
export { constant, constantWithWarmup, type ConstantWithWarmupOptions } from './constant.js';
export { linear, type LinearOptions } from './linear.js';
export { cosine, cosineWithRestarts, type CosineOptions, type CosineWithRestartsOptions } from './cosine.js';
export { polynomial, type PolynomialOptions } from './polynomial.js';
export { inverseSqrt, type InverseSqrtOptions } from './inverseSqrt.js';
export { noam, type NoamOptions } from './noam.js';
export { warmupStableDecay, wsdShapes, type WarmupStableDecayOptions, type WsdShape } from './wsd.js';
export { linearLR, constantLR, type LinearLROptions, type ConstantLROptions } from './torch/linearLR.js';
export { stepLR, multiStepLR, exponentialLR, type StepLROptions, type MultiStepLROptions, type ExponentialLROptions } from './torch/stepLR.js';
export {
  cosineAnnealingLR, cosineAnnealingWarmRestarts,
  type CosineAnnealingLROptions, type CosineAnnealingWarmRestartsOptions,
} from './torch/cosineAnnealingLR.js';
export { oneCycleLR, type OneCycleLROptions } from './torch/oneCycleLR.js';
export { polynomialLR, type PolynomialLROptions } from './torch/polynomialLR.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions, type ReduceLROnPlateauState } from './torch/reduceLROnPlateau.js';
export { join, sequential, type Phase } from './compose.js';
export { warmupOptionSpecs, type OptionSpec, type OptionType, type ScheduleEntry, type StepScheduleEntry, type MetricScheduleEntry } from './entry.js';
export {
  scheduleRegistry, scheduleNames, getScheduleEntry, validateScheduleSpec, buildSchedule, isMetricDriven, isSequentialSpec, renameConfigError,
  type ScheduleSpec, type NamedScheduleSpec, type SequentialScheduleSpec, type ScheduleContext,
} from './registry.js';
export { LRScheduler, createScheduler, type LRSchedulerOptions, type LRSchedulerState } from './scheduler.js';
