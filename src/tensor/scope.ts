/**
 * Deterministic buffer lifetimes (tfjs's tidy): a scope records the tensors created and the buffers
 * allocated while it is open; when it closes, every tensor not returned (nor kept) is released and
 * its buffer goes back to the backend's pool for the next step to reuse, instead of waiting for the
 * garbage collector. A released tensor throws ReleasedTensorError on any use of its data.
 *
 * Safe by construction:
 * - only buffers allocated inside the scope are released, and only when no returned tensor views them;
 * - `keep` makes a tensor and its buffer permanent: parameters, buffers of modules, `.grad` and
 *   optimizer state are kept where they are created, so no scope ever releases them;
 * - outside any scope nothing is released early: buffers follow the GC as before.
 * autograd's backward runs in a scope of its own and releases each intermediate gradient as soon as
 * the last node that reads it has run (autograd.ts).
 */
import { getBackend, type Storage } from '../backend/index.js';
import { AnnealError, ArgumentError, InternalError } from '../errors.js';

/** Thrown when a tensor released by a scope is used again. */
export class ReleasedTensorError extends AnnealError {
  override name = 'ReleasedTensorError';
}

/** What a scope needs from a tensor (tensor.ts implements it; a type here avoids an import cycle). */
export interface ScopedTensor {
  /** The storage without the released check, or null once released. */
  readonly rawStorage: Storage | null;
  release(): void;
}

export class Scope {
  readonly tensors: ScopedTensor[] = [];
  readonly storages = new Set<Storage>();
  /** With trackRecent: the storages allocated since autograd last looked (it releases them node by node). */
  recent: Storage[] = [];
  constructor(readonly trackRecent = false) {}
}

const stack: Scope[] = [];
let current: Scope | null = null;
const keptTensors = new WeakSet<object>();
const permanent = new WeakSet<Storage>();

/** Called by the Tensor constructor. */
export function trackTensor(t: ScopedTensor): void {
  if (current !== null) current.tensors.push(t);
}

/** Called for every buffer allocated for a tensor. */
export function trackStorage(s: Storage): void {
  if (current !== null) {
    current.storages.add(s);
    if (current.trackRecent) current.recent.push(s);
  }
}

export function isPermanent(s: Storage): boolean {
  return permanent.has(s);
}

/** Marks a tensor and its buffer as never released by any scope (parameters, gradients, optimizer state). */
export function keep<T extends ScopedTensor>(t: T): T {
  keptTensors.add(t);
  const s = t.rawStorage;
  if (s !== null) permanent.add(s);
  return t;
}

export function openScope(trackRecent = false): Scope {
  const s = new Scope(trackRecent);
  if (current !== null) stack.push(current);
  current = s;
  return s;
}

/** Closes the innermost scope without releasing anything (after an error): its buffers follow the GC. */
export function abandonScope(scope: Scope): void {
  if (current !== scope) throw new InternalError('abandonScope: scopes must close innermost first');
  current = stack.pop() ?? null;
}

/**
 * Closes the innermost scope: releases its tensors and buffers except those in `survivors`, which
 * move to the enclosing scope (so an outer tidy still owns what an inner one returned).
 */
export function closeScope(scope: Scope, survivors: ReadonlySet<ScopedTensor>): void {
  if (current !== scope) throw new InternalError('closeScope: scopes must close innermost first');
  current = stack.pop() ?? null;
  const outer = current;
  const liveStorages = new Set<Storage>();
  for (const t of survivors) {
    const s = t.rawStorage;
    if (s !== null) liveStorages.add(s);
  }
  for (const t of scope.tensors) {
    if (survivors.has(t)) outer?.tensors.push(t);
    else if (!keptTensors.has(t)) t.release();
  }
  const backend = getBackend();
  for (const s of scope.storages) {
    if (liveStorages.has(s)) {
      if (outer !== null) {
        outer.storages.add(s);
        if (outer.trackRecent) outer.recent.push(s);
      }
    } else if (!permanent.has(s)) backend.release(s);
  }
}

function collect(x: unknown, out: Set<ScopedTensor>, depth: number): void {
  if (x === null || typeof x !== 'object' || depth > 4) return;
  if ('rawStorage' in x && 'release' in x) { out.add(x as ScopedTensor); return; }
  if (Array.isArray(x)) { for (const v of x) collect(v, out, depth + 1); return; }
  if (x instanceof Map) { for (const v of x.values()) collect(v, out, depth + 1); return; }
  if (Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) collect(v, out, depth + 1);
}

/**
 * Runs fn and then releases every tensor created inside it except those it returns (found in arrays,
 * Maps and plain objects up to 4 levels deep) and those `keep` marked, returning their buffers to the
 * pool at once (tfjs's tf.tidy). Use it around a training step's forward and backward, and around
 * the optimizer step; a tensor needed afterwards (logits for a metric, say) must be returned. fn must
 * not return a Promise: the scope would close before it settles.
 */
export function tidy<T>(fn: () => T): T {
  const scope = openScope();
  let result: T;
  try {
    result = fn();
  } catch (err) {
    abandonScope(scope);
    throw err;
  }
  if (result instanceof Promise) {
    abandonScope(scope);
    throw new ArgumentError('tidy: fn returned a Promise; tidy only scopes synchronous code');
  }
  const survivors = new Set<ScopedTensor>();
  collect(result, survivors, 0);
  closeScope(scope, survivors);
  return result;
}

/** Pins a buffer handed to user code (Tensor.values()): no scope recycles it, the GC reclaims it. */
export function exposeStorage(s: Storage): void {
  permanent.add(s);
}
