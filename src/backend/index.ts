import { ConfigError } from '../errors.js';
import type { Backend, BackendInfo } from './backend.js';
import { BackendError } from './errors.js';
import { jsBackend } from './js/index.js';
import { loadNativeBackend, type NativeBackend } from './native/index.js';

export type {
  AdamArgs, AttentionArgs, AttentionBackwardArgs, AttentionOperands, Backend, BackendInfo, BinaryOp, CompareOp, DType, GemmArgs, SgdArgs, Storage, Strided, UnaryOp,
} from './backend.js';
export { BufferPool, sizeClass, type PoolStats } from './pool.js';
export { BackendError } from './errors.js';
export { nativeAddonPath, type Isa, type NativeBackend } from './native/index.js';
export { jsBackend } from './js/index.js';

let current: Backend | null = null;
const registered = new Map<string, Backend>([[jsBackend.name, jsBackend]]);
let warned = false;

function threadsFromEnv(): number | null {
  const t = process.env.ANNEAL_THREADS;
  if (t === undefined || t === '') return null;
  const n = Number(t);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError('ANNEAL_THREADS', `expected a positive integer, got '${t}'`);
  return n;
}

/** The native backend with ANNEAL_THREADS applied, registered under 'native'; or why not. */
function native(): { backend: Backend } | { error: string } {
  const r = loadNativeBackend();
  if ('backend' in r && !registered.has('native')) {
    const threads = threadsFromEnv();
    if (threads !== null) r.backend.setThreads(threads);
    registered.set('native', r.backend);
  }
  return r;
}

/**
 * ANNEAL_BACKEND=js|native chooses; unset, the native backend when its addon loads, else the
 * TypeScript one (saying so once on stderr).
 */
function defaultBackend(): Backend {
  const choice = process.env.ANNEAL_BACKEND ?? '';
  if (choice !== '' && choice !== 'js' && choice !== 'native') throw new ConfigError('ANNEAL_BACKEND', `unknown backend '${choice}'`, ['js', 'native']);
  if (choice === 'js') {
    threadsFromEnv();
    return jsBackend;
  }
  const r = native();
  if ('backend' in r) return r.backend;
  if (choice === 'native') {
    throw new BackendError(`ANNEAL_BACKEND=native, but the native backend cannot be loaded: ${r.error}. Unset ANNEAL_BACKEND to run on the TypeScript backend.`);
  }
  if (!warned) {
    warned = true;
    process.stderr.write(`anneal: the native backend is not available (${r.error}); using the TypeScript backend, which is slower. Set ANNEAL_BACKEND=js to choose it explicitly.\n`);
  }
  return jsBackend;
}

/** The backend every op dispatches to. */
export function getBackend(): Backend {
  return current ?? (current = defaultBackend());
}

/** Makes a backend available by name to `setBackend`. */
export function registerBackend(backend: Backend): void {
  registered.set(backend.name, backend);
}

/** Switches every subsequent op to the named (or given) backend; 'native' loads the addon if needed. */
export function setBackend(backend: string | Backend): Backend {
  if (typeof backend !== 'string') {
    registerBackend(backend);
    current = backend;
    return current;
  }
  if (backend === 'native') {
    const r = native();
    if ('error' in r) throw new BackendError(`the native backend cannot be loaded: ${r.error}`);
  }
  const found = registered.get(backend);
  if (!found) throw new ConfigError('backend', `unknown backend '${backend}'`, listBackends());
  current = found;
  return current;
}

/** Names of the backends that can run here (the native one only when its addon loads). */
export function listBackends(): string[] {
  native();
  return [...registered.keys()];
}

/** The native backend (with setIsa and setThreads), or null when its addon cannot be loaded. */
export function nativeBackend(): NativeBackend | null {
  const r = native();
  return 'backend' in r ? (r.backend as NativeBackend) : null;
}

/** Name, threads, instruction set and kernels of the backend in use. */
export function backendInfo(): BackendInfo {
  return getBackend().info();
}
