import type { Storage } from '../backend/index.js';
import type { Tensor } from './tensor.js';

export type NestedArray = number | boolean | NestedArray[];

/** Row-major flat values to nested arrays of the given shape. */
export function toNested(values: Storage, shape: readonly number[], asBool = false): NestedArray {
  const read = (i: number): number | boolean => (asBool ? values[i] !== 0 : values[i]!);
  if (shape.length === 0) return read(0);
  let pos = 0;
  const build = (d: number): NestedArray[] => {
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[d]!; i++) out.push(d === shape.length - 1 ? read(pos++) : build(d + 1));
    return out;
  };
  return build(0);
}

function formatNumber(v: number, dtype: string): string {
  if (dtype !== 'float32') return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return `${v}.`;
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toFixed(4)));
}

/** PyTorch-like text form: tensor([[1., 2.], [3., 4.]], requiresGrad=true). */
export function formatTensor(t: Tensor): string {
  const MAX = 1000;
  const n = t.numel();
  const values = t.values();
  let body: string;
  if (n > MAX) {
    body = `<${n} elements, shape [${t.shape.join(', ')}]>`;
  } else {
    const nested = toNested(values, t.shape, t.dtype === 'bool');
    const fmt = (x: NestedArray): string =>
      Array.isArray(x) ? `[${x.map(fmt).join(', ')}]` : typeof x === 'boolean' ? String(x) : formatNumber(x, t.dtype);
    body = fmt(nested);
  }
  const extras: string[] = [];
  if (t.dtype !== 'float32') extras.push(`dtype=${t.dtype}`);
  if (t.gradFn) extras.push(`gradFn=${t.gradFn.name}`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  return `tensor(${body}${extras.length ? ', ' + extras.join(', ') : ''})`;
}
