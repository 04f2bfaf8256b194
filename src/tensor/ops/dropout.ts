/** Inverted dropout (Srivastava et al. 2014): zero with probability p, scale survivors by 1/(1-p). */
import { getBackend } from '../../backend/index.js';
import { recordOp } from '../autograd.js';
import { defaultGenerator, type Generator } from '../random.js';
import { allocFloat, allocStorage, floatData, Tensor } from '../tensor.js';
import { ArgumentError } from '../../errors.js';

/**
 * The kept positions for n elements: one uniform draw each from the generator, in order (the
 * backend's kernel advances the generator's state by exactly n draws, on every backend).
 */
export function keepMask(n: number, keepProb: number, generator: Generator): Uint8Array {
  const keep = allocStorage('bool', n) as Uint8Array;
  const state = generator.stateWords();
  getBackend().bernoulliMask(n, keepProb, state, keep);
  generator.setStateWords(state);
  return keep;
}

export function dropout(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`dropout: probability must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  const n = x.numel();
  const keepProb = 1 - p;
  const scale = 1 / keepProb;
  // p = 1 keeps nothing and draws nothing
  const keep = p < 1 ? keepMask(n, keepProb, generator) : (allocStorage('bool', n).fill(0) as Uint8Array);
  const backend = getBackend();
  const out = allocFloat(n);
  const xs = x.dtype === 'float32' ? x : x.float();
  backend.dropoutApply(floatData(xs), keep, scale, out);
  // the gradient is g * mask, as for x * mask
  return recordOp(new Tensor(out, x.shape), 'dropout', [x], (g) => {
    const gx = allocFloat(n);
    backend.dropoutApply(floatData(g), keep, scale, gx);
    return [new Tensor(gx, x.shape)];
  }, { saves: [] });
}
