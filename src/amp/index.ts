/** Mixed precision (torch.amp): the autocast region and the dynamic loss scaler. */
export { GradScaler, gradScalerOptions, type GradScalerOptions, type GradScalerState, type ScaledOptimizer } from './gradScaler.js';
export { autocast, autocastDtype, PRECISIONS, type HalfDtype, type Precision } from '../tensor/autocast.js';
