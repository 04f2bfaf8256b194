/**
 * anneal: Transformer training in TypeScript. The top level mirrors `torch` (tensor factories,
 * ops, noGrad, manualSeed); namespaces mirror torch.nn, torch.optim and friends.
 */
export * from './tensor/index.js';
export * as backend from './backend/index.js';
export const version = '0.1.0';
