/**
 * topk with PyTorch 1.13's CPU results, ties included. PyTorch fills a queue of (value, index) pairs
 * along the dim and, when k * 64 <= n, calls std::partial_sort, else std::nth_element for the k-th
 * and std::sort for the k - 1 before it (aten/src/ATen/native/TopKImpl.h). Both are unstable: which
 * of several equal values come first, and in what order, is decided by libstdc++'s algorithms. They
 * are ported here step for step (bits/stl_algo.h, bits/stl_heap.h of GCC 12), so the indices of
 * ties match PyTorch's (test/tensor/topk.test.ts replays a fixture of tie-heavy rows). NaN counts as
 * the largest value, as in PyTorch. The values are gathered at the indices, so their gradient is
 * gather's. A host loop, not a backend kernel: topk is for decoding and metrics, not a training step.
 */
import { z } from 'zod';
import { ArgumentError } from '../../errors.js';
import { strictOptions } from '../../options.js';
import { normalizeDim, numelOf } from '../shape.js';
import { allocStorage, dataOf, Tensor } from '../tensor.js';
import { gather } from './indexing.js';

/** One row's queue: values and their original positions, moved together. */
interface Queue {
  v: Float64Array;
  i: Int32Array;
}

type Less = (a: number, b: number) => boolean;

const trunc = Math.trunc;
const lg = (n: number): number => 31 - Math.clz32(n);

function swap(q: Queue, a: number, b: number): void {
  const tv = q.v[a]!, ti = q.i[a]!;
  q.v[a] = q.v[b]!; q.i[a] = q.i[b]!;
  q.v[b] = tv; q.i[b] = ti;
}

function move(q: Queue, from: number, to: number): void {
  q.v[to] = q.v[from]!;
  q.i[to] = q.i[from]!;
}

// ---- bits/stl_heap.h -----------------------------------------------------------------------------

function pushHeap(q: Queue, first: number, holeIndex: number, topIndex: number, vv: number, vi: number, less: Less): void {
  let parent = trunc((holeIndex - 1) / 2);
  while (holeIndex > topIndex && less(q.v[first + parent]!, vv)) {
    move(q, first + parent, first + holeIndex);
    holeIndex = parent;
    parent = trunc((holeIndex - 1) / 2);
  }
  q.v[first + holeIndex] = vv;
  q.i[first + holeIndex] = vi;
}

function adjustHeap(q: Queue, first: number, holeIndex: number, len: number, vv: number, vi: number, less: Less): void {
  const topIndex = holeIndex;
  let secondChild = holeIndex;
  while (secondChild < trunc((len - 1) / 2)) {
    secondChild = 2 * (secondChild + 1);
    if (less(q.v[first + secondChild]!, q.v[first + secondChild - 1]!)) secondChild--;
    move(q, first + secondChild, first + holeIndex);
    holeIndex = secondChild;
  }
  if ((len & 1) === 0 && secondChild === trunc((len - 2) / 2)) {
    secondChild = 2 * (secondChild + 1);
    move(q, first + secondChild - 1, first + holeIndex);
    holeIndex = secondChild - 1;
  }
  pushHeap(q, first, holeIndex, topIndex, vv, vi, less);
}

function popHeap(q: Queue, first: number, last: number, result: number, less: Less): void {
  const vv = q.v[result]!, vi = q.i[result]!;
  move(q, first, result);
  adjustHeap(q, first, 0, last - first, vv, vi, less);
}

function makeHeap(q: Queue, first: number, last: number, less: Less): void {
  if (last - first < 2) return;
  const len = last - first;
  let parent = trunc((len - 2) / 2);
  for (;;) {
    adjustHeap(q, first, parent, len, q.v[first + parent]!, q.i[first + parent]!, less);
    if (parent === 0) return;
    parent--;
  }
}

function sortHeap(q: Queue, first: number, last: number, less: Less): void {
  while (last - first > 1) {
    last--;
    popHeap(q, first, last, last, less);
  }
}

// ---- bits/stl_algo.h -----------------------------------------------------------------------------

function heapSelect(q: Queue, first: number, middle: number, last: number, less: Less): void {
  makeHeap(q, first, middle, less);
  for (let i = middle; i < last; i++) if (less(q.v[i]!, q.v[first]!)) popHeap(q, first, middle, i, less);
}

function partialSort(q: Queue, first: number, middle: number, last: number, less: Less): void {
  heapSelect(q, first, middle, last, less);
  sortHeap(q, first, middle, less);
}

function moveMedianToFirst(q: Queue, result: number, a: number, b: number, c: number, less: Less): void {
  const va = q.v[a]!, vb = q.v[b]!, vc = q.v[c]!;
  if (less(va, vb)) {
    if (less(vb, vc)) swap(q, result, b);
    else if (less(va, vc)) swap(q, result, c);
    else swap(q, result, a);
  } else if (less(va, vc)) swap(q, result, a);
  else if (less(vb, vc)) swap(q, result, c);
  else swap(q, result, b);
}

function unguardedPartition(q: Queue, first: number, last: number, pivot: number, less: Less): number {
  for (;;) {
    while (less(q.v[first]!, q.v[pivot]!)) first++;
    last--;
    while (less(q.v[pivot]!, q.v[last]!)) last--;
    if (!(first < last)) return first;
    swap(q, first, last);
    first++;
  }
}

function unguardedPartitionPivot(q: Queue, first: number, last: number, less: Less): number {
  const mid = first + trunc((last - first) / 2);
  moveMedianToFirst(q, first, first + 1, mid, last - 1, less);
  return unguardedPartition(q, first + 1, last, first, less);
}

function unguardedLinearInsert(q: Queue, last: number, less: Less): void {
  const vv = q.v[last]!, vi = q.i[last]!;
  let next = last - 1;
  while (less(vv, q.v[next]!)) {
    move(q, next, last);
    last = next;
    next--;
  }
  q.v[last] = vv;
  q.i[last] = vi;
}

function insertionSort(q: Queue, first: number, last: number, less: Less): void {
  if (first === last) return;
  for (let i = first + 1; i !== last; i++) {
    if (less(q.v[i]!, q.v[first]!)) {
      const vv = q.v[i]!, vi = q.i[i]!;
      for (let j = i; j > first; j--) move(q, j - 1, j);
      q.v[first] = vv;
      q.i[first] = vi;
    } else unguardedLinearInsert(q, i, less);
  }
}

const THRESHOLD = 16;

function introsortLoop(q: Queue, first: number, last: number, depthLimit: number, less: Less): void {
  while (last - first > THRESHOLD) {
    if (depthLimit === 0) {
      partialSort(q, first, last, last, less);
      return;
    }
    depthLimit--;
    const cut = unguardedPartitionPivot(q, first, last, less);
    introsortLoop(q, cut, last, depthLimit, less);
    last = cut;
  }
}

function sort(q: Queue, first: number, last: number, less: Less): void {
  if (first === last) return;
  introsortLoop(q, first, last, lg(last - first) * 2, less);
  if (last - first > THRESHOLD) {
    insertionSort(q, first, first + THRESHOLD, less);
    for (let i = first + THRESHOLD; i !== last; i++) unguardedLinearInsert(q, i, less);
  } else insertionSort(q, first, last, less);
}

function nthElement(q: Queue, first: number, nth: number, last: number, less: Less): void {
  if (first === last || nth === last) return;
  let depthLimit = lg(last - first) * 2;
  while (last - first > 3) {
    if (depthLimit === 0) {
      heapSelect(q, first, nth + 1, last, less);
      swap(q, first, nth);
      return;
    }
    depthLimit--;
    const cut = unguardedPartitionPivot(q, first, last, less);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertionSort(q, first, last, less);
}

// ---- topk ----------------------------------------------------------------------------------------

const greater: Less = (a, b) => (Number.isNaN(a) && !Number.isNaN(b)) || a > b;
const smaller: Less = (a, b) => (!Number.isNaN(a) && Number.isNaN(b)) || a < b;

/** The positions of the k largest (or smallest) of `values`, in PyTorch's order (see the file comment). */
export function topkRow(values: ArrayLike<number>, k: number, largest: boolean, sorted: boolean): Int32Array {
  const n = values.length;
  const q: Queue = { v: Float64Array.from(values), i: new Int32Array(n) };
  for (let j = 0; j < n; j++) q.i[j] = j;
  const less = largest ? greater : smaller;
  if (k > 0) {
    if (k * 64 <= n) partialSort(q, 0, k, n, less);
    else {
      nthElement(q, 0, k - 1, n, less);
      if (sorted) sort(q, 0, k - 1, less);
    }
  }
  return q.i.slice(0, k);
}

/** What topk takes beside k and dim, when given as an object. */
export const topkOptions = z.strictObject({
  largest: z.boolean().optional().describe('the k largest (default) or the k smallest'),
  sorted: z.boolean().optional().describe('values in order (default); false leaves them as the selection left them, as PyTorch does'),
});

export type TopkOptions = z.input<typeof topkOptions>;

/**
 * The k largest (or smallest) entries along dim and their int32 indices (torch.topk). Values keep
 * x's dtype; their gradient flows back to the positions they came from.
 */
export function topk(x: Tensor, k: number, dim = -1, largest: boolean | TopkOptions = true, sorted = true): { values: Tensor; indices: Tensor } {
  const options = typeof largest === 'object' ? strictOptions(topkOptions, largest, 'topk') : { largest, sorted };
  const wantLargest = options.largest ?? true;
  const wantSorted = options.sorted ?? true;
  if (x.dtype === 'bool') throw new ArgumentError('topk: not defined for bool tensors (as in PyTorch); convert with .int() or .float()');
  if (x.ndim === 0) {
    normalizeDim(dim, 1, 'topk');
    if (k !== 1) throw new ArgumentError(`topk: k ${k} is out of range for a 0-d tensor (selected index k out of range)`);
    return { values: x.clone(), indices: Tensor.scalar(0, 'int32') };
  }
  const d = normalizeDim(dim, x.ndim, 'topk');
  const n = x.shape[d]!;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new ArgumentError(`topk: k ${k} is out of range for dim ${d} of size ${n} (selected index k out of range)`);
  const outer = numelOf(x.shape.slice(0, d));
  const inner = numelOf(x.shape.slice(d + 1));
  const data = dataOf(x);
  const shape = [...x.shape];
  shape[d] = k;
  const idx = allocStorage('int32', outer * k * inner) as Int32Array;
  const row = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let j = 0; j < n; j++) row[j] = data[base + j * inner]!;
      const picked = topkRow(row, k, wantLargest, wantSorted);
      for (let j = 0; j < k; j++) idx[o * k * inner + j * inner + i] = picked[j]!;
    }
  }
  const indices = new Tensor(idx, shape);
  return { values: gather(x, d, indices), indices };
}
