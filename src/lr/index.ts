/**
 * Learning-rate schedules (torch.optim.lr_scheduler and Hugging Face's optimization.py): every family
 * as a pure `(step) => factor` with its options as a described zod schema, compositions, warmup helpers,
 * the name registry, and the stateful LRScheduler / ReduceLROnPlateau.
 */
export {
  linearWarmup, withMomentum,
  type Schedule, type BaseLrOption, type SchedulableOptimizer, type SchedulableParamGroup,
} from './schedule.js';
export { resolveWarmupSteps, totalStepsFor, type WarmupOptions, type TotalStepsOptions } from './steps.js';
export { constant, constantWithWarmup, constantWithWarmupOptions, type ConstantWithWarmupOptions } from './constant.js';
export { linear, linearOptions, type LinearOptions } from './linear.js';
export {
  cosine, cosineWithRestarts, cosineOptions, cosineWithRestartsOptions, type CosineOptions, type CosineWithRestartsOptions,
} from './cosine.js';
export { polynomial, polynomialOptions, type PolynomialOptions } from './polynomial.js';
export { inverseSqrt, inverseSqrtOptions, type InverseSqrtOptions } from './inverseSqrt.js';
export { noam, noamOptions, type NoamOptions } from './noam.js';
export { warmupStableDecay, warmupStableDecayOptions, wsdShapes, type WarmupStableDecayOptions, type WsdShape } from './wsd.js';
export { linearLR, constantLR, linearLROptions, constantLROptions, type LinearLROptions, type ConstantLROptions } from './torch/linearLR.js';
export {
  stepLR, multiStepLR, exponentialLR, stepLROptions, multiStepLROptions, exponentialLROptions,
  type StepLROptions, type MultiStepLROptions, type ExponentialLROptions,
} from './torch/stepLR.js';
export {
  cosineAnnealingLR, cosineAnnealingWarmRestarts, cosineAnnealingLROptions, cosineAnnealingWarmRestartsOptions,
  type CosineAnnealingLROptions, type CosineAnnealingWarmRestartsOptions,
} from './torch/cosineAnnealingLR.js';
export { oneCycleLR, oneCycleLROptions, type OneCycleLROptions } from './torch/oneCycleLR.js';
export { polynomialLR, polynomialLROptions, type PolynomialLROptions } from './torch/polynomialLR.js';
export {
  ReduceLROnPlateau, reduceLROnPlateauOptions, type ReduceLROnPlateauOptions, type ReduceLROnPlateauState,
} from './torch/reduceLROnPlateau.js';
export { join, sequential, checkMilestones, type Phase } from './compose.js';
export {
  warmupFields, minLrFields, scheduleAliases, stepSchedule,
  type ScheduleEntry, type StepScheduleEntry, type MetricScheduleEntry, type BuildContext, type FamilyContext, type FamilyOptions,
} from './entry.js';
export {
  scheduleRegistry, scheduleNames, getScheduleEntry, validateScheduleSpec, buildSchedule, buildMetricScheduler, isMetricDriven,
  isSequentialSpec, renameConfigError, sequentialOptions,
  type ScheduleSpec, type NamedScheduleSpec, type SequentialScheduleSpec, type ScheduleContext,
  type ScheduleName, type ScheduleOptionsOf, type TypedScheduleSpec,
} from './registry.js';
export { LRScheduler, createScheduler, type LRSchedulerOptions, type LRSchedulerState } from './scheduler.js';
