import type { Backend, BackendInfo } from './backend.js';
import { jsBackend } from './js/index.js';

export type {
  AdamArgs, AttentionArgs, AttentionBackwardArgs, Backend, BackendInfo, BinaryOp, CompareOp, DType, GemmArgs, SgdArgs, Storage, Strided, UnaryOp,
} from './backend.js';
export { BufferPool, sizeClass, type PoolStats } from './pool.js';
export { jsBackend } from './js/index.js';

let current: Backend = jsBackend;
const registered = new Map<string, Backend>([[jsBackend.name, jsBackend]]);

/** The backend every op dispatches to. */
export function getBackend(): Backend {
  return current;
}

/** Makes a backend available by name to `setBackend`. */
export function registerBackend(backend: Backend): void {
  registered.set(backend.name, backend);
}

/** Switches every subsequent op to the named (or given) backend. */
export function setBackend(backend: string | Backend): Backend {
  if (typeof backend !== 'string') {
    registerBackend(backend);
    current = backend;
    return current;
  }
  const found = registered.get(backend);
  if (!found) throw new Error(`unknown backend '${backend}'; available: ${[...registered.keys()].join(', ')}`);
  current = found;
  return current;
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...registered.keys()];
}


/** Name, threads, instruction set and kernels of the backend in use. */
export function backendInfo(): BackendInfo {
  return current.info();
}
