/**
 * Activation checkpointing (torch.utils.checkpoint.checkpoint, the reentrant form; Chen et al. 2016,
 * "Training Deep Nets with Sublinear Memory Cost"): the forward runs without a graph and keeps only
 * the inputs; backward runs fn again with the graph on and backpropagates through that copy. The
 * generators' states are replayed for the recomputation, so dropout draws the same masks, and put
 * back afterwards, so the rest of the run draws what it would have drawn without checkpointing.
 */
import { enableGrad, isGradEnabled, noGrad, recordOp, runBackward } from './autograd.js';
import { defaultGenerator, type Generator } from './random.js';
import { abandonScope, closeScope, openScope, tidy } from './scope.js';
import { Tensor } from './tensor.js';
import { ArgumentError } from '../errors.js';

export interface CheckpointOptions {
  /** Generators fn draws from besides the default one (a module's own dropout generator). */
  generators?: readonly Generator[];
  /**
   * Parameters fn uses: the output then records a node even when no input requires grad, so their
   * gradients still flow (PyTorch's reentrant checkpoint would silently drop them).
   */
  parameters?: readonly Tensor[];
}

/** Runs fn(...inputs) checkpointed (torch.utils.checkpoint.checkpoint); fn must return one tensor and be deterministic given the RNG. */
export function checkpoint(fn: (...inputs: Tensor[]) => Tensor, ...inputs: Tensor[]): Tensor {
  return checkpointWith({}, fn, ...inputs);
}

/** checkpoint with the generators and parameters fn uses (see CheckpointOptions). */
export function checkpointWith(options: CheckpointOptions, fn: (...inputs: Tensor[]) => Tensor, ...inputs: Tensor[]): Tensor {
  const params = (options.parameters ?? []).filter((p) => p.requiresGrad);
  if (!isGradEnabled() || !(inputs.some((t) => t.requiresGrad) || params.length > 0)) return fn(...inputs);
  const generators = [...new Set([defaultGenerator, ...(options.generators ?? [])])];
  const before = generators.map((g) => g.getState());
  // tidy releases every intermediate of the no-grad forward at once: that is the memory saved
  const computed = tidy(() => noGrad(() => fn(...inputs)));
  if (!(computed instanceof Tensor)) throw new ArgumentError('checkpoint: fn must return a single Tensor');
  const out = inputs.includes(computed) ? computed.detach() : computed;
  return recordOp(out, 'checkpoint', [...inputs, ...params], (g) => {
    const after = generators.map((gen) => gen.getState());
    generators.forEach((gen, i) => gen.setState(before[i]!));
    const scope = openScope();
    try {
      const leaves = inputs.map((t) => (t.requiresGrad ? t.detach().requiresGrad_() : t.detach()));
      const capture = new Map<Tensor, Tensor | null>();
      for (const l of leaves) if (l.requiresGrad) capture.set(l, null);
      const recomputed = enableGrad(() => fn(...leaves));
      // parameters are plain leaves here, so their .grad accumulates as without checkpointing
      if (recomputed.requiresGrad) runBackward(recomputed, g, false, capture);
      const grads = leaves.map((l) => capture.get(l) ?? null);
      const survivors = new Set<Tensor>();
      for (const x of grads) if (x) survivors.add(x);
      closeScope(scope, survivors);
      return [...grads, ...params.map(() => null)];
    } catch (err) {
      abandonScope(scope);
      throw err;
    } finally {
      generators.forEach((gen, i) => gen.setState(after[i]!));
    }
  }, { saves: inputs });
}
