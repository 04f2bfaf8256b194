/**
 * Reverse-mode automatic differentiation. Every op that takes a tensor requiring grad records a
 * GradNode: its inputs and a closure mapping the output's gradient to the inputs' gradients.
 * `backward` sorts the recorded graph once and walks it in reverse; each node's closure (and with it
 * the tensors it saved) is released after use unless the graph is retained.
 *
 * As in PyTorch, a node's edges are fixed when it is recorded: each points at the node that produced
 * the input (or at the input itself when it is a leaf), not at the tensor object. An in-place op
 * (ops/inplace.ts) gives a tensor a new node whose edge leads to its old one; nodes recorded before
 * keep pointing at the old history. A node also lists the tensors its backward reads with their
 * storages' versions (version.ts); backward() refuses a node whose saved tensor changed since.
 */
import { getBackend, type Storage } from '../backend/index.js';
import type { Tensor } from './tensor.js';
import { formatShape, sameShape } from './shape.js';
import { abandonScope, closeScope, isPermanent, openScope, type Scope } from './scope.js';
import { graphVersionOf, graphVersionsInUse, versionOf, versionsInUse } from './version.js';
import { AnnealError, InternalError } from '../errors.js';

export interface GradNode {
  readonly name: string;
  /** Emptied when the graph is released, so a finished graph keeps no activations alive. */
  inputs: readonly Tensor[];
  /**
   * Where each input's gradient goes, fixed when the op ran: the node that produced the input, the
   * input itself when it is a leaf, or null when it did not require grad. An in-place op later gives
   * a tensor a new node; these edges keep pointing at the old one, as PyTorch's do.
   */
  edges: readonly (GradNode | Tensor | null)[];
  /** Gradients for each input (null where an input gets none); null once the graph is released. */
  backward: ((grad: Tensor) => readonly (Tensor | null)[]) | null;
  /**
   * Optional, for ops whose gradient is zero outside a region of their single input (slice, select):
   * adds the gradient into `acc`, a private contiguous buffer shaped like the input, instead of
   * building a zero tensor the size of the input for each slice and summing them.
   */
  backwardInto?: ((grad: Tensor, acc: Tensor) => void) | null;
  /** The tensors backward reads (saved for backward), checked against in-place changes. */
  saved: readonly Tensor[];
  /** Their storages' versions when the op ran; null when every version was 0. */
  savedVersions: readonly number[] | null;
  /** A view op: the output shares its single input's storage (reshape of contiguous data, slice, ...). */
  readonly isView: boolean;
  /** The non-leaf tensor whose .grad receives this node's gradient (retainGrad()), or null. */
  retainer: Tensor | null;
}

/** What an op tells recordOp beyond its inputs and backward. */
export interface RecordOptions {
  /**
   * The tensors backward reads, whose in-place change before backward is an error (PyTorch's saved
   * tensors). Default: every input and the output, the safe choice; ops list exactly what they read.
   */
  saves?: readonly Tensor[];
  /** See GradNode.backwardInto. */
  backwardInto?: (grad: Tensor, acc: Tensor) => void;
  /** The output is a view of the single input. */
  view?: boolean;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn without recording a graph (torch.no_grad). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs fn with graph recording on, even inside noGrad (torch.enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Globally switches graph recording (torch.set_grad_enabled). */
export function setGradEnabled(enabled: boolean): void {
  gradEnabled = enabled;
}

/** A tensor as error messages name it: dtype, shape and, for a module parameter, its dotted name. */
export function describeTensor(t: Tensor): string {
  return `${t.dtype} tensor of shape [${t.shape.join(', ')}]${t.name ? ` (${t.name})` : ''}`;
}

/** Raised when autograd is used in a way it cannot follow: backward twice, an in-place change of what backward needs. */
export class AutogradError extends AnnealError {
  override name = 'AutogradError';
}

/** Throws when another view of t's storage was changed in place under recording after t was made (version.ts). */
export function checkNotStale(t: Tensor, op: string): void {
  const s = t.rawStorage;
  if (s === null || t.graphVersion === graphVersionOf(s)) return;
  throw new AutogradError(
    `${op}: the ${describeTensor(t)} shares its storage with a tensor that was changed in place while autograd recorded it ` +
      '(a view of it, its base, or a detach()ed alias), so its history no longer describes its values. ' +
      'anneal cannot route gradients through such a change (PyTorch rewrites the history of every view); ' +
      'clone() the tensor you change in place, or build the result out of place (cat, where, maskedFill)',
  );
}

const edgeOf = (t: Tensor): GradNode | Tensor | null => (t.requiresGrad ? (t.gradFn ?? t) : null);

/**
 * Records `out` as computed from `inputs` when any of them requires grad. `backward` receives the
 * gradient of `out` and returns one gradient per input, each shaped like that input.
 */
export function recordOp(
  out: Tensor, name: string, inputs: readonly Tensor[], backward: (grad: Tensor) => readonly (Tensor | null)[],
  options: RecordOptions = {},
): Tensor {
  if (!gradEnabled) return out;
  if (graphVersionsInUse()) for (const t of inputs) checkNotStale(t, name);
  let needed = false;
  for (const t of inputs) if (t.requiresGrad) { needed = true; break; }
  if (!needed) return out;
  const saved = options.saves ?? [...inputs, out];
  let savedVersions: number[] | null = null;
  if (versionsInUse() && saved.length > 0) {
    savedVersions = saved.map((t) => {
      const s = t.rawStorage;
      return s === null ? 0 : versionOf(s);
    });
  }
  const node: GradNode = {
    name, inputs, edges: inputs.map(edgeOf), backward, backwardInto: options.backwardInto ?? null,
    saved, savedVersions, isView: options.view ?? false, retainer: null,
  };
  out.requiresGrad = true;
  out.gradFn = node;
  return out;
}

/** PyTorch's check at backward time: a tensor the node saved must still be at the version it had then. */
function checkSaved(node: GradNode): void {
  for (let i = 0; i < node.saved.length; i++) {
    const t = node.saved[i]!;
    const s = t.rawStorage;
    if (s === null) continue;
    const expected = node.savedVersions?.[i] ?? 0;
    const now = versionOf(s);
    if (now !== expected) {
      throw new AutogradError(
        `one of the variables needed for gradient computation has been modified by an inplace operation: the ${describeTensor(t)} ` +
          `that ${node.name} saved for backward is at version ${now}; expected version ${expected} instead. ` +
          'Change it out of place (x = x.add(1) rather than x.add_(1)), or clone() it before the in-place op',
      );
    }
  }
}

type Vertex = GradNode | Tensor;
const isNode = (v: Vertex): v is GradNode => (v as GradNode).edges !== undefined;

/** Topological order (inputs before outputs) of every node and leaf that `root` depends on. */
function topologicalOrder(root: Vertex): Vertex[] {
  const order: Vertex[] = [];
  const visited = new Set<Vertex>([root]);
  const stack: { v: Vertex; next: number }[] = [{ v: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const edges = isNode(top.v) ? top.v.edges : null;
    if (edges && top.next < edges.length) {
      const e = edges[top.next++]!;
      if (e !== null && !visited.has(e)) {
        visited.add(e);
        stack.push({ v: e, next: 0 });
      }
    } else {
      order.push(top.v);
      stack.pop();
    }
  }
  return order;
}

/**
 * Which gradient buffers the backward pass owns and who still reads them. Every buffer allocated
 * while backward runs is its own (only .grad escapes, and accumulateGrad copies or adopts it); a buffer
 * goes back to the pool once no pending gradient views it, so the intermediate gradients of a step
 * reuse each other's memory instead of piling up until the GC runs.
 */
class GradBuffers {
  private readonly refs = new Map<Storage, number>();
  constructor(private readonly scope: Scope) {}

  /** Whether `s` is backward's own buffer that nothing but one pending gradient reads. */
  soleOwner(s: Storage): boolean {
    return this.scope.storages.has(s) && this.refs.get(s) === 1 && !isPermanent(s);
  }

  ref(t: Tensor): void {
    const s = t.storage;
    this.refs.set(s, (this.refs.get(s) ?? 0) + 1);
  }

  unref(t: Tensor): void {
    const s = t.storage;
    const n = (this.refs.get(s) ?? 1) - 1;
    if (n > 0) this.refs.set(s, n);
    else this.refs.delete(s);
  }

  /** Releases the buffers allocated since the last call that no pending gradient reads. */
  releaseUnreferenced(): void {
    const recent = this.scope.recent;
    this.scope.recent = [];
    const backend = getBackend();
    for (const s of recent) {
      if (this.refs.has(s) || isPermanent(s) || !this.scope.storages.has(s)) continue;
      this.scope.storages.delete(s);
      backend.release(s);
    }
  }
}

/** A private, zeroed, contiguous accumulator shaped like `like`, with `existing` (if any) added in. */
function accumulatorFor(like: Tensor, existing: Tensor | undefined, buffers: GradBuffers): Tensor {
  if (existing && existing.offset === 0 && existing.isContiguous() && existing.storage.length === existing.numel() && buffers.soleOwner(existing.storage)) {
    return existing;
  }
  const acc = (like.constructor as typeof Tensor).zeros(like.shape);
  if (existing) getBackend().binary('add', { data: acc.storage, offset: 0, strides: acc.strides }, { data: existing.storage, offset: existing.offset, strides: existing.strides }, acc.storage, acc.shape);
  return acc;
}

/**
 * Accumulates `grad` into the gradients of every leaf that `root` depends on; the leaves in `capture`
 * instead get their gradient set there, and it outlives backward's scope.
 */
export function runBackward(root: Tensor, grad: Tensor, retainGraph: boolean, capture?: Map<Tensor, Tensor | null>): void {
  if (graphVersionsInUse()) checkNotStale(root, 'backward');
  const start: Vertex = root.gradFn ?? root;
  const order = topologicalOrder(start);
  const pending = new Map<Vertex, Tensor>([[start, grad]]);
  const prev = gradEnabled;
  gradEnabled = false;
  const scope = openScope(true);
  const buffers = new GradBuffers(scope);
  buffers.ref(grad);
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const v = order[i]!;
      const g = pending.get(v);
      if (!g) continue;
      pending.delete(v);
      if (!isNode(v)) {
        // a captured leaf hands its gradient back to the caller (checkpoint.ts) instead of into .grad
        if (capture?.has(v)) { capture.set(v, g); continue; }
        v.accumulateGrad(g, buffers.soleOwner(g.storage));
        buffers.unref(g);
        buffers.releaseUnreferenced();
        continue;
      }
      const node = v;
      if (node.retainer) node.retainer.accumulateGrad(g, false);
      if (!node.backward) {
        throw new AutogradError(
          'Trying to backward through the graph a second time: its saved tensors were freed after the first backward. ' +
            'Pass { retainGraph: true } to the first backward() if you need to call it twice.',
        );
      }
      checkSaved(node);
      const inputs = node.inputs;
      const edges = node.edges;
      if (node.backwardInto && inputs.length === 1 && edges[0] !== null) {
        const target = edges[0]!;
        const existing = pending.get(target);
        const acc = accumulatorFor(inputs[0]!, existing, buffers);
        node.backwardInto(g, acc);
        if (acc !== existing) {
          if (existing) buffers.unref(existing);
          pending.set(target, acc);
          buffers.ref(acc);
        }
      } else {
        const inputGrads = node.backward(g);
        for (let k = 0; k < inputs.length; k++) {
          const target = edges[k];
          const ig = inputGrads[k];
          if (!target || !ig) continue;
          const input = inputs[k]!;
          if (!sameShape(ig.shape, input.shape)) {
            throw new InternalError(`${node.name} backward produced a gradient of shape ${formatShape(ig.shape)} for an input of shape ${formatShape(input.shape)}`);
          }
          const existing = pending.get(target);
          if (!existing) {
            pending.set(target, ig);
            buffers.ref(ig);
          } else if (
            existing.storage !== ig.storage && existing.offset === 0 && existing.isContiguous() && buffers.soleOwner(existing.storage)
          ) {
            // sum in place: existing is a buffer only this pending entry reads
            getBackend().binary('add', { data: existing.storage, offset: 0, strides: existing.strides }, { data: ig.storage, offset: ig.offset, strides: ig.strides }, existing.storage, existing.shape);
          } else {
            const sum = existing.add(ig);
            pending.set(target, sum);
            buffers.ref(sum);
            buffers.unref(existing);
          }
        }
      }
      if (!retainGraph) {
        node.backward = null;
        node.backwardInto = null;
        node.inputs = [];
        node.edges = [];
        node.saved = [];
      }
      buffers.unref(g);
      buffers.releaseUnreferenced();
    }
  } catch (err) {
    gradEnabled = prev;
    abandonScope(scope);
    throw err;
  }
  gradEnabled = prev;
  const survivors = new Set<Tensor>();
  if (capture) for (const g of capture.values()) if (g) survivors.add(g);
  closeScope(scope, survivors);
}
