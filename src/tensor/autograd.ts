/**
 * Reverse-mode automatic differentiation. Every op that takes a tensor requiring grad records a
 * GradNode: its inputs and a closure mapping the output's gradient to the inputs' gradients.
 * `backward` sorts the recorded graph once and walks it in reverse; each node's closure (and with it
 * the tensors it saved) is released after use unless the graph is retained.
 */
import { getBackend, type Storage } from '../backend/index.js';
import type { Tensor } from './tensor.js';
import { formatShape, sameShape } from './shape.js';
import { abandonScope, closeScope, isPermanent, openScope, type Scope } from './scope.js';

export interface GradNode {
  readonly name: string;
  /** Emptied when the graph is released, so a finished graph keeps no activations alive. */
  inputs: readonly Tensor[];
  /** Gradients for each input (null where an input gets none); null once the graph is released. */
  backward: ((grad: Tensor) => readonly (Tensor | null)[]) | null;
  /**
   * Optional, for ops whose gradient is zero outside a region of their single input (slice, select):
   * adds the gradient into `acc`, a private contiguous buffer shaped like the input, instead of
   * building a zero tensor the size of the input for each slice and summing them.
   */
  backwardInto?: ((grad: Tensor, acc: Tensor) => void) | null;
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

/**
 * Records `out` as computed from `inputs` when any of them requires grad. `backward` receives the
 * gradient of `out` and returns one gradient per input, each shaped like that input.
 */
export function recordOp(
  out: Tensor, name: string, inputs: readonly Tensor[], backward: (grad: Tensor) => readonly (Tensor | null)[],
  backwardInto?: (grad: Tensor, acc: Tensor) => void,
): Tensor {
  if (!gradEnabled) return out;
  let needed = false;
  for (const t of inputs) if (t.requiresGrad) { needed = true; break; }
  if (!needed) return out;
  out.requiresGrad = true;
  out.gradFn = { name, inputs, backward, backwardInto: backwardInto ?? null };
  return out;
}

export class AutogradError extends Error {
  override name = 'AutogradError';
}

/** Topological order (inputs before outputs) of every tensor requiring grad that `root` depends on. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>([root]);
  const stack: { t: Tensor; next: number }[] = [{ t: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const inputs = top.t.gradFn?.inputs;
    if (inputs && top.next < inputs.length) {
      const input = inputs[top.next++]!;
      if (input.requiresGrad && !visited.has(input)) {
        visited.add(input);
        stack.push({ t: input, next: 0 });
      }
    } else {
      order.push(top.t);
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

/** Accumulates `grad` into the gradients of every leaf that `root` depends on. */
export function runBackward(root: Tensor, grad: Tensor, retainGraph: boolean): void {
  const order = topologicalOrder(root);
  const pending = new Map<Tensor, Tensor>([[root, grad]]);
  const prev = gradEnabled;
  gradEnabled = false;
  const scope = openScope(true);
  const buffers = new GradBuffers(scope);
  buffers.ref(grad);
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = pending.get(t);
      if (!g) continue;
      pending.delete(t);
      const node = t.gradFn;
      if (!node || t.retainsGrad) t.accumulateGrad(g, !node && buffers.soleOwner(g.storage));
      if (!node) {
        buffers.unref(g);
        buffers.releaseUnreferenced();
        continue;
      }
      if (!node.backward) {
        throw new AutogradError(
          'Trying to backward through the graph a second time: its saved tensors were freed after the first backward. ' +
            'Pass { retainGraph: true } to the first backward() if you need to call it twice.',
        );
      }
      const inputs = node.inputs;
      if (node.backwardInto && inputs.length === 1 && inputs[0]!.requiresGrad) {
        const input = inputs[0]!;
        const existing = pending.get(input);
        const acc = accumulatorFor(input, existing, buffers);
        node.backwardInto(g, acc);
        if (acc !== existing) {
          if (existing) buffers.unref(existing);
          pending.set(input, acc);
          buffers.ref(acc);
        }
      } else {
        const inputGrads = node.backward(g);
        for (let k = 0; k < inputs.length; k++) {
          const input = inputs[k]!;
          const ig = inputGrads[k];
          if (!input.requiresGrad || !ig) continue;
          if (!sameShape(ig.shape, input.shape)) {
            throw new AutogradError(`${node.name} backward produced a gradient of shape ${formatShape(ig.shape)} for an input of shape ${formatShape(input.shape)}`);
          }
          const existing = pending.get(input);
          if (!existing) {
            pending.set(input, ig);
            buffers.ref(ig);
          } else if (
            existing.storage !== ig.storage && existing.offset === 0 && existing.isContiguous() && buffers.soleOwner(existing.storage)
          ) {
            // sum in place: existing is a buffer only this pending entry reads
            getBackend().binary('add', { data: existing.storage, offset: 0, strides: existing.strides }, { data: ig.storage, offset: ig.offset, strides: ig.strides }, existing.storage, existing.shape);
          } else {
            const sum = existing.add(ig);
            pending.set(input, sum);
            buffers.ref(sum);
            buffers.unref(existing);
          }
        }
      }
      if (!retainGraph) {
        node.backward = null;
        node.backwardInto = null;
        node.inputs = [];
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
  closeScope(scope, new Set());
}
