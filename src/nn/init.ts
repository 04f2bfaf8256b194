/**
 * Parameter initialisers with torch.nn.init's names and semantics (fans, gains, modes), writing in
 * place and drawing from the seeded generator.
 */
import { defaultGenerator, noGrad, ShapeError, Tensor, type Generator } from '../tensor/index.js';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** torch.nn.init.calculate_gain. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': { const slope = param ?? 0.01; return Math.sqrt(2 / (1 + slope * slope)); }
    case 'selu': return 3 / 4;
  }
}

/** fan_in = size(1) * receptive field, fan_out = size(0) * receptive field (torch's _calculate_fan_in_and_fan_out). */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new ShapeError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  let receptive = 1;
  for (let d = 2; d < t.ndim; d++) receptive *= t.shape[d]!;
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

function fill(t: Tensor, draw: () => number): Tensor {
  noGrad(() => {
    const values = new Float32Array(t.numel());
    for (let i = 0; i < values.length; i++) values[i] = draw();
    t.copy_(new Tensor(values, t.shape));
  });
  return t;
}

export function uniform_(t: Tensor, a = 0, b = 1, generator: Generator = defaultGenerator): Tensor {
  return fill(t, () => a + (b - a) * generator.uniform53());
}

export function normal_(t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  return fill(t, () => mean + std * generator.normal());
}

export function constant_(t: Tensor, value: number): Tensor {
  noGrad(() => t.fill_(value));
  return t;
}

export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/** Glorot & Bengio (2010): U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, generator);
}

/** N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)). */
export function xavierNormal_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), generator);
}

export interface KaimingOptions {
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

function kaimingStd(t: Tensor, o: KaimingOptions): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = (o.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  return calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0) / Math.sqrt(fan);
}

/** He et al. (2015): U(-b, b) with b = sqrt(3) * gain / sqrt(fan). */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, -bound, bound, options.generator);
}

export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, options), options.generator);
}

/** N(mean, std^2) redrawn until inside [a, b] (torch.nn.init.trunc_normal_ bounds are absolute). */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, generator: Generator = defaultGenerator): Tensor {
  return fill(t, () => {
    for (;;) {
      const v = mean + std * generator.normal();
      if (v >= a && v <= b) return v;
    }
  });
}
