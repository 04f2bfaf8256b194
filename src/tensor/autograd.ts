/**
 * Reverse-mode automatic differentiation. Every op that takes a tensor requiring grad records a
 * GradNode: its inputs and a closure mapping the output's gradient to the inputs' gradients.
 * `backward` sorts the recorded graph once and walks it in reverse; each node's closure (and with it
 * the tensors it saved) is released after use unless the graph is retained.
 */
import type { Tensor } from './tensor.js';
import { formatShape, sameShape } from './shape.js';

export interface GradNode {
  readonly name: string;
  /** Emptied when the graph is released, so a finished graph keeps no activations alive. */
  inputs: readonly Tensor[];
  /** Gradients for each input (null where an input gets none); null once the graph is released. */
  backward: ((grad: Tensor) => readonly (Tensor | null)[]) | null;
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
export function recordOp(out: Tensor, name: string, inputs: readonly Tensor[], backward: (grad: Tensor) => readonly (Tensor | null)[]): Tensor {
  if (!gradEnabled) return out;
  let needed = false;
  for (const t of inputs) if (t.requiresGrad) { needed = true; break; }
  if (!needed) return out;
  out.requiresGrad = true;
  out.gradFn = { name, inputs, backward };
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

/** Accumulates `grad` into the gradients of every leaf that `root` depends on. */
export function runBackward(root: Tensor, grad: Tensor, retainGraph: boolean): void {
  const order = topologicalOrder(root);
  const pending = new Map<Tensor, Tensor>([[root, grad]]);
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = pending.get(t);
      if (!g) continue;
      pending.delete(t);
      const node = t.gradFn;
      if (!node || t.retainsGrad) t.accumulateGrad(g);
      if (!node) continue;
      if (!node.backward) {
        throw new AutogradError(
          'Trying to backward through the graph a second time: its saved tensors were freed after the first backward. ' +
            'Pass { retainGraph: true } to the first backward() if you need to call it twice.',
        );
      }
      const inputGrads = node.backward(g);
      const inputs = node.inputs;
      if (!retainGraph) {
        node.backward = null;
        node.inputs = [];
      }
      for (let k = 0; k < inputs.length; k++) {
        const input = inputs[k]!;
        const ig = inputGrads[k];
        if (!input.requiresGrad || !ig) continue;
        if (!sameShape(ig.shape, input.shape)) {
          throw new AutogradError(`${node.name} backward produced a gradient of shape ${formatShape(ig.shape)} for an input of shape ${formatShape(input.shape)}`);
        }
        const existing = pending.get(input);
        pending.set(input, existing ? existing.add(ig) : ig);
      }
    }
  } finally {
    gradEnabled = prev;
  }
}
