/**
 * Checkpoints in OUT/checkpoints/step-NNNNNNNN: the parameters (model.safetensors), the optimizer's
 * tensors (optimizer.safetensors) and the rest of the TrainState (state.json), everything needed to
 * continue exactly. Each is a directory written whole under a temporary name and renamed into
 * place, so every step-* directory is complete; the last `keep` are kept, plus the best.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { deserializeSafetensors, serializeSafetensors, writeNewDirAtomic, type DirWriteOptions } from '../io/index.js';
import type { OptimizerStateDict, ParamState } from '../optim/index.js';
import { Tensor } from '../tensor/index.js';
import type { StateDict } from '../nn/index.js';
import { parseExact, stringifyExact } from './json.js';
import type { TrainState } from './state.js';

export const CHECKPOINT_DIR = 'checkpoints';
const PREFIX = 'step-';

export const checkpointName = (step: number): string => `${PREFIX}${String(step).padStart(8, '0')}`;

/** Steps of the complete checkpoints under OUT, ascending. */
export function listCheckpoints(outDir: string): number[] {
  const dir = join(outDir, CHECKPOINT_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^step-\d{8}$/.test(n) && existsSync(join(dir, n, 'state.json')))
    .map((n) => Number(n.slice(PREFIX.length)))
    .sort((a, b) => a - b);
}

function splitOptimizerState(sd: OptimizerStateDict<Record<string, unknown>>): { json: unknown; tensors: Record<string, Tensor> } {
  const tensors: Record<string, Tensor> = {};
  const state: Record<string, Record<string, unknown>> = {};
  for (const [index, s] of Object.entries(sd.state)) {
    const entry: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(s)) {
      if (value instanceof Tensor) {
        const key = `state.${index}.${name}`;
        tensors[key] = value;
        entry[name] = { $tensor: key };
      } else entry[name] = value;
    }
    state[index] = entry;
  }
  return { json: { state, paramGroups: sd.paramGroups }, tensors };
}

function joinOptimizerState(json: { state: Record<string, Record<string, unknown>>; paramGroups: unknown[] }, tensors: Record<string, Tensor>, path: string): OptimizerStateDict<Record<string, unknown>> {
  const state: Record<number, ParamState> = {};
  for (const [index, s] of Object.entries(json.state)) {
    const entry: ParamState = {};
    for (const [name, value] of Object.entries(s)) {
      if (value !== null && typeof value === 'object' && '$tensor' in value) {
        const t = tensors[(value as { $tensor: string }).$tensor];
        if (!t) throw new InputError(`${path}: optimizer tensor ${(value as { $tensor: string }).$tensor} is missing`, path);
        entry[name] = t;
      } else entry[name] = value as ParamState[string];
    }
    state[Number(index)] = entry;
  }
  return { state, paramGroups: json.paramGroups as OptimizerStateDict<Record<string, unknown>>['paramGroups'] };
}

/** Writes the checkpoint of `state` (skipped when one for this step exists) and prunes old ones. */
export function saveCheckpoint(outDir: string, state: TrainState, weights: StateDict, keep: number, options: DirWriteOptions = {}): string {
  const path = join(outDir, CHECKPOINT_DIR, checkpointName(state.step));
  if (!existsSync(path)) {
    const { json, tensors } = splitOptimizerState(state.optimizer);
    writeNewDirAtomic(
      path,
      {
        'model.safetensors': serializeSafetensors(weights, { format: 'anneal.checkpoint' }),
        'optimizer.safetensors': serializeSafetensors(tensors, { format: 'anneal.checkpoint' }),
        'state.json': stringifyExact({ ...state, optimizer: json }) + '\n',
      },
      options,
    );
  }
  pruneCheckpoints(outDir, keep, state.best?.step ?? null);
  return path;
}

/** Keeps the `keep` most recent checkpoints and the one at `bestStep`. */
export function pruneCheckpoints(outDir: string, keep: number, bestStep: number | null): void {
  const steps = listCheckpoints(outDir);
  const kept = new Set(steps.slice(-keep));
  if (bestStep !== null) kept.add(bestStep);
  for (const s of steps) if (!kept.has(s)) rmSync(join(outDir, CHECKPOINT_DIR, checkpointName(s)), { recursive: true, force: true });
}

export interface LoadedCheckpoint {
  path: string;
  state: TrainState;
  weights: Record<string, Tensor>;
}

/** Reads the checkpoint at `step` under OUT. */
export function loadCheckpoint(outDir: string, step: number): LoadedCheckpoint {
  const path = join(outDir, CHECKPOINT_DIR, checkpointName(step));
  const read = (name: string) => {
    try {
      return readFileSync(join(path, name));
    } catch (err) {
      throw new InputError(`cannot read checkpoint file ${join(path, name)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, join(path, name));
    }
  };
  let raw: TrainState & { optimizer: { state: Record<string, Record<string, unknown>>; paramGroups: unknown[] } };
  try {
    raw = parseExact(read('state.json').toString('utf8')) as typeof raw;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${join(path, 'state.json')} is not valid JSON: ${(err as Error).message}`, join(path, 'state.json'));
  }
  const weights = deserializeSafetensors(read('model.safetensors'), join(path, 'model.safetensors')).tensors;
  const optimizerTensors = deserializeSafetensors(read('optimizer.safetensors'), join(path, 'optimizer.safetensors')).tensors;
  const state: TrainState = { ...raw, optimizer: joinOptimizerState(raw.optimizer, optimizerTensors, join(path, 'state.json')) };
  return { path, state, weights };
}
