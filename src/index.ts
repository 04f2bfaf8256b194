/**
 * anneal: Transformer training in TypeScript. The top level mirrors `torch` (tensor factories,
 * ops, noGrad, manualSeed); namespaces mirror torch.nn, torch.optim, torch.optim.lr_scheduler and
 * the rest of the training recipe.
 */
export * from './tensor/index.js';
export * as backend from './backend/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as lr from './lr/index.js';
export * as loss from './loss/index.js';
export * as data from './data/index.js';
export * as io from './io/index.js';
export * as train from './train/index.js';
export * as tune from './tune/index.js';
export * as amp from './amp/index.js';
export { AnnealError, ArgumentError, ConfigError, InputError, InternalError } from './errors.js';
export { strictOptions, suggestKey, parseConfig, describeOptions, UnknownOptionError, type OptionsSchema, type OptionInfo, type StrictOptionsNaming } from './options.js';
export { version } from './version.js';
// Charts load vega, which takes ~0.3 s to import: they live at the subpath 'anneal/plot'.
