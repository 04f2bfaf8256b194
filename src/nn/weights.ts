/**
 * A model's weights as a safetensors file, under PyTorch's names (pytorchNames.ts), so that
 * `model.load_state_dict(strict=True)` of the equivalent PyTorch module takes them as they are, and
 * reading back any file that PyTorch's reference models (scripts/fixtures/interop.py) or anneal
 * wrote. Every problem is an InputError naming the file: the CLI exits 2, as for any corrupt input.
 */
import { InputError } from '../errors.js';
import { loadSafetensors, saveSafetensors } from '../io/index.js';
import type { Tensor } from '../tensor/index.js';
import { StateDictError, type Module, type StateDict } from './module.js';

/** The model's state dict under PyTorch's names: what anneal writes to weights files. */
export function toPyTorchStateDict(model: Module): StateDict {
  return model.stateDict({ naming: 'pytorch' });
}

/**
 * Loads named tensors (PyTorch's names or anneal's) into `model` strictly: a missing, unexpected,
 * mis-shaped or conflicting tensor is an InputError that names `source` and every offending key.
 */
export function loadWeightsFrom(model: Module, tensors: Record<string, Tensor>, source: string): void {
  try {
    model.loadStateDict(tensors);
  } catch (err) {
    if (err instanceof StateDictError) throw new InputError(`${source}: ${err.message}`, source);
    throw err;
  }
}

/**
 * Loads a safetensors file written by anneal or by PyTorch into `model` (the training config's
 * model.initFrom). Returns the file's metadata. A missing or malformed file, or one whose tensors do
 * not fit the model, is an InputError naming the path.
 */
export function loadWeights(model: Module, path: string): Record<string, string> {
  const { tensors, metadata } = loadSafetensors(path);
  loadWeightsFrom(model, tensors, path);
  return metadata;
}

/** Writes the model's weights to `path` atomically, under PyTorch's names. */
export function saveWeights(model: Module, path: string, metadata: Record<string, string> = {}): void {
  saveSafetensors(path, toPyTorchStateDict(model), metadata);
}
