/** Shape arithmetic shared by ops: strides, broadcasting, dim normalisation, view compatibility. */

import { ArgumentError } from '../errors.js';

export type Shape = readonly number[];

/** Shapes that do not fit the op (PyTorch raises RuntimeError or IndexError for these). */
export class ShapeError extends ArgumentError {
  override name = 'ShapeError';
}

export function numelOf(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Resolves a possibly negative dim against a rank, as PyTorch does, with a clear error. */
export function normalizeDim(dim: number, rank: number, op = 'op'): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new ShapeError(`${op}: dimension ${dim} is out of range for a tensor of rank ${rank} (expected -${r}..${r - 1})`);
  }
  return dim < 0 ? dim + r : dim;
}

/** The shape two operands broadcast to, aligned from the right (NumPy/PyTorch rules). */
export function broadcastShapes(a: Shape, b: Shape, op = 'op'): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ShapeError(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together (dim ${i}: ${x} vs ${y})`);
    }
    out[i] = x === 1 ? y : x;
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if expanded to `target` (0 on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const shift = target.length - shape.length;
  for (let d = 0; d < shape.length; d++) out[d + shift] = shape[d] === 1 ? 0 : strides[d]!;
  return out;
}

/**
 * Strides for viewing (shape, strides) as newShape without copying, or null when impossible.
 * This is PyTorch's computeStride: dims are grouped into chunks that are contiguous among
 * themselves, and each chunk must map onto whole dims of the new shape.
 */
export function viewStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  const numel = numelOf(shape);
  if (numel === 0 || shape.length === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length).fill(0);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1]!;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d]!;
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return out;
}

/** Resolves a single -1 in a requested shape. */
export function inferShape(requested: Shape, numel: number, op = 'reshape'): number[] {
  const out = [...requested];
  const unknown = out.indexOf(-1);
  if (out.filter((s) => s === -1).length > 1) throw new ShapeError(`${op}: only one dimension can be -1, got ${formatShape(requested)}`);
  for (const s of out) {
    if (s !== -1 && (!Number.isInteger(s) || s < 0)) throw new ShapeError(`${op}: invalid size ${s} in ${formatShape(requested)}`);
  }
  if (unknown >= 0) {
    const known = out.reduce((p, s) => (s === -1 ? p : p * s), 1);
    if (known === 0 || numel % known !== 0) {
      throw new ShapeError(`${op}: shape ${formatShape(requested)} is invalid for input of size ${numel}`);
    }
    out[unknown] = numel / known;
  }
  if (numelOf(out) !== numel) throw new ShapeError(`${op}: shape ${formatShape(requested)} is invalid for input of size ${numel}`);
  return out;
}
