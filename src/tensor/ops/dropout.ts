/** Inverted dropout (Srivastava et al. 2014): zero with probability p, scale survivors by 1/(1-p). */
import { defaultGenerator, type Generator } from '../random.js';
import { Tensor } from '../tensor.js';

export function dropout(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout: probability must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  const n = x.numel();
  const mask = new Float32Array(n);
  if (p < 1) {
    const keep = 1 - p;
    const scale = 1 / keep;
    for (let i = 0; i < n; i++) mask[i] = generator.uniform() < keep ? scale : 0;
  }
  // x * mask records an ordinary mul, whose backward is g * mask
  return x.mul(new Tensor(mask, x.shape));
}
