/**
 * Files anneal's writer produces, built from fixed values so their bytes never change:
 * scripts/fixtures/safetensors_rust.sh has the reference reader check each, and the tests check
 * that the writer still produces exactly those bytes.
 */
import { io, tensor, zeros, type Tensor } from 'anneal';

function ramp(shape: number[], scale: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, (_, i) => (i - n / 2) * scale)).reshape(shape);
}

/** Name -> the bytes serializeSafetensors writes. */
export function writtenByAnneal(): Record<string, Uint8Array> {
  return {
    mixed_dtypes: io.serializeSafetensors(
      {
        'encoder.layers.0.self_attn.in_proj_weight': ramp([6, 2], 0.25),
        'encoder.layers.0.self_attn.in_proj_bias': ramp([6], 0.5),
        ids: tensor([1, -2, 3], { dtype: 'int32' }),
        mask: tensor([true, false, true]),
        scalar: tensor(2.5),
      },
      { format: 'pt', note: 'anneal' },
    ),
    zero_size_tensors: io.serializeSafetensors({ a: zeros([0]), b: ramp([3], 1), c: zeros([2, 0]), d: tensor([false]), e: zeros([0], { dtype: 'int32' }) }),
    odd_bool_then_float: io.serializeSafetensors({ a_mask: tensor([true, true, false]), z_weight: ramp([2, 3], 0.1) }),
    unicode_and_prototype_names: io.serializeSafetensors({ 'poids.α': ramp([2], 1), constructor: ramp([1], 1), toString: ramp([1], 2) }),
    empty: io.serializeSafetensors({}),
  };
}
