/** Mean squared error (torch.nn.functional.mse_loss), composed from primitive ops so its gradient follows from theirs. */
import type { Tensor } from '../tensor/index.js';
import { lossOptions, mseLossOptions, type MseLossOptions } from './options.js';

/** (input - target)^2, averaged (default), summed or kept per element; shapes broadcast as in PyTorch. */
export function mseLoss(input: Tensor, target: Tensor, options: MseLossOptions = {}): Tensor {
  const { reduction = 'mean' } = lossOptions(mseLossOptions, options, 'mseLoss');
  const squared = input.sub(target).square();
  return reduction === 'none' ? squared : reduction === 'sum' ? squared.sum() : squared.mean();
}
