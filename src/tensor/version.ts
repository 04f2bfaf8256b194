/**
 * Version counters of storages, as PyTorch keeps one per storage (shared by all its views), so that
 * autograd can tell when an in-place op changed a buffer after an op saved it for backward.
 *
 * - `version`: bumped by every in-place op (Tensor.add_, copy_, ...), recorded or not. A node saves
 *   the versions of the tensors its backward reads; backward() compares them (autograd.ts).
 * - `graphVersion`: bumped only by in-place ops that autograd records. Each tensor remembers the
 *   graph version of its storage when it was made (or last changed in place itself); a tensor whose
 *   storage another view changed under recording is stale: its own history no longer describes its
 *   values, and using it in a recorded op is an error (PyTorch rewrites such a tensor's history
 *   instead; anneal asks for a clone()).
 *
 * Both maps stay empty until the first in-place op, so ordinary training pays nothing for them.
 * The pool hands out a fresh typed array for every allocation, so a reused buffer starts again at 0.
 */
import type { Storage } from '../backend/index.js';

const versions = new WeakMap<Storage, number>();
const graphVersions = new WeakMap<Storage, number>();
let anyVersion = false;
let anyGraphVersion = false;

/** How many in-place ops changed this storage. */
export function versionOf(s: Storage): number {
  return anyVersion ? (versions.get(s) ?? 0) : 0;
}

/** Counts one in-place change of the storage; returns the new version. */
export function bumpVersion(s: Storage): number {
  anyVersion = true;
  const v = (versions.get(s) ?? 0) + 1;
  versions.set(s, v);
  return v;
}

/** Whether any in-place op ran yet (until then every version is 0). */
export function versionsInUse(): boolean {
  return anyVersion;
}

/** How many recorded in-place ops changed this storage. */
export function graphVersionOf(s: Storage): number {
  return anyGraphVersion ? (graphVersions.get(s) ?? 0) : 0;
}

/** Counts one recorded in-place change of the storage; returns the new graph version. */
export function bumpGraphVersion(s: Storage): number {
  anyGraphVersion = true;
  const v = (graphVersions.get(s) ?? 0) + 1;
  graphVersions.set(s, v);
  return v;
}

/** Whether any recorded in-place op ran yet (until then no tensor can be stale). */
export function graphVersionsInUse(): boolean {
  return anyGraphVersion;
}
